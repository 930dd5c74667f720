"""How the practice writes dates and times for people: one style, everywhere.

“Tuesday 14 April” (day), “Tuesday 14 April 2026” (full_date), “9:30 AM” (clock),
“9:30 AM MDT” (clock_zone) and “Tuesday 14 April 2026, 9:30 AM MDT” (datetime_zone).
A visitor whose browser asks for a language that writes the time of day on a 24-hour clock
(German, French...) reads “17:30” instead of “5:30 PM” on the pages they open
(`ClockStyleMiddleware` sets `twenty_four_hour` for the request from Accept-Language).
The template filters in practice/templatetags/dates.py are thin wrappers around these.
Machine formats (ISO, .ics, CSV) do not belong here.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time, timedelta, tzinfo
from typing import overload
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation.trans_real import parse_accept_lang_header

# Whether the person reading writes 9:30 PM as 21:30. Pages set it per request; e-mails and
# texts, which have no browser to ask, keep the practice's 12-hour clock.
twenty_four_hour: ContextVar[bool] = ContextVar("twenty_four_hour", default=False)


def prefers_24_hour_clock(accept_language: str) -> bool:
    """Whether the browser's first language writes times on a 24-hour clock (Django's formats).

    "de-DE,de;q=0.9" -> True; "en-US,en;q=0.9" -> False; nothing or "*" -> False.
    """
    for language, _quality in parse_accept_lang_header(accept_language[:200]):
        if language != "*":
            return "P" not in str(get_format("TIME_FORMAT", lang=language, use_l10n=True))
    return False


@contextmanager
def clock_style(*, twenty_four: bool) -> Iterator[None]:
    """Write times on a 24-hour clock (or not) inside the block."""
    token = twenty_four_hour.set(twenty_four)
    try:
        yield
    finally:
        twenty_four_hour.reset(token)


Moment = date | datetime | time
Zone = tzinfo | str | None


@overload
def local(value: datetime, zone: Zone = None) -> datetime: ...
@overload
def local(value: date, zone: Zone = None) -> date: ...
@overload
def local(value: time, zone: Zone = None) -> time: ...
def local(value: Moment, zone: Zone = None) -> Moment:
    """An aware datetime on `zone`'s clock (the active zone if none); anything else as it is."""
    if not isinstance(value, datetime) or timezone.is_naive(value):
        return value
    if isinstance(zone, str):
        zone = ZoneInfo(zone)
    return value.astimezone(zone) if zone is not None else timezone.localtime(value)


def day(value: date | datetime, zone: Zone = None) -> str:
    """“Tuesday 14 April”."""
    return _day(local(value, zone))


def full_date(value: date | datetime, zone: Zone = None) -> str:
    """“Tuesday 14 April 2026”."""
    value = local(value, zone)
    return f"{_day(value)} {value.year}"


def clock(value: datetime | time, zone: Zone = None) -> str:
    """“9:30 AM”, or “1:30 AM MDT” on the night that time is read twice (clocks going back)."""
    value = local(value, zone)
    return _clock(value, named=is_repeated(value))


def clock_zone(value: datetime, zone: Zone = None) -> str:
    """“9:30 AM MDT”: the time of day with the zone's abbreviation at that moment."""
    return _clock(local(value, zone), named=True)


def datetime_zone(value: datetime, zone: Zone = None) -> str:
    """“Tuesday 14 April 2026, 9:30 AM MDT”."""
    value = local(value, zone)
    return f"{_day(value)} {value.year}, {_clock(value, named=True)}"


def _day(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B}"


def _clock(value: datetime | time, *, named: bool) -> str:
    if twenty_four_hour.get():
        text = f"{value.hour:02}:{value.minute:02}"
    else:
        hour = value.hour % 12 or 12
        text = f"{hour}:{value.minute:02} {'AM' if value.hour < 12 else 'PM'}"
    return f"{text} {value.tzname()}" if named else text


def is_repeated(value: Moment) -> bool:
    """Whether an aware local time reads the same as another one that night (clocks went back)."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return False
    return value.replace(fold=1 - value.fold).utcoffset() != value.utcoffset()


def zone_changes(first_day: date, days: int, zone: tzinfo) -> list[tuple[date, str]]:
    """The zone's abbreviation at the start of `first_day`, then each day it changes on.

    [(14 April, "MDT")] for a plain week; [(27 October, "MDT"), (1 November, "MST")] for the
    week the clocks go back on Sunday 1 November.
    """
    changes: list[tuple[date, str]] = []
    for n in range(days + 1):
        moment = datetime.combine(first_day + timedelta(days=n), time(0), tzinfo=zone)
        name = moment.tzname() or ""
        if not changes or changes[-1][1] != name:
            # The change happened during the day before this midnight.
            changes.append((first_day + timedelta(days=max(n - 1, 0)), name))
    return changes


def describe_duration(duration: timedelta) -> str:
    """24 hours, 60 days, 30 minutes: a duration as a person would say it."""
    seconds = int(duration.total_seconds())
    # People say "24 hours" and "36 hours" but "3 days", so days start at two.
    for unit, size, least in (("day", 86400, 2 * 86400), ("hour", 3600, 3600), ("minute", 60, 60)):
        if seconds >= least and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{max(seconds // 60, 0)} minutes"
