"""A text is never refused for its length: names are reduced to GSM-7, or the UCS-2 limit is
applied, and a shorter wording goes out when a longer one cannot fit. Never nothing."""

from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from practice.channels import GSM_BASIC, GSM_EXTENSION, SMS_SEGMENT, UCS2_SEGMENT, sms_length
from practice.channels import sms_text as fit
from practice.models import PracticeSettings, Therapist

STOP = "Reply STOP to end texts."
NAME_MAX = Therapist._meta.get_field("public_name").max_length
PRACTICE_MAX = PracticeSettings._meta.get_field("name").max_length
ZONES = ["America/Denver", "America/Anchorage", "Pacific/Honolulu", "Europe/London", "Asia/Kolkata"]


def reminder(*, practice: str, therapist: str, site: str, telehealth: bool, zone: str) -> str:
    """The reminder text exactly as the outbox renders it, from the real templates."""
    context = {
        "practice": SimpleNamespace(name=practice),
        "therapist_first_name": therapist,
        # The longest day and clock: Wednesday 30 September, 12:30 PM and a long zone name.
        "starts_at": datetime(2030, 9, 25, 19, 30, tzinfo=UTC),
        "zone": ZoneInfo(zone),
        "telehealth": telehealth,
        "text_url": f"{site}/m/zzzz{'x' * 10}",  # id 1,679,615 and its signature
    }
    wordings = [
        render_to_string(f"emails/appointment_reminder{part}.sms.txt", context)
        for part in ("", ".short", ".shorter", ".shortest")
    ]
    return fit(wordings, stop=STOP)


def is_gsm(text: str) -> bool:
    return all(c in GSM_BASIC or c in GSM_EXTENSION for c in text)


def assert_one_text(text: str) -> None:
    assert text.endswith(STOP), text
    if is_gsm(text):
        assert sms_length(text) <= SMS_SEGMENT, text
    else:
        assert len(text.encode("utf-16-le")) // 2 <= UCS2_SEGMENT, text


host_characters = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-")
sites = st.builds(
    lambda scheme, host: f"{scheme}{host}.org",
    st.sampled_from(["https://", "http://"]),
    st.text(host_characters, min_size=1, max_size=60 - len("https://.org")),
)
names = st.text(min_size=1, max_size=NAME_MAX)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    practice=st.text(min_size=1, max_size=PRACTICE_MAX),
    therapist=names,
    site=sites,
    telehealth=st.booleans(),
    zone=st.sampled_from(ZONES),
)
@example(
    practice="Poudre Valley Behavior Therapy",
    therapist="Bartholomew-Maximilian",
    site="https://" + "a" * 48 + ".org",
    telehealth=True,
    zone="America/Anchorage",
)
@example(
    practice="行为治疗诊所" * 20,
    therapist="🙂" * 120,
    site="http://a.org",
    telehealth=True,
    zone="Asia/Kolkata",
)
def test_every_reminder_fits_one_text_and_is_never_empty(
    practice, therapist, site, telehealth, zone
):
    assert_one_text(
        reminder(
            practice=practice, therapist=therapist, site=site, telehealth=telehealth, zone=zone
        )
    )


def test_names_are_reduced_to_gsm_7():
    text = reminder(
        practice="Poudre Valley",
        therapist="Łukasz",
        site="https://b.org",
        telehealth=False,
        zone="America/Denver",
    )
    assert "with Lukasz, in person" in text and is_gsm(text)


def test_an_emoji_is_dropped_not_sent_as_a_question_mark():
    text = reminder(
        practice="Poudre Valley",
        therapist="🌟Zoë",
        site="https://b.org",
        telehealth=False,
        zone="America/Denver",
    )
    assert "with Zoe, in person" in text and "?" not in text


def test_a_name_in_another_script_is_sent_in_ucs_2_within_its_limit():
    text = fit(["張偉: 10:00. https://b.org/m/x"], stop=STOP)
    assert text == "張偉: 10:00. https://b.org/m/x Reply STOP to end texts."


def test_a_long_site_address_gets_a_shorter_wording_not_nothing():
    site = "https://" + "a" * 48 + ".org"  # 60 characters
    text = reminder(
        practice="Poudre Valley Behavior Therapy",
        therapist="Daniel",
        site=site,
        telehealth=False,
        zone="America/Denver",
    )
    assert text.startswith("Poudre Vall...: Wednesday 25 September, 1:30 PM MDT. ")
    assert f"{site}/m/" in text
    assert_one_text(text)


def checkin_text(*, practice: str, therapist: str, site: str) -> str:
    """The check-in's text exactly as the outbox renders it, from the real templates."""
    context = {
        "practice": SimpleNamespace(name=practice),
        "therapist_first_name": therapist,
        "text_url": f"{site}/m/c/zzzz{'x' * 10}",
    }
    wordings = [
        render_to_string(f"emails/session_checkin{part}.sms.txt", context)
        for part in ("", ".short", ".shorter", ".shortest")
    ]
    return fit(wordings, stop=STOP)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(practice=st.text(min_size=1, max_size=PRACTICE_MAX), therapist=names, site=sites)
@example(practice="Poudre Valley Behavior Therapy", therapist="Dana", site="https://b.org")
def test_every_checkin_text_fits_one_text_and_is_never_empty(practice, therapist, site):
    assert_one_text(checkin_text(practice=practice, therapist=therapist, site=site))
