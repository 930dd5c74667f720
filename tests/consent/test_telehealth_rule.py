"""One answer to "does this client owe the telehealth consent?", whichever page asks.

Alice has an in-person session this week and a telehealth one next month. The portal, her
therapist's calendar badge, the intake nudge and the intake review page all say she still
has the telehealth consent to sign, and all say she has not once she signs it.
"""

from datetime import UTC, datetime

import pytest
import time_machine

from intake.questionnaires import ensure_intake_questionnaire
from practice import channels
from scheduling import messages
from tests.consent.helpers import sign_required
from tests.factories import (
    INTAKE_ANSWERS,
    make_appointment,
    make_intake,
    make_message,
    make_session_type,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 1, 7, 17, 0, tzinfo=UTC)  # Monday 10:00 in Denver


def what_each_page_says(client, *, alice, dana, sam, in_person, submission) -> dict[str, bool]:
    client.force_login(alice)
    consent_page = client.get("/consent/").text
    to_sign = consent_page.partition("Still to sign")[2].split("Your copies")[0]
    client.force_login(dana)
    week = client.get("/scheduling/calendar/?view=week&date=2030-01-09").text
    client.force_login(sam)
    review = client.get(f"/intake/submissions/{submission.pk}/").text
    nudge = make_message(template="intake_nudge", recipient=alice, about=in_person)
    try:
        nudge_says = messages.intake_nudge_context(nudge)["missing_consent"]
    except channels.DeliverySkipped:
        nudge_says = False  # "intake and consent are complete"
    return {
        "portal": "Telehealth Consent" in to_sign,
        "therapist's badge": "Consent missing" in week,
        "intake nudge": nudge_says,
        "intake review": "Consent documents</dt><dd><span class" in review,
    }


def test_the_portal_the_badge_the_nudge_and_the_review_agree(client, alice, dana, sam, documents):
    ensure_intake_questionnaire()
    sign_required(alice, documents)
    office = make_session_type(name="Session", modality="in_person", therapists=[dana.therapist])
    video = make_session_type(name="Video", modality="telehealth", therapists=[dana.therapist])
    with time_machine.travel(NOW, tick=False):
        in_person = make_appointment(
            therapist=dana.therapist,
            client=alice,
            starts_at=datetime(2030, 1, 9, 17, 0, tzinfo=UTC),
            session_type=office,
        )
        make_appointment(
            therapist=dana.therapist,
            client=alice,
            starts_at=datetime(2030, 2, 6, 17, 0, tzinfo=UTC),
            session_type=video,
        )
        submission = make_intake(client=alice, answers=INTAKE_ANSWERS, status="new")
        pages = dict(alice=alice, dana=dana, sam=sam, in_person=in_person, submission=submission)

        assert set(what_each_page_says(client, **pages).values()) == {True}

        sign_required(alice, documents, "telehealth")
        assert set(what_each_page_says(client, **pages).values()) == {False}
