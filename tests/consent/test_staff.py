"""Staff see who still has consent missing and what clients wrote when they declined."""

import os
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from consent.models import ConsentDocument
from tests.consent.helpers import sign_required
from tests.factories import make_appointment, make_client, make_session_type, make_version

pytestmark = pytest.mark.django_db

URL = "/consent/staff/"


def test_staff_see_clients_with_consent_missing(client, sam, alice, bob, dana, documents):
    sign_required(bob, documents)
    video = make_session_type(name="Video", modality="telehealth", therapists=[dana.therapist])
    make_appointment(
        therapist=dana.therapist,
        client=bob,
        starts_at=timezone.now() + timedelta(days=1),
        session_type=video,
    )
    client.force_login(sam)
    response = client.get(URL)
    missing = response.text.split("Consent missing")[1].split("Declined, with a message")[0]
    assert "Alice Moreno" in missing and "Informed Consent for Treatment" in missing
    # Bob signed what everyone signs, but has a telehealth session booked.
    bob_row = missing.split("Bob Keller")[1].split("</tr>")[0]
    assert "Telehealth Consent" in bob_row and "Informed Consent" not in bob_row
    assert "2 of 2 clients." in response.text


def test_staff_see_declines_with_the_client_s_message(client, sam, alice, documents):
    client.force_login(alice)
    client.post(
        "/consent/documents/privacy-practices/decline/",
        {"message": "Who else can see my records?"},
    )
    client.force_login(sam)
    response = client.get(URL)
    assert "Who else can see my records?" in response.text
    assert "Notice of Privacy Practices, version 1" in response.text
    assert "(declined)" in response.text


def test_the_staff_page_runs_the_same_queries_for_one_or_many_clients(
    client, sam, alice, documents, django_assert_num_queries
):
    client.force_login(sam)
    client.get(URL)
    with django_assert_num_queries(15) as one:  # the audit row among them
        client.get(URL)
    for number in range(60):
        make_client(email=f"c{number}@example.org", first_name=f"C{number}", last_name="Lane")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(URL)
    assert "61 of 61 clients." in response.text


def test_clients_with_consent_missing_are_found_in_sql_fifty_to_a_page(client, sam, documents):
    """The same rule as each client's own status, paged, without loading every client."""
    clients = [
        make_client(email=f"c{n:03}@example.org", first_name="C", last_name=f"Lane{n:03}")
        for n in range(120)
    ]
    signed_the_old_version = clients[1]
    sign_required(signed_the_old_version, documents)
    make_version(document=documents["informed-consent"], body="## New", requires_resign=True)
    for signed in clients[::2]:
        sign_required(signed, documents)
    client.force_login(sam)
    first = client.get(URL)
    assert "60 of 120 clients." in first.text
    assert [person.last_name for person, _ in first.context["missing"]] == [
        f"Lane{n:03}" for n in range(1, 100, 2)
    ]
    resign_rows = dict(first.context["missing"])[signed_the_old_version]
    assert [(row.document.slug, row.needs_resign) for row in resign_rows] == [
        ("informed-consent", True)
    ]
    assert 'href="?page=2"' in first.text
    second = client.get(URL + "?page=2")
    assert [person.last_name for person, _ in second.context["missing"]] == [
        f"Lane{n:03}" for n in range(101, 120, 2)
    ]


@pytest.mark.parametrize(
    ("today", "minor_born", "adult_born"),
    [
        ("2026-06-15", "2008-06-16", "2008-06-15"),
        ("2028-02-29", "2010-03-01", "2010-02-28"),  # no 29 February in 2010
    ],
)
def test_clients_under_18_are_found_in_sql_as_is_minor_counts_them(
    client, sam, documents, today, minor_born, adult_born
):
    with time_machine.travel(f"{today}T12:00:00-07:00"):
        minor = make_client(email="m@example.org", last_name="Young", date_of_birth=minor_born)
        adult = make_client(email="a@example.org", last_name="Grown", date_of_birth=adult_born)
        minor.refresh_from_db()
        adult.refresh_from_db()
        assert (minor.is_minor, adult.is_minor) == (True, False)
        client.force_login(sam)
        response = client.get(URL)
        assert list(response.context["minors"]) == [minor]


def test_the_staff_dashboard_links_to_consent(client, sam):
    client.force_login(sam)
    assert 'href="/consent/staff/"' in client.get("/staff/").text


def test_the_staff_page_is_for_staff_only(client, alice, dana):
    for person in (alice, dana):
        client.force_login(person)
        assert client.get(URL).status_code == 403


def test_seed_demo_publishes_version_1_of_the_six_documents_once(client, demo_practice):
    documents = ConsentDocument.objects.order_by("position")
    assert [(d.slug, d.required_for) for d in documents] == [
        ("informed-consent", "all"),
        ("limits-of-confidentiality", "all"),
        ("privacy-practices", "all"),
        ("cancellation-policy", "all"),
        ("telehealth", "telehealth"),
        ("contact-consent", "contact"),
    ]
    for document in documents:
        [version] = document.versions.all()
        assert version.number == 1 and version.is_published
        assert version.title == document.title and not version.body.startswith("#")
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert sum(document.versions.count() for document in documents) == 6

    client.login(email="client@example.org", password="demo-practice-2026")
    response = client.get("/consent/")
    assert response.status_code == 200 and "Limits of Confidentiality" in response.text
