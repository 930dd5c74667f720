"""A client's sessions: the portal list, cancelling and moving, from the portal or an e-mail."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail

from scheduling import links, services
from scheduling.models import Appointment
from tests.factories import make_appointment
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db


@pytest.fixture
def alices_session(alice, dana, first_session, frozen):
    """Alice's session with Dana on Wednesday at 10:00, booked days ago."""
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=denver(9, 10), session_type=first_session
    )
    appointment.booked_at = denver(1, 9)
    appointment.save()
    return appointment


@pytest.fixture
def tomorrows_session(alice, dana, first_session, frozen):
    """Alice's session with Dana tomorrow at 10:00: inside the 24-hour window."""
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=denver(8, 10), session_type=first_session
    )
    appointment.booked_at = denver(1, 9)
    appointment.save()
    return appointment


# The portal ---------------------------------------------------------------------------------


def test_the_portal_lists_sessions_in_the_clients_own_zone(client, alice, alices_session):
    alice.time_zone = "Europe/Berlin"
    alice.save()
    past = make_appointment(
        therapist=alices_session.therapist,
        client=alice,
        starts_at=denver(2, 10),
        session_type=alices_session.session_type,
        status="attended",
    )
    client.force_login(alice)

    response = client.get("/portal/")

    upcoming, history = response.text.split("Past and cancelled sessions")
    assert "Wednesday 9 January 2030, 6:00 PM CET" in upcoming  # 10:00 in Denver is 18:00 in Berlin
    assert f"/scheduling/sessions/{alices_session.pk}/cancel/" in upcoming
    assert "Wednesday 2 January 2030, 6:00 PM CET" in history and "attended" in history
    assert f"/scheduling/sessions/{past.pk}/cancel/" not in response.text


def test_the_portal_always_offers_to_book_another_session(client, alice, alices_session):
    client.force_login(alice)
    with_a_session = client.get("/portal/").text
    services.cancel_appointment(appointment=alices_session, by=alice)
    without = client.get("/portal/").text
    assert 'href="/therapists/">Book another session' in with_a_session
    assert 'href="/therapists/">Book a session' in without


def test_the_portal_shows_nobody_elses_sessions(client, bob, alices_session):
    client.force_login(bob)
    response = client.get("/portal/")
    assert "You have no upcoming sessions" in response.text
    assert f"/scheduling/sessions/{alices_session.pk}/" not in response.text


@pytest.mark.parametrize("count", [1, 200])
def test_the_portal_runs_a_fixed_number_of_queries(
    client, alice, dana, first_session, frozen, count, django_assert_num_queries
):
    Appointment.objects.bulk_create(
        Appointment(
            therapist=dana.therapist,
            client=alice,
            session_type=first_session,
            starts_at=denver(1, 9) + timedelta(days=n // 2, hours=4 * (n % 2)),
            ends_at=denver(1, 9) + timedelta(days=n // 2, hours=4 * (n % 2), minutes=50),
            status="booked" if n % 3 else "attended",
        )
        for n in range(count)
    )
    client.force_login(alice)
    client.get("/portal/")  # the first visit ever creates the practice settings row
    # Session, user, practice settings, upcoming sessions, past sessions, places on the
    # waitlist, the consent and intake cards (three queries and one), check-ins waiting and
    # notes before a first session.
    with django_assert_num_queries(12):
        response = client.get("/portal/")
    assert response.text.count("<li>") >= min(count, 1)


# Cancelling ---------------------------------------------------------------------------------


def test_a_client_cancels_on_time_from_the_portal(client, alice, alices_session):
    client.force_login(alice)
    url = f"/scheduling/sessions/{alices_session.pk}/cancel/"

    page = client.get(url)
    assert "Cancelling now is free" in page.text and "late cancellation" not in page.text

    response = client.post(url, {"reason": "Travelling"}, follow=True)
    assert response.redirect_chain == [("/portal/", 302)]
    assert "Your session is cancelled." in response.text
    alices_session.refresh_from_db()
    assert alices_session.status == "cancelled"
    assert alices_session.cancellation_reason == "Travelling"


def test_inside_the_window_the_client_is_told_the_policy_before_confirming(
    client, alice, tomorrows_session
):
    client.force_login(alice)
    url = f"/scheduling/sessions/{tomorrows_session.pk}/cancel/"

    page = client.get(url)
    assert "This is a late cancellation" in page.text
    assert "less than 24 hours" in page.text and "Cancel anyway" in page.text

    client.post(url, {"late_understood": "True"})
    tomorrows_session.refresh_from_db()
    assert tomorrows_session.status == "late_cancelled"


def test_a_cancellation_that_became_late_after_the_page_was_shown_asks_again(
    client, alice, alices_session, frozen
):
    client.force_login(alice)
    url = f"/scheduling/sessions/{alices_session.pk}/cancel/"
    client.get(url)
    frozen.move_to(denver(8, 11))  # the page sat open for a day
    client.force_login(alice)

    response = client.post(url, {"reason": ""})  # the form had no late warning

    assert "now inside our cancellation window" in response.text
    alices_session.refresh_from_db()
    assert alices_session.status == "booked"


def test_a_fresh_booking_cancelled_within_ten_minutes_is_never_late(
    client, alice, dana, first_session, frozen
):
    appointment = services.book_appointment(
        client=alice, therapist=dana.therapist, session_type=first_session,
        starts_at=denver(8, 10), by=dana,
    )  # fmt: skip
    client.force_login(alice)
    url = f"/scheduling/sessions/{appointment.pk}/cancel/"
    assert "Cancelling now is free" in client.get(url).text
    client.post(url, {})
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_a_client_cannot_cancel_someone_elses_session(client, bob, alices_session):
    client.force_login(bob)
    url = f"/scheduling/sessions/{alices_session.pk}/cancel/"
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    alices_session.refresh_from_db()
    assert alices_session.status == "booked"


def test_cancelling_twice_is_harmless(client, alice, alices_session):
    client.force_login(alice)
    url = f"/scheduling/sessions/{alices_session.pk}/cancel/"
    client.post(url, {})
    response = client.post(url, {})
    assert response.status_code == 302
    assert Appointment.objects.get().status == "cancelled"


def test_the_cancel_page_refuses_other_methods(client, alice, alices_session):
    client.force_login(alice)
    assert client.put(f"/scheduling/sessions/{alices_session.pk}/cancel/").status_code == 405


# Moving -------------------------------------------------------------------------------------


def test_a_client_moves_a_session_from_the_portal(client, alice, alices_session):
    client.force_login(alice)
    url = f"/scheduling/sessions/{alices_session.pk}/reschedule/"

    page = client.get(url)
    assert "Move your session" in page.text and "Week of Monday 7 January" in page.text
    assert 'value="2030-01-10T21:00:00+00:00"' in page.text

    response = client.post(url, {"starts_at": "2030-01-10T21:00:00+00:00"}, follow=True)

    assert response.redirect_chain == [("/portal/", 302)]
    assert "Your session is moved to Thursday 10 January 2030, 2:00 PM MST" in response.text
    moved = Appointment.objects.get(status="booked")
    assert moved.rescheduled_from == alices_session and moved.starts_at == denver(10, 14)
    alices_session.refresh_from_db()
    assert alices_session.status == "moved"
    assert alices_session.rescheduled_to == moved


def test_moving_to_a_time_that_is_not_open_keeps_the_session_and_says_why(
    client, alice, alices_session
):
    client.force_login(alice)
    url = f"/scheduling/sessions/{alices_session.pk}/reschedule/"
    for bad, message in [
        (denver(9, 20), "open times"),
        (denver(7, 11), "already passed"),
        (denver(8, 9), "24 hours"),
        ("later", "Please choose one of the times shown."),
    ]:
        value = bad if isinstance(bad, str) else bad.isoformat()
        response = client.post(url, {"starts_at": value})
        assert response.status_code == 200 and message in response.text
    assert list(Appointment.objects.values_list("status", flat=True)) == ["booked"]


def test_the_move_page_is_fetched_week_by_week_as_a_fragment(client, alice, alices_session):
    client.force_login(alice)
    response = client.get(
        f"/scheduling/sessions/{alices_session.pk}/reschedule/",
        {
            "session_type": alices_session.session_type_id,
            "tz": "Asia/Kolkata",
            "week": "2030-01-14",
        },
        headers={"HX-Request": "true"},
    )
    assert "<html" not in response.text and "Kolkata time (IST)" in response.text


def test_a_client_cannot_move_someone_elses_session(client, bob, alices_session):
    client.force_login(bob)
    url = f"/scheduling/sessions/{alices_session.pk}/reschedule/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"starts_at": denver(10, 14).isoformat()}).status_code == 404


# The signed link in the e-mail --------------------------------------------------------------


def test_the_confirmation_e_mail_links_to_a_page_that_cancels_without_logging_in(
    client, alice, dana, first_session, frozen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = services.book_appointment(
            client=alice, therapist=dana.therapist, session_type=first_session,
            starts_at=denver(9, 10), by=alice,
        )  # fmt: skip
    link = re.search(r"http://\S+/scheduling/manage/\S+/", mail.outbox[0].body).group(0)
    path = urlsplit(link).path
    assert re.fullmatch(r"/scheduling/manage/[\w:-]+/", path), "only an id and a signature"
    assert "alice" not in path.lower()

    page = client.get(path)
    assert "Wednesday 9 January 2030, 10:00 AM MST" in page.text
    client.post(f"{path}cancel/", {})
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"


def test_a_signed_link_moves_the_session(client, alices_session):
    token = links.manage_token(alices_session)
    response = client.post(
        f"/scheduling/manage/{token}/reschedule/", {"starts_at": denver(10, 14).isoformat()}
    )
    assert response.url == f"/scheduling/manage/{token}/"
    assert Appointment.objects.get(status="booked").starts_at == denver(10, 14)


def test_a_tampered_or_expired_link_is_refused(client, alices_session, frozen):
    token = links.manage_token(alices_session)
    assert client.get(f"/scheduling/manage/{token[:-2]}xx/").status_code == 404
    frozen.shift(timedelta(days=31))
    assert client.get(f"/scheduling/manage/{token}/").status_code == 404
    assert client.post(f"/scheduling/manage/{token}/cancel/").status_code == 404


def test_a_signed_link_opened_by_someone_else_logged_in_is_a_404(client, bob, alices_session):
    client.force_login(bob)
    token = links.manage_token(alices_session)
    assert client.get(f"/scheduling/manage/{token}/").status_code == 404
