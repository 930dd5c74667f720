"""A second factor for everyone who reads client records, kept encrypted, changed with care."""

from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from cryptography.fernet import InvalidToken
from django.contrib import admin
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from practice.mfa import MFAAdapter
from practice.models import User
from tests.factories import PASSWORD, reauthenticate
from tests.test_url_access import World, access_table

pytestmark = pytest.mark.django_db

SET_UP = "/accounts/2fa/totp/activate/"


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.REQUIRE_MFA = True


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def log_in_with_code(client, user: User, secret: str) -> None:
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert response.status_code == 302 and "/accounts/" not in response.url


def sign_in_with_a_second_factor(client, user: User) -> str:
    """Give the person a TOTP authenticator, sign in with a code, then re-authenticate."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    log_in_with_code(client, user, secret)
    reauthenticate(client)
    return secret


def private_urls(world: World) -> list[str]:
    urls = []
    for name, rule in access_table().items():
        # The records behind a URL are made and rolled back: the middleware answers first.
        savepoint = transaction.savepoint_create()
        url = reverse(name, kwargs=rule.get("kwargs", lambda _world: {})(world))
        transaction.savepoint_rollback(savepoint)
        if not url.startswith(("/accounts/", "/security/")):
            urls.append(url)
    urls.append("/admin/")
    for model in admin.site._registry:
        meta = model._meta
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
        urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))
    return urls


def test_therapists_and_staff_without_a_second_factor_reach_no_page_but_its_set_up(
    client, alice, bob, dana, sam
):
    world = World(alice=alice, bob=bob, dana=dana, sam=sam)
    urls = private_urls(world)
    assert len(urls) > 80
    for person in (dana, sam):
        client.force_login(person)
        for url in urls:
            response = client.get(url)
            assert (response.status_code, response.get("Location")) == (302, SET_UP), url


def test_a_superuser_without_a_second_factor_cannot_open_the_admin(client):
    owner = User.objects.create_superuser("owner@example.org", "a-long-owner-password-9")
    client.force_login(owner)
    assert client.get("/admin/practice/user/").url == SET_UP


def test_the_set_up_security_and_log_out_pages_stay_open(client, dana):
    client.force_login(dana)
    assert client.get("/security/").status_code == 200
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_clients_are_offered_a_second_factor_but_not_made_to_have_one(client, alice):
    client.force_login(alice)
    assert client.get("/portal/").status_code == 200
    page = client.get("/security/").text
    assert "Two-factor authentication is off" in page and 'href="/accounts/2fa/"' in page


def test_a_therapist_with_a_second_factor_signs_in_with_a_code_and_works(client, dana):
    secret = generate_totp_secret()
    TOTP.activate(dana, secret)
    log_in_with_code(client, dana, secret)
    assert client.get("/scheduling/calendar/").status_code == 200


def test_totp_secrets_are_not_stored_in_clear(dana):
    secret = generate_totp_secret()
    totp = TOTP.activate(dana, secret)
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator WHERE id = %s", [totp.instance.pk])
        (raw,) = cursor.fetchone()
    assert secret not in raw and secret.lower() not in raw.lower()
    assert TOTP(totp.instance).validate_code(current_code(secret))


def test_the_secret_key_alone_does_not_decrypt_secrets(settings, dana):
    secret = generate_totp_secret()
    stored = TOTP.activate(dana, secret).instance.data["secret"]
    assert MFAAdapter().decrypt(stored) == secret
    settings.MFA_ENCRYPTION_KEYS = ["b3RoZXIta2V5LW9mLTMyLWJ5dGVzLWZvci10ZXN0cyE="]
    with pytest.raises(InvalidToken):
        MFAAdapter().decrypt(stored)


def test_staff_cannot_remove_their_last_authenticator(client, sam, mailoutbox):
    sign_in_with_a_second_factor(client, sam)
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert "You cannot deactivate two-factor authentication" in response.text
    assert Authenticator.objects.filter(user=sam, type="totp").exists()


def test_a_client_may_remove_their_second_factor_and_is_told_by_e_mail(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in_with_a_second_factor(client, alice)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=alice, type="totp").exists()
    assert [m.to for m in mailoutbox] == [[alice.email]]


def test_changing_e_mail_asks_for_the_password_again_after_five_minutes(client, alice):
    client.force_login(alice)
    add = {"action_add": "", "email": "new@example.org"}
    response = client.post("/accounts/email/", add)
    assert response.url.startswith("/accounts/reauthenticate/")
    reauthenticate(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        response = client.post("/accounts/email/", add)
    assert response.url.startswith("/accounts/reauthenticate/")
    assert not alice.emailaddress_set.filter(email="new@example.org").exists()
    response = client.post("/accounts/email/", add)
    assert response.status_code == 302 and "reauthenticate" not in response.url


def test_setting_up_a_second_factor_asks_for_the_password_again(client, alice):
    client.force_login(alice)
    assert client.get(SET_UP).url.startswith("/accounts/reauthenticate/")
    reauthenticate(client)
    assert client.get(SET_UP).status_code == 200


def test_changing_the_password_always_asks_for_the_current_one(client, alice):
    client.force_login(alice)
    change = {
        "oldpassword": "a-guess",
        "password1": "a-new-calm-pass-77",
        "password2": "a-new-calm-pass-77",
    }
    response = client.post("/accounts/password/change/", change)
    alice.refresh_from_db()
    assert response.status_code == 200 and alice.check_password(PASSWORD)


def test_a_password_change_sends_a_notice_without_health_information(
    client, alice, mailoutbox, django_capture_on_commit_callbacks
):
    client.post("/accounts/login/", {"login": alice.email, "password": PASSWORD})
    change = {
        "oldpassword": PASSWORD,
        "password1": "a-new-calm-pass-77",
        "password2": "a-new-calm-pass-77",
    }
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post("/accounts/password/change/", change)
    (notice,) = mailoutbox
    assert notice.to == [alice.email] and "password" in notice.subject.lower()
    text = (notice.subject + notice.body).lower()
    for word in ("intake", "phq", "gad", "screen", "appointment", "session", "diagnos", "anxiety"):
        assert word not in text, word


def test_secrets_stored_in_clear_before_are_encrypted_and_still_work(dana):
    from importlib import import_module

    from django.apps import apps

    secret = generate_totp_secret()
    legacy = Authenticator.objects.create(user=dana, type="totp", data={"secret": secret})
    import_module("practice.migrations.0004_encrypt_mfa_secrets").encrypt_existing(apps, None)
    legacy.refresh_from_db()
    assert legacy.data["secret"] != secret
    assert TOTP(legacy).validate_code(current_code(secret))


def add_passkey(user: User) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "Phone", "credential": {}}
    )


def test_staff_cannot_remove_their_last_passkey_but_may_remove_a_spare(client, sam):
    passkey = add_passkey(sam)
    client.force_login(sam)
    reauthenticate(client)
    response = client.post(f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/")
    assert response.url == "/accounts/2fa/webauthn/"
    assert Authenticator.objects.filter(pk=passkey.pk).exists()
    TOTP.activate(sam, generate_totp_secret())
    client.post(f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/")
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()


def test_a_passkey_counts_as_the_second_factor(client, dana):
    add_passkey(dana)
    client.force_login(dana)
    assert client.get("/scheduling/calendar/").status_code == 200


def test_people_can_add_a_passkey_from_a_page_that_runs_under_the_csp(client, alice):
    client.force_login(alice)
    reauthenticate(client)
    page = client.get("/accounts/2fa/webauthn/add/")
    assert page.status_code == 200
    assert "/static/mfa/js/webauthn.js" in page.text
    assert "<script>" not in page.text  # only files and JSON data, so the strict CSP holds
    assert 'href="/accounts/2fa/webauthn/' in client.get("/accounts/2fa/").text
