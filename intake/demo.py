"""Intake for the demo practice: the questionnaire, and one sent intake for staff to review.

Idempotent like practice.demo: running it again changes nothing.
"""

from intake import services
from intake.flow import Intake
from intake.models import Submission
from intake.questionnaires import ensure_intake_questionnaire
from practice.demo import ensure_user
from practice.models import Therapist, User

DEMO_CLIENT = {
    "email": "jamie.brooks@example.org",
    "first_name": "Jamie",
    "last_name": "Brooks",
    "preferred_name": "Jamie",
    "pronouns": "he/him",
}

DEMO_ANSWERS: dict[str, object] = {
    "legal_name": "James Brooks",
    "preferred_name": "Jamie",
    "pronouns": "he/him",
    "date_of_birth": "1991-03-08",
    "under_18": False,
    "phone": "(970) 555-0188",
    "email": "jamie.brooks@example.org",
    "contact_by_email": True,
    "contact_by_text": True,
    "contact_by_voicemail": False,
    "session_format": "Either is fine",
    "reason_for_therapy": (
        "Work has been stressful since a promotion and I've been avoiding things I used to enjoy."
    ),
    "concern_duration": "6 months to a year",
    "goals": "Feel less on edge at work and get back to running on weekends.",
    "previous_therapy": False,
    "therapy_worries": "Not sure what to talk about in the first session.",
    "preferred_language": "English",
    "emergency_contact_name": "Morgan Brooks",
    "emergency_contact_relationship": "Sister",
    "emergency_contact_phone": "(970) 555-0101",
    "has_support": True,
    "support_people": "Morgan (sister), a couple of friends from running club.",
    "involve_support": False,
    "takes_medications": False,
    "substance_use": 1,
    "self_harm_thoughts": False,
    "phq9_difficulty": "Somewhat difficult",
}
DEMO_SCREENER_ANSWERS = {"phq9": [1, 1, 2, 1, 0, 1, 1, 0, 0], "gad7": [2, 2, 1, 2, 1, 1, 0]}


def seed() -> None:
    ensure_intake_questionnaire()
    client = ensure_user(role=User.Role.CLIENT, **DEMO_CLIENT)
    if Submission.objects.filter(client=client).exists():
        return
    submission = services.start_intake(client=client)
    answers = dict(DEMO_ANSWERS)
    for code, values in DEMO_SCREENER_ANSWERS.items():
        answers |= {f"{code}_{number}": value for number, value in enumerate(values, start=1)}
    intake = Intake(submission)
    for page in intake.pages:
        page_answers = {q: answers[q.key] for q in page.questions if q.key in answers}
        services.save_answers(
            submission=submission, answers=page_answers, resume_step=intake.check_step
        )
    services.submit_intake(submission=submission)
    therapist = Therapist.objects.filter(slug="maya-chen").first()
    if therapist and submission.assigned_therapist_id is None:
        Submission.objects.filter(pk=submission.pk).update(assigned_therapist=therapist)
