"""The edges of the site: uploads, error pages, a database outage, methods, odd characters."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connections
from django.forms import modelform_factory
from django.test import Client, RequestFactory
from PIL import Image

from practice.errors import server_error
from practice.models import Therapist, User
from tests.factories import make_therapist

pytestmark = pytest.mark.django_db

PHONE = "(970) 555-0142"


@pytest.fixture(autouse=True)
def _practice_phone(settings, tmp_path):
    settings.PRACTICE_PHONE = PHONE
    settings.MEDIA_ROOT = tmp_path / "media"


def png(*, noise_bytes: int = 0) -> bytes:
    """A real PNG; random pixels do not compress, so `noise_bytes` sets its size."""
    side = max(8, int((noise_bytes / 3) ** 0.5) + 1)
    pixels = os.urandom(side * side * 3) if noise_bytes else bytes(side * side * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), pixels).save(out, format="PNG")
    return out.getvalue()


PhotoForm = modelform_factory(Therapist, fields=["photo"])


# Uploads ------------------------------------------------------------------------------------


def test_a_photo_over_2_mb_is_refused_with_a_plain_message(dana):
    big = SimpleUploadedFile("big.png", png(noise_bytes=3 * 1024 * 1024), "image/png")
    form = PhotoForm(files={"photo": big}, instance=dana.therapist)
    assert not form.is_valid()
    assert form.errors["photo"] == ["This photo is too large. Please choose one under 2 MB."]


def test_a_small_photo_is_accepted(dana):
    form = PhotoForm(
        files={"photo": SimpleUploadedFile("dana.png", png(), "image/png")},
        instance=dana.therapist,
    )
    assert form.is_valid(), form.errors


def test_a_listed_therapists_photo_is_served_under_production_settings(client, dana, settings):
    assert settings.DEBUG is False
    therapist = dana.therapist
    therapist.photo = SimpleUploadedFile("dana.png", png(), "image/png")
    therapist.save()

    response = client.get(therapist.photo.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.head(therapist.photo.url).status_code == 200
    assert client.post(therapist.photo.url).status_code == 405


def test_no_other_upload_is_served(client, dana, settings):
    hidden = make_therapist(email="hidden@example.org", first_name="Hidden")
    hidden.photo = SimpleUploadedFile("hidden.png", png(), "image/png")
    hidden.save()
    User.objects.filter(pk=hidden.user_id).update(is_active=False)  # no longer listed
    (settings.MEDIA_ROOT / "therapists" / "notes.txt").write_text("not a photo")

    assert client.get(hidden.photo.url).status_code == 404
    assert client.get("/media/therapists/notes.txt").status_code == 404
    assert client.get("/media/therapists/..%2Fsecret.png").status_code == 404
    assert client.get("/media/intake/anything.png").status_code == 404


# Error pages --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_with_the_database_down_pages_answer_503_with_the_phone_and_988(monkeypatch):
    connection = connections["default"]
    connection.close()
    monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
    monkeypatch.setitem(connection.settings_dict, "PORT", "9")  # nothing listens there
    try:
        response = Client().get("/therapists/")
        with pytest.raises(OperationalError):
            connection.ensure_connection()  # the outage was real, not a mock
    finally:
        connection.close()

    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    page = response.content.decode()
    assert PHONE in page and 'href="tel:988"' in page
    assert "briefly unavailable" in page


def test_a_database_error_outside_a_view_is_a_503_too():
    request = RequestFactory().get("/")
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and PHONE in response.content.decode()


def test_any_other_error_is_the_practices_500_page():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in page and PHONE in page and "988" in page


def test_a_request_over_the_upload_limit_gets_the_practices_400_page(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x" * 2000})
    page = response.content.decode()
    assert response.status_code == 400
    assert "We could not read that request" in page and "988" in page


def test_an_unknown_page_is_the_practices_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert "Poudre Valley Behavior Therapy" in response.content.decode()


def test_another_roles_page_is_the_practices_403(client, alice):
    client.force_login(alice)
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "This page is not available to you" in response.content.decode()


def test_a_wrong_method_is_the_practices_405_with_allow(client):
    response = client.post("/therapists/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert "That is not possible on this page" in response.content.decode()


@pytest.mark.parametrize("method", ["put", "delete", "patch", "options", "trace"])
def test_methods_no_page_uses_are_refused_everywhere(client, alice, method):
    client.force_login(alice)
    response = getattr(client, method)("/portal/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"


# HEAD ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/", "/therapists/", "/therapists/dana-whitfield/", "/contact/", "/privacy/"]
)
def test_head_is_answered_where_get_is(client, dana, url):
    assert client.head(url).status_code == 200


@pytest.mark.parametrize(
    ("persona", "url"),
    [("alice", "/portal/"), ("dana", "/scheduling/calendar/"), ("sam", "/staff/")],
)
def test_head_is_answered_on_signed_in_pages(client, alice, dana, sam, persona, url):
    client.force_login({"alice": alice, "dana": dana, "sam": sam}[persona])
    assert client.head(url).status_code == 200


# Names --------------------------------------------------------------------------------------


def test_a_name_with_a_right_to_left_override_is_refused_at_sign_up(client):
    response = client.post(
        "/accounts/signup/",
        {
            "first_name": "Alice\u202egnp.exe",
            "last_name": "Moreno",
            "email": "new@example.org",
            "time_zone": "America/Denver",
            "password1": "a-long-test-password-41",
            "password2": "a-long-test-password-41",
        },
    )
    assert response.status_code == 200
    assert "invisible characters that change the direction of text" in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize("character", ["\u202a", "\u202e", "\u2066", "\u2069"])
@pytest.mark.parametrize("field", ["first_name", "last_name", "preferred_name"])
def test_a_users_names_refuse_direction_controls(alice, field, character):
    setattr(alice, field, f"Ali{character}ce")
    with pytest.raises(Exception, match="direction of text"):
        alice.full_clean()


def test_ordinary_names_in_any_script_are_welcome(alice):
    alice.first_name, alice.last_name, alice.preferred_name = "Zoë", "עברית", "أليس"
    alice.full_clean()
