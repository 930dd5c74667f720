"""The demo practice's consent documents: version 1 of each file in consent/documents/.

Idempotent: a document that already has a version is left alone. These are drafts for a
demo, not legal advice (see consent/documents/README.md).
"""

from pathlib import Path

from consent.models import ConsentDocument, DocumentVersion

DOCUMENTS_DIR = Path(__file__).resolve().parent / "documents"
RequiredFor = ConsentDocument.RequiredFor

# In the order clients read them.
DOCUMENTS = [
    ("informed-consent", RequiredFor.ALL),
    ("limits-of-confidentiality", RequiredFor.ALL),
    ("privacy-practices", RequiredFor.ALL),
    ("cancellation-policy", RequiredFor.ALL),
    ("telehealth", RequiredFor.TELEHEALTH),
    ("contact-consent", RequiredFor.CONTACT),
]


def read_document(slug: str) -> tuple[str, str]:
    """A document file's title (its first "# " heading) and the Markdown body after it."""
    text = (DOCUMENTS_DIR / f"{slug}.md").read_text(encoding="utf-8")
    heading, _, body = text.partition("\n")
    if not heading.startswith("# "):
        raise ValueError(f"{slug}.md must start with a '# Title' line")
    return heading.removeprefix("# ").strip(), body.strip() + "\n"


def seed() -> None:
    """Publish version 1 of each demo document that has no version yet."""
    for position, (slug, required_for) in enumerate(DOCUMENTS, start=1):
        title, body = read_document(slug)
        document, _ = ConsentDocument.objects.get_or_create(
            slug=slug,
            defaults={"title": title, "required_for": required_for, "position": position},
        )
        if not document.versions.exists():
            DocumentVersion.objects.create(document=document, title=title, body=body).publish()
