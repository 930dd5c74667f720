import re

import pytest
from playwright.sync_api import expect

from practice.audit import AuditEntry
from practice.models import User
from tests.browser.test_consent import log_in
from tests.factories import PASSWORD, make_client, make_staff, make_therapist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_client_sees_who_looked_and_closes_their_account_on_a_phone(
    page, live_server, assert_accessible
):
    robin = make_client(email="robin@example.org", first_name="Robin", last_name="Sato")
    dana = make_therapist(email="dana@example.org", first_name="Dana", last_name="Whitfield").user
    AuditEntry.objects.create(
        actor=dana, actor_role="therapist", client=robin, record="Intake", action="viewed"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "robin@example.org")

    page.get_by_role("link", name="Who has opened your records").click()
    expect(page.get_by_role("cell", name="Therapist: Dana Whitfield")).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + "/portal/your-data/")
    assert_accessible(page)
    page.get_by_role("link", name="close your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Close your account")
    assert_accessible(page)
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm it is you")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()  # allauth then sends the request on
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is closed")
    assert_accessible(page)
    assert not User.objects.get(pk=robin.pk).is_active
    page.goto("about:blank")


def test_staff_filter_the_audit_log(page, live_server, assert_accessible):
    alice = make_client(email="alice@example.org", first_name="Alice", last_name="Moreno")
    make_staff(email="sam@example.org", first_name="Sam", last_name="Ortega")
    dana = make_therapist(email="dana@example.org", first_name="Dana", last_name="Whitfield").user
    AuditEntry.objects.create(
        actor=dana, actor_role="therapist", client=alice, record="Session", action="viewed"
    )
    log_in(page, live_server, "sam@example.org")
    page.goto(live_server.url + "/staff/audit/")
    page.get_by_role("link", name=re.compile("^Alice Moreno")).click()
    expect(page.get_by_label("Client number")).to_have_value(str(alice.pk))
    expect(page.get_by_role("cell", name="Opened Session")).to_be_visible()
    page.get_by_label("Client number").fill(str(alice.pk + 1000))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("cell", name="Opened Session")).to_have_count(0)
    assert_accessible(page)
    page.goto("about:blank")
