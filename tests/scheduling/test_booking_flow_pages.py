"""The one-page chooser, signing up on the held time, the day view and help choosing."""

import re

import pytest
from django.core import mail

from practice.models import User
from scheduling.models import Appointment
from tests.factories import (
    PASSWORD,
    make_appointment,
    make_client,
    make_many_appointments,
    make_therapist,
    make_weekly_hours,
)
from tests.scheduling.conftest import denver, queries_of_two_looks

pytestmark = pytest.mark.django_db

FIND = "/scheduling/book/"
HOLD = "/scheduling/book/dana-whitfield/hold/"
DETAILS = {
    "first_name": "Robin",
    "last_name": "Sato",
    "email": "robin@example.org",
    "password1": "a-calm-long-password-8",
    "time_zone": "America/New_York",
    "payment": "insurance",
}


def hold(client, session_type, starts_at):
    response = client.post(
        HOLD, {"session_type": session_type.pk, "starts_at": starts_at.isoformat()}
    )
    return int(re.fullmatch(r"/scheduling/holds/(\d+)/", response.url).group(1))


def mailed_code() -> str:
    """The sign-up code in the last e-mail sent."""
    found = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", str(mail.outbox[-1].body), re.MULTILINE)
    assert found is not None
    return found.group(1)


# The one-page chooser -------------------------------------------------------------------------


def test_anyone_shows_each_time_with_the_first_therapist_free_then(
    client, dana, first_session, frozen
):
    other = make_therapist(email="ole@example.org", first_name="Ole", last_name="Berg")
    make_weekly_hours(therapist=other)
    first_session.therapists.add(other)
    Appointment.objects.create(
        therapist=dana.therapist,
        client=make_client(email="c@example.org"),
        session_type=first_session,
        starts_at=denver(9, 9),
        ends_at=denver(9, 10),
    )
    response = client.get(
        FIND, {"session_type": first_session.pk, "week": "2030-01-07", "day": "2030-01-09"}
    )
    assert response.status_code == 200
    wednesday = response.text.split('id="chosen-day-heading"')[1].split("</ul>")[0]
    # 9:00 is taken for Dana, so Ole has it; at 10:00 Dana (first by name) is free again.
    nine = wednesday.split('value="2030-01-09T16:00:00+00:00"')[1].split("</button>")[0]
    ten = wednesday.split('value="2030-01-09T17:00:00+00:00"')[1].split("</button>")[0]
    assert "/scheduling/book/ole-berg/hold/" in nine and "Ole Berg" in nine
    assert "/scheduling/book/dana-whitfield/hold/" in ten and "Dana Whitfield" in ten


def test_choosing_one_therapist_shows_only_their_times(client, dana, first_session, frozen):
    other = make_therapist(email="ole@example.org", first_name="Ole", last_name="Berg")
    first_session.therapists.add(other)  # no hours: no times
    response = client.get(FIND, {"therapist": "ole-berg", "session_type": first_session.pk})
    assert "There are no open times" in response.text
    response = client.get(FIND, {"therapist": "dana-whitfield"})
    assert "9:00 AM" in response.text and "Ole Berg" not in response.text.split("slot-list")[1]


def test_the_chooser_runs_the_same_queries_with_1_and_200_appointments(
    client, dana, first_session, frozen
):
    other = make_therapist(email="ole@example.org", first_name="Ole", last_name="Berg")
    make_weekly_hours(therapist=other)
    first_session.therapists.add(other)
    client.get(FIND)  # the first visit ever creates the practice settings row
    make_appointment(therapist=dana.therapist, client=None, starts_at=denver(14, 9))
    with_one = queries_of_two_looks(client, FIND, {"week": "2030-01-14"})
    make_many_appointments(
        therapist=dana.therapist, first_start=denver(15, 9), count=199, session_type=first_session
    )
    assert Appointment.objects.count() == 200
    assert queries_of_two_looks(client, FIND, {"week": "2030-01-14"}) == with_one
    # Both therapists' calendars in one batch of five, then from the cache.
    assert with_one[1] == with_one[0] - 5


def test_the_day_view_chooses_the_next_day_with_times_and_shows_a_handful(
    client, dana, first_session, frozen
):
    # Monday 7 January at noon: 24 hours' notice leaves Tuesday from noon, nine times.
    response = client.get(FIND, {"week": "2030-01-07"})
    chosen = response.text.split('aria-current="date"')[1].split("</a>")[0]
    assert "Tuesday 8 January" in chosen and "9 times" in chosen
    day_view = response.text.split('class="day-view"')[1].split('class="week"')[0]
    assert "Tuesday 8 January" in day_view
    shown = day_view.split("<details")[0]
    assert shown.count('name="starts_at"') == 6 and "3 more times this day" in day_view
    assert 'aria-current="date"' not in response.text.split('class="day-view"')[1]


def test_a_german_browser_reads_times_on_a_24_hour_clock(client, dana, first_session, frozen):
    response = client.get(
        FIND, {"week": "2030-01-07"}, headers={"accept-language": "de-DE,de;q=0.9"}
    )
    assert "13:00" in response.text and "1:00 PM" not in response.text
    assert "Accept-Language" in response["Vary"]
    assert "1:00 PM" in client.get(FIND, {"week": "2030-01-07"}).text


def test_a_week_or_day_comes_as_a_fragment_for_htmx(client, dana, first_session, frozen):
    response = client.get(
        FIND, {"week": "2030-01-14"}, headers={"HX-Request": "true", "HX-Target": "slot-list"}
    )
    assert response.text.lstrip().startswith('<section id="slot-list"')
    # The therapist's change swaps the whole chooser: the page, of which htmx takes a part.
    whole = client.get(FIND, headers={"HX-Request": "true", "HX-Target": "booking"})
    assert "<html" in whole.text


def test_the_chooser_refuses_posts(client, dana, first_session):
    assert client.post(FIND).status_code == 405


# A therapist's page -------------------------------------------------------------------------


def test_the_profile_offers_first_times_for_each_kind_in_one_step(
    client, dana, first_session, frozen
):
    page = client.get("/therapists/dana-whitfield/")
    assert 'action="/scheduling/book/dana-whitfield/hold/"' in page.text
    first_times = page.text.split('id="first-times"')[1].split("</form>")[0]
    assert "Tuesday 8 January" in first_times and "Denver time" in first_times
    assert first_times.count('name="starts_at"') == 4  # a handful: 12:00 to 1:30 PM


def test_the_first_times_come_again_in_the_browsers_zone(client, dana, first_session, frozen):
    url = "/scheduling/book/dana-whitfield/first-times/"
    new_york = client.get(url, {"tz": "America/New_York"})
    assert "New York time" in new_york.text and "2:00 PM" in new_york.text
    assert 'name="tz" value="America/New_York"' in new_york.text
    assert "Denver time" in client.get(url, {"tz": "Mars/Olympus"}).text
    assert client.get("/scheduling/book/nobody/first-times/").status_code == 404
    assert client.post(url).status_code == 405


# Signing up on the held time ------------------------------------------------------------------


def test_the_details_and_the_code_on_the_held_time_book_it(
    client, dana, first_session, frozen, django_capture_on_commit_callbacks
):
    pk = hold(client, first_session, denver(9, 10))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/scheduling/holds/{pk}/sign-up/", DETAILS)
    assert response.url == f"/scheduling/holds/{pk}/#code"
    page = client.get(f"/scheduling/holds/{pk}/")
    assert "We have e-mailed <strong>robin@example.org</strong>" in page.text
    assert Appointment.objects.get(pk=pk).status == "held"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/scheduling/holds/{pk}/code/", {"code": mailed_code()})
    assert response.url == f"/scheduling/sessions/{pk}/booked/"
    robin = User.objects.get(email="robin@example.org")
    booked = Appointment.objects.get(pk=pk)
    assert booked.status == "booked" and booked.client == robin and booked.payment == "insurance"
    assert robin.role == User.Role.CLIENT and robin.time_zone == "America/New_York"
    assert robin.emailaddress_set.get().verified
    assert client.get(response.url).status_code == 200  # logged in


def test_a_known_address_gets_an_e_mail_and_the_same_page_and_logs_in_to_book(
    client, alice, dana, first_session, frozen, django_capture_on_commit_callbacks
):
    pk = hold(client, first_session, denver(9, 10))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/scheduling/holds/{pk}/sign-up/", {**DETAILS, "email": alice.email})
    page = client.get(f"/scheduling/holds/{pk}/")
    # The page does not say whether an account exists; the e-mail, to its owner, does.
    assert f"We have e-mailed <strong>{alice.email}</strong>" in page.text
    assert "If you already have an account with this address" in page.text
    assert mail.outbox[-1].to == [alice.email] and not re.search(
        r"^[A-Z0-9]{4}-[A-Z0-9]{4}$", mail.outbox[-1].body, re.MULTILINE
    )
    assert User.objects.filter(email=alice.email).count() == 1
    log_in = client.get(f"/scheduling/holds/{pk}/log-in/")
    assert log_in.url == f"/accounts/login/?next=%2Fscheduling%2Fholds%2F{pk}%2F"
    response = client.post(
        f"/accounts/login/?next=/scheduling/holds/{pk}/",
        {"login": alice.email, "password": PASSWORD},
    )
    assert response.url == f"/scheduling/holds/{pk}/"  # back to the time, still held
    booked = client.post(f"/scheduling/holds/{pk}/confirm/", {"payment": "insurance"})
    assert booked.url == f"/scheduling/sessions/{pk}/booked/"
    assert Appointment.objects.get(pk=pk).client == alice


def test_bad_details_are_said_and_kept(client, dana, first_session, frozen):
    pk = hold(client, first_session, denver(9, 10))
    response = client.post(
        f"/scheduling/holds/{pk}/sign-up/", {**DETAILS, "email": "not-an-address", "payment": ""}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.text and "Please choose how you will pay." in response.text
    assert 'value="Robin"' in response.text and 'value="not-an-address"' in response.text
    assert not User.objects.filter(first_name="Robin").exists()


def test_a_wrong_code_is_refused_and_books_nothing(client, dana, first_session, frozen):
    pk = hold(client, first_session, denver(9, 10))
    client.post(f"/scheduling/holds/{pk}/sign-up/", DETAILS)
    response = client.post(f"/scheduling/holds/{pk}/code/", {"code": "AAAA-AAAA"})
    assert response.status_code == 200 and 'role="alert"' in response.text
    assert Appointment.objects.get(pk=pk).status == "held"


def test_another_visitor_cannot_sign_up_on_a_hold(client, dana, first_session, frozen):
    pk = hold(client, first_session, denver(9, 10))
    client.cookies.clear()
    assert client.post(f"/scheduling/holds/{pk}/sign-up/", DETAILS).status_code == 404
    assert client.post(f"/scheduling/holds/{pk}/code/", {"code": "x"}).status_code == 404
    assert not User.objects.filter(email="robin@example.org").exists()


def test_the_sign_up_and_code_steps_accept_only_posts(client, dana, first_session, frozen):
    pk = hold(client, first_session, denver(9, 10))
    assert client.get(f"/scheduling/holds/{pk}/sign-up/").status_code == 405
    assert client.get(f"/scheduling/holds/{pk}/code/").status_code == 405


def test_a_logged_in_client_is_sent_back_to_confirm(client, dana, alice, first_session, frozen):
    client.force_login(alice)
    pk = hold(client, first_session, denver(9, 10))
    response = client.post(f"/scheduling/holds/{pk}/sign-up/", DETAILS)
    assert response.url == f"/scheduling/holds/{pk}/"
    assert not User.objects.filter(email="robin@example.org").exists()


# Help choosing --------------------------------------------------------------------------------


def test_help_choosing_keeps_answers_in_the_session_only(client, dana, first_session, frozen):
    spanish = make_therapist(email="sol@example.org", first_name="Sol", last_name="Vega")
    spanish.languages = "English, Spanish"
    spanish.specialties = "Depression"
    spanish.save()
    make_weekly_hours(therapist=spanish)
    first_session.therapists.add(spanish)
    users_before = User.objects.count()

    response = client.post(
        "/scheduling/help-choosing/",
        {"concern": "Depression", "times_of_day": ["morning"], "payment": "self_pay"},
    )
    assert response.url == "/scheduling/help-choosing/#suggestions"
    assert User.objects.count() == users_before and Appointment.objects.count() == 0
    page = client.get("/scheduling/help-choosing/")
    suggestions = page.text.split('class="appointment-list suggestions"')[1]
    assert suggestions.index("Sol Vega") < suggestions.index("Dana Whitfield")
    assert "Works with Depression" in suggestions
    assert "Tuesday 8 January, 9:00 AM" not in suggestions  # 24 hours' notice
    assert "Wednesday 9 January, 9:00 AM" in suggestions

    client.post("/scheduling/help-choosing/", {"forget": "1"})
    assert "Suggested for you" not in client.get("/scheduling/help-choosing/").text


def test_help_choosing_refuses_an_unknown_answer(client, dana, first_session):
    response = client.post("/scheduling/help-choosing/", {"modality": "by-carrier-pigeon"})
    assert response.status_code == 200 and "Select a valid choice" in response.text
    assert client.put("/scheduling/help-choosing/").status_code == 405


def test_suggestions_run_the_same_queries_with_1_and_200_appointments(
    client, dana, first_session, frozen
):
    client.post("/scheduling/help-choosing/", {"times_of_day": ["morning"]})
    client.get("/scheduling/help-choosing/")  # the first visit ever creates the settings row
    make_appointment(therapist=dana.therapist, client=None, starts_at=denver(14, 9))
    with_one = queries_of_two_looks(client, "/scheduling/help-choosing/")
    make_many_appointments(
        therapist=dana.therapist, first_start=denver(15, 9), count=199, session_type=first_session
    )
    assert queries_of_two_looks(client, "/scheduling/help-choosing/") == with_one
