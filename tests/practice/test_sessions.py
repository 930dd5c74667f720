"""Sign-ins end: idle, after twelve hours, at logout, password change or deactivation."""

from datetime import timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def log_in(client, user) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "/accounts/" not in response.url


def signed_out(response) -> bool:
    return response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_therapist_is_signed_out_after_thirty_minutes_idle(client, dana):
    client.force_login(dana)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert client.get("/scheduling/calendar/").status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get("/scheduling/calendar/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/scheduling/calendar/")
    assert signed_out(response) and "/scheduling/calendar/" in response.url
    assert "_auth_user_id" not in client.session


def test_a_client_may_stay_idle_longer_but_not_for_ever(client, alice):
    client.force_login(alice)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert client.get("/portal/").status_code == 200
        clock.shift(timedelta(minutes=45))
        assert client.get("/portal/").status_code == 200
        clock.shift(timedelta(minutes=61))
        assert signed_out(client.get("/portal/"))


def test_staff_are_signed_out_twelve_hours_after_signing_in_however_active(client, sam):
    client.force_login(sam)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(12 * 3):
            assert client.get("/staff/").status_code == 200
            clock.shift(timedelta(minutes=20))
        clock.shift(timedelta(minutes=1))
        assert signed_out(client.get("/staff/"))


def test_signing_in_gives_a_new_session_key(client, alice):
    client.get("/accounts/login/")
    client.session["visitor"] = "x"
    before = client.session.session_key
    log_in(client, alice)
    assert client.session.session_key != before


def test_logging_out_ends_the_persons_other_sessions(alice):
    phone, laptop = Client(), Client()
    log_in(phone, alice)
    log_in(laptop, alice)
    assert UserSession.objects.filter(user=alice).count() == 2
    laptop.post("/accounts/logout/")
    assert signed_out(phone.get("/portal/"))
    assert not UserSession.objects.filter(user=alice).exists()


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(alice):
    phone, laptop = Client(), Client()
    log_in(phone, alice)
    log_in(laptop, alice)
    new = "a-new-calm-pass-77"
    response = laptop.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert laptop.get("/portal/").status_code == 200
    assert signed_out(phone.get("/portal/"))


def test_deactivating_an_account_ends_its_sessions(client, dana):
    client.force_login(dana)
    assert client.get("/scheduling/calendar/").status_code == 200
    dana.is_active = False
    dana.save()
    assert signed_out(client.get("/scheduling/calendar/"))


def test_people_see_and_end_their_own_sessions(alice, bob):
    phone, laptop, other = Client(), Client(), Client()
    log_in(phone, alice)
    log_in(laptop, alice)
    log_in(other, bob)
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    assert len(page.context["sessions"]) == 2  # never bob's
    response = laptop.post("/accounts/sessions/", {"action": "logout"})
    assert response.status_code == 302
    assert signed_out(phone.get("/portal/"))
    assert laptop.get("/portal/").status_code == 200
    assert other.get("/portal/").status_code == 200


def test_the_security_page_says_when_people_are_signed_out(client, dana, alice):
    client.force_login(dana)
    assert "(30 minutes)" in client.get("/security/").text
    client.force_login(alice)
    page = client.get("/security/").text
    assert "(60 minutes)" in page and 'href="/accounts/sessions/"' in page


def test_pages_tell_the_browser_when_an_idle_sign_out_comes(client, alice, dana):
    assert "data-session-idle" not in client.get("/").text  # nobody is signed in
    client.force_login(alice)
    portal = client.get("/portal/").text
    assert 'data-session-idle="3600"' in portal and 'id="session-warning"' in portal
    client.force_login(dana)
    assert 'data-session-idle="1800"' in client.get("/scheduling/calendar/").text


def test_stay_signed_in_restarts_the_idle_clock(client, dana):
    client.force_login(dana)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        assert client.get("/scheduling/calendar/").status_code == 200
        clock.shift(timedelta(minutes=26))
        assert client.get("/session/keep-alive/").status_code == 204
        clock.shift(timedelta(minutes=26))
        assert client.get("/scheduling/calendar/").status_code == 200  # 52 minutes, not idle
        clock.shift(timedelta(minutes=31))
        assert signed_out(client.get("/session/keep-alive/"))  # too late to stay
