"""A client under 18 signs with a parent or guardian; staff see who the minors are."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from consent import services
from consent.forms import GUARDIAN_NEEDED
from consent.models import Signature
from tests.consent.helpers import current, sign_form
from tests.factories import INTAKE_ANSWERS, make_intake

pytestmark = pytest.mark.django_db

URL = "/consent/documents/informed-consent/"
# 1 June 2030 in Fort Collins: a client born on 2 June 2012 is 17 that day, 18 the next.
JUNE_1 = datetime(2030, 6, 1, 12, 0, tzinfo=ZoneInfo("America/Denver"))


@pytest.fixture
def teenager(alice):
    alice.date_of_birth = date(2012, 6, 2)
    alice.save()
    return alice


def test_a_client_under_18_cannot_sign_alone(client, teenager, documents):
    with time_machine.travel(JUNE_1, tick=False):
        client.force_login(teenager)
        page = client.get(URL).text
        assert "so a parent or guardian signs this with you" in page
        response = client.post(URL, sign_form(documents["informed-consent"]))
    assert GUARDIAN_NEEDED in response.text
    assert not Signature.objects.exists()


def test_with_a_guardian_the_signature_and_its_copy_name_them(client, teenager, documents):
    with time_machine.travel(JUNE_1, tick=False):
        client.force_login(teenager)
        form = sign_form(
            documents["informed-consent"],
            as_guardian="on",
            guardian_name="Maria Moreno",
            guardian_relationship="mother",
        )
        assert client.post(URL, form).status_code == 302
        signature = Signature.objects.get()
        copy = client.get(f"/consent/signed/{signature.pk}/").text
    assert (signature.guardian_name, signature.guardian_relationship) == ("Maria Moreno", "mother")
    assert "Maria Moreno, mother, as parent or guardian for Alice Moreno" in copy


def test_the_service_refuses_a_minor_signing_alone(teenager, documents):
    with time_machine.travel(JUNE_1, tick=False), pytest.raises(services.GuardianRequired):
        version = current(documents["informed-consent"])
        services.record_consent(
            client=teenager,
            version=version,
            digest_shown=version.digest,
            typed_name="Alice Moreno",
            ip_address=None,
            user_agent="",
        )


def test_on_their_18th_birthday_a_client_signs_alone(client, teenager, documents):
    with time_machine.travel(datetime(2030, 6, 2, 9, 0, tzinfo=ZoneInfo("America/Denver"))):
        assert not teenager.is_minor
        client.force_login(teenager)
        assert client.post(URL, sign_form(documents["informed-consent"])).status_code == 302
    assert Signature.objects.get().guardian_name == ""


def test_staff_see_which_clients_are_minors(client, sam, teenager, bob, documents):
    with time_machine.travel(JUNE_1, tick=False):
        client.force_login(sam)
        page = client.get("/consent/staff/").text
    minors = page.split('id="minors-heading"')[1].split("</ul>")[0]
    assert "Alice Moreno" in minors and "2 June 2012" in minors
    assert "Bob" not in minors
    assert "Under 18" in page


def test_the_intakes_date_of_birth_goes_to_the_profile(client, alice):
    make_intake(client=alice, answers={**INTAKE_ANSWERS, "date_of_birth": "2013-02-01"})
    client.force_login(alice)
    assert client.post("/intake/check/").url == "/intake/sent/"
    alice.refresh_from_db()
    assert alice.date_of_birth == date(2013, 2, 1) and alice.is_minor


def test_a_client_gives_their_date_of_birth_on_their_details_page(client, alice, documents):
    with time_machine.travel(JUNE_1, tick=False):
        client.force_login(alice)
        client.post(
            "/portal/details/",
            {"time_zone": "America/Denver", "date_of_birth": "2015-01-31"},
        )
        alice.refresh_from_db()
        assert alice.is_minor
        assert GUARDIAN_NEEDED in client.post(URL, sign_form(documents["informed-consent"])).text


def test_the_therapist_sees_a_minor_on_the_session_page(client, dana, teenager):
    from tests.factories import make_appointment

    with time_machine.travel(JUNE_1, tick=False):
        appointment = make_appointment(
            therapist=dana.therapist,
            client=teenager,
            starts_at=datetime(2030, 6, 3, 16, tzinfo=ZoneInfo("UTC")),
        )
        client.force_login(dana)
        page = client.get(f"/scheduling/calendar/appointments/{appointment.pk}/").text
    assert "Under 18" in page
