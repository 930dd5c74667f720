"""Staff run the practice's apps in the admin, and cannot give themselves or anyone more."""

import pytest
from django.contrib.auth.models import Group

from practice.models import STAFF_GROUP, User
from tests.factories import make_client, make_staff

pytestmark = pytest.mark.django_db


def change_form(user: User) -> dict:
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": "Changed",
        "preferred_name": "",
        "pronouns": "",
        "time_zone": "America/Denver",
        "role": "staff",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name=STAFF_GROUP).pk],
    }


def test_staff_posting_is_superuser_to_their_own_change_form_get_nothing(client, sam):
    client.force_login(sam)
    response = client.post(f"/admin/practice/user/{sam.pk}/change/", change_form(sam))
    sam.refresh_from_db()
    assert response.status_code == 302
    assert sam.last_name == "Changed"  # the form saved, only without the powers
    assert not sam.is_superuser
    assert not sam.has_perm("auth.change_group")


def test_staff_cannot_make_a_client_staff_or_superuser(client, sam, alice):
    client.force_login(sam)
    client.post(f"/admin/practice/user/{alice.pk}/change/", change_form(alice))
    alice.refresh_from_db()
    assert (alice.role, alice.is_staff, alice.is_superuser) == ("client", False, False)
    assert not alice.groups.exists()


def test_staff_cannot_set_another_users_password(client, sam, alice):
    client.force_login(sam)
    url = f"/admin/practice/user/{alice.pk}/password/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": "n3w-pass-phrase!", "password2": "n3w-pass-phrase!"})
    alice.refresh_from_db()
    assert response.status_code == 403 and alice.check_password("a-long-test-password-41")


def test_staff_cannot_add_users_or_change_other_staff(client, sam, dana):
    other = make_staff(email="kim@example.org")
    client.force_login(sam)
    assert client.get("/admin/practice/user/add/").status_code == 403
    response = client.post(f"/admin/practice/user/{other.pk}/change/", change_form(other))
    assert response.status_code == 403
    response = client.post(f"/admin/practice/user/{dana.pk}/change/", change_form(dana))
    assert response.status_code == 403


def test_staff_cannot_see_or_edit_authenticators_groups_or_sessions(client, sam):
    client.force_login(sam)
    for url in [
        "/admin/mfa/authenticator/",
        "/admin/usersessions/usersession/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
    ]:
        assert client.get(url).status_code == 403, url


def test_the_user_form_shows_staff_no_password_or_powers_to_edit(client, sam, alice):
    client.force_login(sam)
    page = client.get(f"/admin/practice/user/{alice.pk}/change/").text
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    assert 'name="groups"' not in page and "/password/" not in page


def test_staff_still_run_the_practice_apps(client, sam):
    client.force_login(sam)
    for url in [
        "/admin/",
        "/admin/scheduling/appointment/",
        "/admin/consent/consentdocument/",
        "/admin/intake/questionnaire/",
        "/admin/practice/therapist/add/",
        "/admin/practice/outboundmessage/",
        "/admin/practice/user/",
    ]:
        assert client.get(url).status_code == 200, url


def test_a_superuser_still_sees_the_powers_and_the_password_link(client, alice):
    owner = User.objects.create_superuser("owner@example.org", "a-long-owner-password-9")
    client.force_login(owner)
    page = client.get(f"/admin/practice/user/{alice.pk}/change/").text
    assert 'name="is_superuser"' in page and "../password/" in page
    assert client.get(f"/admin/practice/user/{alice.pk}/password/").status_code == 200


def test_invited_staff_join_the_staff_group(client, sam):
    make_client(email="carol@example.org")
    client.force_login(sam)
    client.post(
        "/staff/invite/",
        {"email": "kim@example.org", "first_name": "Kim", "last_name": "Park", "role": "staff"},
    )
    kim = User.objects.get(email="kim@example.org")
    assert kim.groups.filter(name=STAFF_GROUP).exists() and not kim.is_superuser
