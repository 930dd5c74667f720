import pytest

from intake.models import QuestionnaireVersion
from intake.questionnaires import ensure_intake_questionnaire


@pytest.fixture
def intake_version(db) -> QuestionnaireVersion:
    """The practice's intake questionnaire (a transactional test elsewhere may have flushed it)."""
    ensure_intake_questionnaire()
    version = QuestionnaireVersion.objects.current_intake()
    assert version is not None
    return version
