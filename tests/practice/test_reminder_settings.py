from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from practice.models import PracticeSettings

pytestmark = pytest.mark.django_db


def test_reminders_default_to_two_days_by_email_one_day_by_text_between_eight_and_nine():
    practice = PracticeSettings.load()
    assert practice.email_reminder_offset == timedelta(hours=48)
    assert practice.sms_reminder_offset == timedelta(hours=24)
    assert (practice.sending_hours_start, practice.sending_hours_end) == (time(8), time(21))


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("sending_hours_end", time(8, 30), "Sending hours must end at least an hour after"),
        ("email_reminder_offset", timedelta(days=30), "Choose between 1 hour and 14 days"),
        ("sms_reminder_offset", timedelta(minutes=10), "Choose between 1 hour and 14 days"),
    ],
)
def test_staff_are_told_plainly_when_reminder_settings_make_no_sense(field, value, error):
    practice = PracticeSettings.load()
    setattr(practice, field, value)
    with pytest.raises(ValidationError, match=error):
        practice.full_clean()


def test_the_database_refuses_sending_hours_that_end_before_they_start():
    practice = PracticeSettings.load()
    practice.sending_hours_end = time(7)
    with pytest.raises(IntegrityError, match="practice_settings_sending_hours_in_order"):
        practice.save()
