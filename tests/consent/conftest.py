import pytest

from consent import demo
from consent.models import ConsentDocument


@pytest.fixture
def documents(db) -> dict[str, ConsentDocument]:
    """The six demo documents, each with a published version 1."""
    demo.seed()
    return {document.slug: document for document in ConsentDocument.objects.all()}
