"""A submission's questionnaire loaded once: its pages in order, what is shown, what is missing."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.http import Http404

from intake import profile, rules
from intake.models import Answer, Question, Section, Submission
from intake.screeners import is_urgent_answer


def is_blank(value: object) -> bool:
    return value is None or value == "" or value == []


@dataclass
class Page:
    step: int
    section: Section
    questions: list[Question] = field(default_factory=list)


@dataclass(frozen=True)
class ShownAnswer:
    question: Question
    text: str
    urgent: bool = False
    known: bool = False  # from the client's details, not asked in the intake


@dataclass(frozen=True)
class ShownPage:
    page: Page
    answers: list[ShownAnswer]
    missing: list[Question]


class Intake:
    """The pages of one submission's version with its stored answers and what the client's
    details already answer (five queries; four when the submission comes with its client)."""

    def __init__(self, submission: Submission) -> None:
        self.submission = submission
        sections = submission.version.sections.prefetch_related("questions")
        self.pages = [
            Page(step=step, section=section, questions=list(section.questions.all()))
            for step, section in enumerate(sections, start=1)
        ]
        self.questions = [question for page in self.pages for question in page.questions]
        keys = {question.pk: question.key for question in self.questions}
        self.answers: dict[str, Any] = {
            keys[answer.question_id]: answer.value
            for answer in Answer.objects.filter(submission=submission).only("question", "value")
            if answer.question_id in keys
        }
        # The details rule over a stored answer: one answer everywhere (intake/profile.py).
        self.known: dict[str, Any] = {
            key: value
            for key, value in profile.known_answers(submission.client).items()
            if key in keys.values()
        }
        self.answers.update(self.known)

    def apply(self, answers: dict[Question, object]) -> None:
        """Take a page's new answers into account in memory (None removes one)."""
        for question, value in answers.items():
            if value is None:
                self.answers.pop(question.key, None)
            else:
                self.answers[question.key] = value
        self.__dict__.pop("visible", None)

    @property
    def check_step(self) -> int:
        """The step number of the "check your answers" page, after the last section."""
        return len(self.pages) + 1

    @cached_property
    def visible(self) -> set[str]:
        return self.visible_with(self.answers)

    def visible_with(self, answers: dict[str, Any]) -> set[str]:
        return rules.visible_keys(((q.key, q.show_if) for q in self.questions), answers)

    def page(self, step: int) -> Page:
        if not 1 <= step <= len(self.pages):
            raise Http404("No such page")
        return self.pages[step - 1]

    def shown_questions(self, page: Page) -> list[Question]:
        """The page's questions that are shown or depend only on answers on this same page.

        A question whose rule looks at this page is rendered (and hidden by the browser when
        it does not apply), so the page works without JavaScript too.
        """
        own_keys = {question.key for question in page.questions}
        return [
            question
            for question in page.questions
            if question.key not in self.known
            and (
                question.key in self.visible
                or (question.show_if and question.show_if.get("key") in own_keys)
            )
        ]

    def known_on(self, page: Page) -> list[ShownAnswer]:
        """The page's questions the client's details answer, shown instead of asked."""
        return [
            ShownAnswer(question, question.format_answer(self.known[question.key]), known=True)
            for question in page.questions
            if question.key in self.known and question.key in self.visible
        ]

    def has_shown_questions(self, page: Page) -> bool:
        return bool(self.shown_questions(page))

    def next_step(self, step: int) -> int:
        for page in self.pages[step:]:
            if self.has_shown_questions(page):
                return page.step
        return self.check_step

    def previous_step(self, step: int) -> int:
        for page in reversed(self.pages[: max(step - 1, 0)]):
            if self.has_shown_questions(page):
                return page.step
        return 1

    def missing_by_page(self) -> dict[int, list[Question]]:
        """Required questions that are shown but unanswered, by step."""
        missing: dict[int, list[Question]] = {}
        for page in self.pages:
            for question in page.questions:
                if (
                    question.required
                    and question.key in self.visible
                    and is_blank(self.answers.get(question.key))
                ):
                    missing.setdefault(page.step, []).append(question)
        return missing

    def shown_pages(self) -> list[ShownPage]:
        """For reading back: every shown question of every page, its answer as text, and
        the required questions still unanswered."""
        missing = self.missing_by_page()
        result = []
        for page in self.pages:
            rows = [
                ShownAnswer(
                    question,
                    question.format_answer(self.answers.get(question.key)),
                    is_urgent_answer(question.key, self.answers.get(question.key)),
                    known=question.key in self.known,
                )
                for question in page.questions
                if question.key in self.visible
            ]
            if rows:
                result.append(ShownPage(page, rows, missing.get(page.step, [])))
        return result

    def urgent_answers(self) -> list[ShownAnswer]:
        """The shown answers that flag the intake for prompt review."""
        return [answer for shown in self.shown_pages() for answer in shown.answers if answer.urgent]
