"""Every promise the practice makes to clients is a listed one, with the test that keeps it.

The product once told clients "the link to join will be in your portal" when no link existed,
and quoted fees "shown in your portal" that were shown nowhere. This test reads every
client-facing template, e-mail and consent document for sentences that say what the portal or
the practice does ("in your portal", "we will ...", "you can ...") and fails on one that
`templates/README.md` does not list. Each listed promise names the test that proves it, or
says that people keep it (a therapist calling back, say), which no test can prove.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LIST = ROOT / "templates" / "README.md"

# Pages only staff or therapists see make no promise to clients. Any other template,
# a new one included, is read.
NOT_CLIENT_FACING = {
    "templates/consent/_staff_dashboard.html",
    "templates/consent/staff_overview.html",
    "templates/emails/staff_message_unknown.html",
    "templates/emails/staff_message_unknown.txt",
    "templates/emails/therapist_agenda.html",
    "templates/emails/therapist_agenda.txt",
    "templates/emails/urgent_intake.html",
    "templates/emails/urgent_intake.txt",
    "templates/emails/invitation.html",
    "templates/emails/invitation.txt",
    "templates/intake/_measures.html",
    "templates/intake/_staff_dashboard.html",
    "templates/intake/queue.html",
    "templates/intake/submission_detail.html",
    "templates/practice/audit_log.html",
    "templates/practice/closures.html",
    "templates/practice/invite.html",
    "templates/practice/message_list.html",
    "templates/practice/staff_dashboard.html",
    "templates/scheduling/_availability_nav.html",
    "templates/scheduling/_calendar.html",
    "templates/scheduling/_checkins.html",
    "templates/scheduling/_first_worries.html",
    "templates/scheduling/_series_plan.html",
    "templates/scheduling/_staff_dashboard.html",
    "templates/scheduling/appointment_detail.html",
    "templates/scheduling/availability.html",
    "templates/scheduling/booking_rules.html",
    "templates/scheduling/calendar.html",
    "templates/scheduling/date_exceptions.html",
    "templates/scheduling/feed_settings.html",
    "templates/scheduling/series_form.html",
    "templates/scheduling/series_preview.html",
    "templates/scheduling/staff_appointment.html",
    "templates/scheduling/staff_book.html",
    "templates/scheduling/staff_calendar.html",
    "templates/scheduling/time_off.html",
}

PROMISE = re.compile(
    r"\b(?:in|from|through) your (?:client )?portal\b|\bwe will\b|\bwe'll\b|\byou can\b",
    re.IGNORECASE,
)
PROOF = re.compile(r"^(tests/[\w/]+\.py)::(test_\w+)$")


@dataclass(frozen=True)
class Promise:
    phrase: str
    where: str
    proof: str


def client_facing_texts() -> dict[str, str]:
    paths = [*(ROOT / "templates").rglob("*.html"), *(ROOT / "templates").rglob("*.txt")]
    paths += (ROOT / "consent" / "documents").glob("*.md")
    texts = {}
    for path in sorted(paths):
        name = str(path.relative_to(ROOT))
        if name not in NOT_CLIENT_FACING and not name.endswith("README.md"):
            texts[name] = path.read_text()
    # The intake questionnaire's wording is Python data: every string in it, one a paragraph.
    content = ast.parse((ROOT / "intake" / "content.py").read_text())
    strings = [
        node.value
        for node in ast.walk(content)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    texts["intake/content.py"] = "\n\n".join(strings)
    return texts


def plain(text: str) -> str:
    """What a reader sees, roughly: tags and template syntax out, one space between words."""
    text = re.sub(r"\{#.*?#\}|\{%.*?%\}", " ", text, flags=re.DOTALL)
    text = re.sub(r"\{\{.*?\}\}", "…", text, flags=re.DOTALL)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("&nbsp;", " ").replace("’", "'")
    return re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip()


def promise_sentences(text: str) -> list[str]:
    # A template tag ends a sentence too: the two branches of an {% if %} are two promises.
    sentences = re.split(
        r"(?<=[.!?:;])\s+|\n\s*\n|\n\s*[-*] |\{%-?\s*(?:if|elif|else|endif)\b.*?%\}", text
    )
    return [plain(s) for s in sentences if PROMISE.search(plain(s))]


def listed_promises() -> list[Promise]:
    """The rows of the promises table in templates/README.md."""
    rows = []
    for line in LIST.read_text().splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) == 3 and line.startswith("| ") and cells[0] not in ("Promise", "---"):
            phrase, where, proof = cells
            rows.append(Promise(phrase.strip('“”"'), where, proof))
    return rows


def _matches(sentence: str, promise: Promise, name: str) -> bool:
    in_file = promise.where == "everywhere" or Path(name).name in promise.where.split(", ")
    return in_file and promise.phrase.lower() in sentence.lower()


def test_every_promise_to_clients_is_listed():
    promises = listed_promises()
    unlisted = [
        f"{name}: {sentence}"
        for name, text in client_facing_texts().items()
        for sentence in promise_sentences(text)
        if not any(_matches(sentence, promise, name) for promise in promises)
    ]
    assert not unlisted, "Promises not in templates/README.md:\n" + "\n".join(unlisted)


def test_every_listed_promise_is_still_made_somewhere():
    texts = {name: plain(text) for name, text in client_facing_texts().items()}
    stale = [
        promise.phrase
        for promise in listed_promises()
        if not any(_matches(text, promise, name) for name, text in texts.items())
    ]
    assert not stale, f"Listed promises no page makes any more: {stale}"


def test_every_listed_promise_names_a_test_that_exists_or_the_people_who_keep_it():
    promises = listed_promises()
    assert len(promises) > 20
    for promise in promises:
        if promise.proof.startswith("people:"):
            continue
        found = PROOF.match(promise.proof)
        assert found, f"{promise.phrase!r}: {promise.proof!r} is not tests/<file>.py::test_<name>"
        path, test = found.groups()
        assert f"def {test}(" in (ROOT / path).read_text(), f"{promise.proof} does not exist"


def test_a_promise_of_a_feature_that_does_not_exist_fails_the_check():
    sentence = promise_sentences("<p>The link to join will be in your portal.</p>")
    assert sentence == ["The link to join will be in your portal."]
    assert not any(_matches(sentence[0], promise, "booked.html") for promise in listed_promises())
