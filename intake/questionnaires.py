"""Turn intake.content and the published screeners into questionnaire rows.

Used by the data migration (with historical models) and by the demo seed (with the real
ones), so it touches only `objects.create` and plain fields.
"""

from typing import Any

from intake import content, instruments
from intake.screeners import GAD7, PHQ9, PHQ9_DIFFICULTY_KEY, Screener

INTAKE_SLUG = "intake"
INTAKE_NAME = "Intake questionnaire"

# The screeners sit after "Your health" and before the safety question.
SCREENERS_BEFORE_SECTION = "Your safety, and anything else"


def screener_questions(instrument: Screener) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = [
        {
            "key": key,
            "kind": "frequency",
            "text": text,
            "help": "",
            "required": True,
            "choices": [],
            "show_if": None,
        }
        for key, text in zip(instrument.item_keys, instrument.items, strict=True)
    ]
    if instrument is PHQ9:
        questions.append(
            {
                "key": PHQ9_DIFFICULTY_KEY,
                "kind": "single_choice",
                "text": instruments.PHQ9_DIFFICULTY_QUESTION,
                "help": "",
                "required": False,
                "choices": list(instruments.PHQ9_DIFFICULTY_OPTIONS),
                "show_if": None,
            }
        )
    return questions


def intake_sections() -> list[dict[str, Any]]:
    """Every section of the intake in order, screeners included, as plain dicts."""
    sections: list[dict[str, Any]] = []
    for section in content.INTAKE_QUESTIONNAIRE["sections"]:
        if section["title"] == SCREENERS_BEFORE_SECTION:
            for instrument in (PHQ9, GAD7):
                sections.append(
                    {
                        "title": instrument.title,
                        "intro": instrument.stem,
                        "kind": "screener",
                        "instrument": instrument.code,
                        "questions": screener_questions(instrument),
                    }
                )
        sections.append({**section, "kind": "questions", "instrument": ""})
    return sections


def install_intake_questionnaire(
    *, Questionnaire: Any, QuestionnaireVersion: Any, Section: Any, Question: Any
) -> bool:
    """Create version 1 of the intake questionnaire unless one exists. True if created."""
    if Questionnaire.objects.filter(slug=INTAKE_SLUG).exists():
        return False
    questionnaire = Questionnaire.objects.create(slug=INTAKE_SLUG, name=INTAKE_NAME)
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=1,
        title=content.INTAKE_QUESTIONNAIRE["title"],
        intro=content.INTAKE_QUESTIONNAIRE["intro"],
    )
    for section_position, spec in enumerate(intake_sections(), start=1):
        section = Section.objects.create(
            version=version,
            position=section_position,
            title=spec["title"],
            intro=spec["intro"],
            kind=spec["kind"],
            instrument=spec["instrument"],
        )
        for position, question in enumerate(spec["questions"], start=1):
            Question.objects.create(
                section=section,
                position=position,
                key=question["key"],
                kind=question["kind"],
                text=question["text"],
                help=question["help"],
                required=question["required"],
                choices=question["choices"],
                show_if=question["show_if"],
            )
    return True


def ensure_intake_questionnaire() -> bool:
    from intake import models

    return install_intake_questionnaire(
        Questionnaire=models.Questionnaire,
        QuestionnaireVersion=models.QuestionnaireVersion,
        Section=models.Section,
        Question=models.Question,
    )
