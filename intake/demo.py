"""Intake for the demo practice. Idempotent like practice.demo: running it again changes nothing.

The questionnaire also comes from a data migration; this puts it back in a database that was
emptied since (as transactional tests do). The demo client fills the intake in themselves.
"""

from intake.questionnaires import ensure_intake_questionnaire


def seed() -> None:
    ensure_intake_questionnaire()
