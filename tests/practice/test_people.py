import re

import pytest
from django.core import mail

from practice.models import OutboundMessage, User

pytestmark = pytest.mark.django_db


def test_staff_invite_a_therapist_who_sets_a_password_and_logs_in(
    client, sam, django_capture_on_commit_callbacks
):
    client.force_login(sam)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/staff/invite/",
            {
                "email": "Nia@Example.org",
                "first_name": "Nia",
                "last_name": "Cole",
                "role": "therapist",
            },
        )
    assert response.status_code == 302 and response.url == "/staff/"
    nia = User.objects.get(email="nia@example.org")
    assert nia.role == User.Role.THERAPIST and not nia.has_usable_password()
    [invitation] = mail.outbox
    assert invitation.to == ["nia@example.org"]
    link = re.search(r"http://\S+/accounts/password/reset/key/\S+/", invitation.body).group(0)
    assert link not in str(OutboundMessage.objects.get(recipient=nia).context)

    client.logout()
    set_password_page = client.get(link.split("8000", 1)[-1], follow=True)
    response = client.post(
        set_password_page.request["PATH_INFO"],
        {"password1": "a-brand-new-pass-77", "password2": "a-brand-new-pass-77"},
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(email="nia@example.org", password="a-brand-new-pass-77")


def test_an_invitation_for_an_existing_address_is_refused_with_a_clear_message(client, sam, dana):
    client.force_login(sam)
    response = client.post(
        "/staff/invite/",
        {"email": dana.email, "first_name": "D", "last_name": "W", "role": "staff"},
    )
    assert response.status_code == 200
    assert "already has an account" in response.text
    assert 'value="W"' in response.text  # what was typed is kept


def test_clients_cannot_invite_anyone(client, alice):
    client.force_login(alice)
    response = client.post(
        "/staff/invite/",
        {"email": "x@example.org", "first_name": "X", "last_name": "Y", "role": "staff"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.org").exists()


def test_people_land_on_the_home_of_their_role(client, alice, dana, sam):
    for person, home in [(alice, "/portal/"), (dana, "/scheduling/calendar/"), (sam, "/staff/")]:
        client.force_login(person)
        assert client.get("/home/").url == home


def test_staff_manage_practice_models_in_the_admin_but_not_django_internals(client, sam):
    client.force_login(sam)
    assert client.get("/admin/practice/practicesettings/").status_code == 200
    assert client.get("/admin/auth/group/").status_code == 403


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("email", "home"),
    [
        ("staff@example.org", "/staff/"),
        ("maya.chen@example.org", "/scheduling/calendar/"),
        ("client@example.org", "/portal/"),
    ],
)
def test_each_demo_login_works_and_opens_its_home(client, demo_practice, email, home):
    from practice.demo import DEMO_PASSWORD

    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    response = client.get("/home/", follow=True)
    assert response.redirect_chain[-1][0] == home and response.status_code == 200


def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, sam, settings):
    settings.REQUIRE_MFA = True
    client.force_login(sam)
    response = client.get("/staff/")
    assert response.status_code == 302 and response.url == "/accounts/2fa/totp/activate/"


def test_staff_with_a_second_factor_reach_their_dashboard(client, sam, settings):
    from allauth.mfa.models import Authenticator

    settings.REQUIRE_MFA = True
    Authenticator.objects.create(user=sam, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(sam)
    assert client.get("/staff/").status_code == 200


def test_the_dashboard_counts_messages_that_need_a_person(client, sam, dana):
    from practice.models import OutboundMessage

    for number, status in enumerate(["failed", "unknown", "sent", "scheduled"]):
        OutboundMessage.objects.create(
            key=f"k{number}", template="invitation", to=dana.email, status=status
        )
    client.force_login(sam)
    assert (
        "2 need a person: failed, not delivered, or unknown whether sent"
        in client.get("/staff/").text
    )
