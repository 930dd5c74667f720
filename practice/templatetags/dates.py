"""{% load dates %}: the practice's one way of writing dates and times (see practice/dates.py).

Each filter takes an optional zone (a name such as "America/Denver", or a ZoneInfo); without
one, an aware datetime is shown on the active zone's clock, as Django's own filters do.
"""

from collections.abc import Callable
from datetime import date, datetime, time

from django import template

from practice import dates

register = template.Library()

Value = date | datetime | time


def _blank_or(function: Callable[..., str]) -> Callable[[Value | None, dates.Zone], str]:
    """The filter: an empty string for a missing value instead of an error."""

    def wrapper(value: Value | None, zone: dates.Zone = None) -> str:
        if value in (None, ""):
            return ""
        return function(value, zone or None)

    wrapper.__name__ = function.__name__
    wrapper.__doc__ = function.__doc__
    return wrapper


register.filter("day", _blank_or(dates.day))
register.filter("full_date", _blank_or(dates.full_date))
register.filter("clock", _blank_or(dates.clock))
register.filter("clock_zone", _blank_or(dates.clock_zone))
register.filter("datetime_zone", _blank_or(dates.datetime_zone))
