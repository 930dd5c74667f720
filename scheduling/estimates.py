"""Good Faith Estimate deadlines (US No Surprises Act, 45 CFR 149.610(b)(1)(vi)): pure dates.

A self-pay client gets a Good Faith Estimate when they book. The law sets the latest day it may
be given, counted in business days from the day the service is scheduled. Weekends are not
business days; federal holidays are not counted out here, which only makes a deadline earlier.
"""

from datetime import date, timedelta


def add_business_days(start: date, days: int) -> date:
    """The business day `days` business days after `start` (Monday to Friday)."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """How many business days fall after `start` and before `end`."""
    count, day = 0, start + timedelta(days=1)
    while day < end:
        count += day.weekday() < 5
        day += timedelta(days=1)
    return count


def estimate_due_by(*, scheduled_on: date, service_on: date) -> date:
    """The latest day the estimate may be given.

    Scheduled at least 10 business days ahead: within 3 business days of scheduling. At least 3
    business days ahead: within 1 business day. Closer than that the law sets no deadline; we
    give it the same day, before the session.
    """
    ahead = business_days_between(scheduled_on, service_on)
    if ahead >= 10:
        return add_business_days(scheduled_on, 3)
    if ahead >= 3:
        return add_business_days(scheduled_on, 1)
    return scheduled_on
