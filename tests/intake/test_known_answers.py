"""The intake asks nothing the client's details already answer (intake/profile.py).

Such a question is shown as known, with a link to "Your details"; its answer counts for the
intake everywhere (required questions, the check page, staff's and the therapist's reading),
always as the details say it now.
"""

from datetime import date

import pytest

from consent.models import ContactPreference
from tests.factories import INTAKE_ANSWERS, make_contact_preference, make_intake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_version")]

CHECK = "/intake/check/"


@pytest.fixture
def known_alice(alice):
    """Alice has filled in her details and made her contact choices in the portal."""
    alice.preferred_name, alice.pronouns, alice.language = "Ali", "she/her", "Spanish"
    alice.date_of_birth, alice.mobile_phone = date(1990, 4, 15), "+19705550100"
    alice.save()
    make_contact_preference(client=alice, email=True, sms=False)
    return alice


def fields_on(page: str) -> set[str]:
    keys = [*("preferred_name", "pronouns", "date_of_birth", "legal_name", "phone", "email")]
    keys += ("contact_by_email", "contact_by_text", "contact_by_voicemail", "session_format")
    return {key for key in keys if f'name="{key}"' in page}


def test_a_client_without_details_is_asked_every_question(client, alice):
    make_intake(client=alice)
    client.force_login(alice)
    about_you = client.get("/intake/section/1/").text
    staying_in_touch = client.get("/intake/section/2/").text
    assert {"preferred_name", "pronouns", "date_of_birth", "legal_name"} <= fields_on(about_you)
    assert {"phone", "contact_by_email", "contact_by_text"} <= fields_on(staying_in_touch)
    assert "Already in your details" not in about_you


def test_what_the_details_answer_is_shown_as_known_not_asked(client, known_alice):
    make_intake(client=known_alice)
    client.force_login(known_alice)

    about_you = client.get("/intake/section/1/").text
    assert fields_on(about_you) == {"legal_name"}
    assert "Already in your details" in about_you
    assert "Ali" in about_you and "she/her" in about_you and "15 April 1990" in about_you
    assert 'href="/portal/details/"' in about_you

    staying_in_touch = client.get("/intake/section/2/").text
    # The sign-in address is always known; texts and e-mail are the Consent to Contact's choice.
    assert fields_on(staying_in_touch) == {"contact_by_voicemail", "session_format"}
    assert "+19705550100" in staying_in_touch and "alice@example.org" in staying_in_touch


def test_known_answers_count_and_sending_records_no_second_contact_choice(client, known_alice):
    asked_only = {
        key: value
        for key, value in INTAKE_ANSWERS.items()
        if key not in {"date_of_birth", "phone", "email", "contact_by_email", "contact_by_text"}
    }
    make_intake(client=known_alice, answers=asked_only)
    client.force_login(known_alice)

    check = client.get(CHECK).text
    assert "Still to answer" not in check
    assert "from your details" in check and 'href="/portal/details/"' in check

    assert client.post(CHECK).url == "/intake/sent/"
    assert ContactPreference.objects.filter(client=known_alice).count() == 1
    known_alice.refresh_from_db()
    assert known_alice.preferred_name == "Ali" and known_alice.mobile_phone == "+19705550100"


def test_staff_and_the_therapist_read_the_answer_the_details_give_now(
    client, known_alice, dana, sam
):
    submission = make_intake(
        client=known_alice,
        answers={**INTAKE_ANSWERS, "pronouns": "they/them"},
        status="new",
        therapist=dana.therapist,
    )
    known_alice.pronouns = "he/him"  # changed on "Your details" after sending
    known_alice.save()
    for reader in (sam, dana):
        client.force_login(reader)
        page = client.get(f"/intake/submissions/{submission.pk}/").text
        assert "he/him" in page and "they/them" not in page
        assert "from the client’s details" in page
