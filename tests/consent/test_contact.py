"""Consent to Contact decides which channels reminders may use; withdrawing it is immediate."""

import pytest

from consent.models import ContactPreference
from consent.status import allowed_channels
from tests.consent.helpers import sign_form
from tests.factories import reauthenticate

pytestmark = pytest.mark.django_db

SIGN = "/consent/documents/contact-consent/"
PREFERENCES = "/consent/contact/"


@pytest.fixture
def contact(documents):
    return documents["contact-consent"]


def test_before_any_choice_only_e_mail_is_allowed(alice):
    assert allowed_channels(alice) == {"email"}


def test_signing_the_consent_to_contact_records_the_choices(client, alice, contact):
    client.force_login(alice)
    response = client.post(SIGN, sign_form(contact, email_ok="yes", sms_ok="yes"))
    assert response.status_code == 302
    assert allowed_channels(alice) == {"email", "sms"}
    choice = ContactPreference.objects.get()
    assert choice.source == "signed" and choice.signature.version.document == contact


def test_the_consent_to_contact_needs_an_answer_for_each_channel(client, alice, contact):
    client.force_login(alice)
    response = client.post(SIGN, sign_form(contact, email_ok="yes"))
    assert response.status_code == 200
    assert "Please choose yes or no for text messages." in response.text
    assert 'value="yes" checked' in response.text or "checked" in response.text
    assert not ContactPreference.objects.exists()


def test_withdrawing_texts_in_the_portal_stops_them_from_the_next_send_on(client, alice, contact):
    client.force_login(alice)
    client.post(SIGN, sign_form(contact, email_ok="yes", sms_ok="yes"))
    response = client.post(PREFERENCES, {"email": "yes", "sms": "no"}, follow=True)
    assert "Your choices apply from our next message on." in response.text
    assert allowed_channels(alice) == {"email"}
    client.post(PREFERENCES, {"email": "no", "sms": "no"})
    assert allowed_channels(alice) == set()
    # The history of what alice allowed, and when, is kept.
    assert [(c.email, c.sms) for c in ContactPreference.objects.order_by("pk")] == [
        (True, True),
        (True, False),
        (False, False),
    ]
    page = client.get(PREFERENCES)
    assert page.text.count("(changed in the portal)") == 2


def test_channels_can_be_switched_on_again_after_signing(client, alice, contact):
    client.force_login(alice)
    reauthenticate(client)  # the mobile number changes
    client.post(SIGN, sign_form(contact, email_ok="yes", sms_ok="no"))
    client.post(PREFERENCES, {"email": "yes", "sms": "yes", "mobile_phone": "(970) 555-0123"})
    assert allowed_channels(alice) == {"email", "sms"}
    alice.refresh_from_db()
    assert alice.mobile_phone == "+19705550123"


def test_texts_need_a_mobile_number(client, alice, contact):
    client.force_login(alice)
    reauthenticate(client)  # the mobile number changes
    client.post(SIGN, sign_form(contact, email_ok="yes", sms_ok="no"))
    response = client.post(PREFERENCES, {"email": "yes", "sms": "yes", "mobile_phone": ""})
    assert "Please give us a mobile number to text." in response.text
    response = client.post(PREFERENCES, {"email": "yes", "sms": "yes", "mobile_phone": "555-01"})
    assert "Please enter a phone number with its area code." in response.text
    assert 'value="555-01"' in response.text  # what was typed is kept
    assert allowed_channels(alice) == {"email"}


def test_changing_only_the_number_keeps_the_choices(client, alice, contact):
    client.force_login(alice)
    reauthenticate(client)  # the mobile number changes
    client.post(SIGN, sign_form(contact, email_ok="yes", sms_ok="no"))
    client.post(PREFERENCES, {"email": "yes", "sms": "no", "mobile_phone": "+44 20 7946 0958"})
    alice.refresh_from_db()
    assert alice.mobile_phone == "+442079460958"
    assert ContactPreference.objects.count() == 1  # the signed choice, nothing new


def test_without_a_signed_consent_to_contact_a_client_can_only_switch_off(client, alice, contact):
    client.force_login(alice)
    response = client.post(PREFERENCES, {"email": "yes", "sms": "yes"})
    assert response.status_code == 200
    assert "To allow text messages, please sign the Consent to Contact first." in response.text
    assert allowed_channels(alice) == {"email"}

    client.post(PREFERENCES, {"email": "no", "sms": "no"})
    assert allowed_channels(alice) == set()
    response = client.post(PREFERENCES, {"email": "yes", "sms": "no"})
    assert "To allow e-mail, please sign the Consent to Contact first." in response.text


def test_saving_the_same_choices_records_nothing_new(client, alice, contact):
    client.force_login(alice)
    response = client.post(PREFERENCES, {"email": "yes", "sms": "no"}, follow=True)
    assert "Nothing changed" in response.text
    assert not ContactPreference.objects.exists()


def test_one_client_s_choices_do_not_touch_another_s(client, alice, bob, contact):
    client.force_login(alice)
    client.post(PREFERENCES, {"email": "no", "sms": "no"})
    assert allowed_channels(alice) == set() and allowed_channels(bob) == {"email"}


def test_contact_preferences_refuse_other_methods(client, alice):
    client.force_login(alice)
    assert client.put(PREFERENCES).status_code == 405


def test_the_newest_choice_is_the_one_in_force(alice):
    from tests.factories import make_contact_preference

    make_contact_preference(client=alice, email=True, sms=True)
    assert allowed_channels(alice) == {"email", "sms"}
    make_contact_preference(client=alice, email=True, sms=False)
    assert allowed_channels(alice) == {"email"}
