import gzip

import pytest
from django.core.cache import caches

from tests.factories import make_therapist

pytestmark = pytest.mark.django_db


def test_the_home_page_shows_the_practice_and_therapists_accepting_clients(client, demo_practice):
    response = client.get("/")
    assert "Poudre Valley Behavior Therapy" in response.text
    assert "Maya Chen" in response.text


def test_the_directory_lists_every_active_therapist(client, django_assert_num_queries):
    for number in range(5):
        make_therapist(email=f"t{number}@example.org", first_name=f"T{number}", last_name="Lane")
    client.get("/therapists/")  # the first visit ever creates the practice settings row
    caches["pages"].clear()  # rendered afresh, not the copy kept for visitors
    with django_assert_num_queries(3):  # the site's version, settings, therapists with users
        response = client.get("/therapists/")
    assert response.text.count('class="card"') == 5


def test_a_therapist_profile_shows_their_approach(client, dana):
    response = client.get(f"/therapists/{dana.therapist.slug}/")
    assert "Dana Whitfield" in response.text and "Cognitive behavioral therapy" in response.text


def test_an_unknown_therapist_is_a_friendly_404(client):
    response = client.get("/therapists/nobody/")
    assert response.status_code == 404
    assert "could not find that page" in response.text


def test_public_pages_refuse_posts(client):
    assert client.post("/therapists/").status_code == 405


def test_every_page_sends_a_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_seed_demo_is_idempotent(demo_practice):
    from django.core.management import call_command

    from practice.models import Therapist, User

    before = (User.objects.count(), Therapist.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (User.objects.count(), Therapist.objects.count()) == before == (5, 3)


def test_an_expired_form_gets_a_plain_explanation_not_a_technical_error(alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post("/consent/contact/", {"email": "no", "sms": "no"})
    assert response.status_code == 403
    assert "Please try that again" in response.text and "CSRF" not in response.text


def test_pages_are_compressed_for_browsers_that_accept_it(client, demo_practice):
    plain = client.get("/therapists/")
    squeezed = client.get("/therapists/", headers={"accept-encoding": "gzip, br"})
    assert "Content-Encoding" not in plain
    assert squeezed["Content-Encoding"] == "gzip"
    assert gzip.decompress(squeezed.content) == plain.content
    assert len(squeezed.content) < len(plain.content) / 2
