"""Good Faith Estimate deadlines (US No Surprises Act, 45 CFR 149.610(b)(1)(vi)): pure dates.

A self-pay client gets a Good Faith Estimate when they book. The law sets the latest day it may
be given, counted in business days from the day the service is scheduled. Business days are
Monday to Friday except US federal holidays, on the day they are observed.
"""

from datetime import date, timedelta
from functools import cache

MONDAY, THURSDAY = 0, 3


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` of the month (n = -1 for the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    """A holiday on a Saturday is observed the Friday before, on a Sunday the Monday after."""
    if day.weekday() == 5:
        return day - timedelta(days=1)
    if day.weekday() == 6:
        return day + timedelta(days=1)
    return day


def _legal_holidays(year: int) -> list[date]:
    """The federal holidays of 5 U.S.C. 6103(a) in `year`, on their legal dates."""
    days = [
        date(year, 1, 1),  # New Year's Day
        _nth_weekday(year, 1, MONDAY, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, MONDAY, 3),  # Washington's Birthday
        _nth_weekday(year, 5, MONDAY, -1),  # Memorial Day
        date(year, 7, 4),  # Independence Day
        _nth_weekday(year, 9, MONDAY, 1),  # Labor Day
        _nth_weekday(year, 10, MONDAY, 2),  # Columbus Day
        date(year, 11, 11),  # Veterans Day
        _nth_weekday(year, 11, THURSDAY, 4),  # Thanksgiving Day
        date(year, 12, 25),  # Christmas Day
    ]
    if year >= 2021:
        days.append(date(year, 6, 19))  # Juneteenth National Independence Day
    return days


@cache
def federal_holidays(year: int) -> frozenset[date]:
    """The days of `year` on which a US federal holiday is observed.

    New Year's Day on a Saturday is observed on December 31 of the year before, so the next
    year's holidays are looked at too. Days closed by a one-off executive order are not known here.
    """
    observed = {_observed(day) for y in (year, year + 1) for day in _legal_holidays(y)}
    return frozenset(day for day in observed if day.year == year)


def is_business_day(day: date) -> bool:
    """Monday to Friday, and not an observed federal holiday."""
    return day.weekday() < 5 and day not in federal_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """The business day `days` business days after `start`."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            days -= 1
    return day


def business_days_between(start: date, end: date) -> int:
    """How many business days fall after `start` and before `end`."""
    count, day = 0, start + timedelta(days=1)
    while day < end:
        count += is_business_day(day)
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
