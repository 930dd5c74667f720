"""Walk the intake as a client would, with Django's test client."""

from intake.forms import to_initial
from intake.models import Question, QuestionnaireVersion


def page_keys(version: QuestionnaireVersion) -> list[list[Question]]:
    """The questions of each page, in order."""
    return [list(section.questions.all()) for section in version.sections.all()]


def post_data(questions: list[Question], answers: dict[str, object], action: str = "next") -> dict:
    """What the browser posts for these answers (only the keys on this page)."""
    data: dict[str, object] = {"action": action}
    for question in questions:
        if question.key in answers:
            data[question.key] = to_initial(question, answers[question.key])
    return data


def fill_pages(client, version, answers: dict[str, object], *, pages: int | None = None) -> None:
    """Answer the first `pages` pages (all by default) with Next, as a client would."""
    for step, questions in enumerate(page_keys(version)[:pages], start=1):
        response = client.post(f"/intake/section/{step}/", post_data(questions, answers))
        assert response.status_code == 302, response.content.decode()[:2000]
