"""How scheduling talks about time to people."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from practice import dates
from practice.dates import describe_duration as describe
from practice.forms import zone_options

__all__ = ["describe", "week_zone_label", "zone_label", "zone_options"]


def zone_label(zone: ZoneInfo, *, at: datetime | None = None) -> str:
    """“New York time (EST)”: the zone's city and, when given a moment, its abbreviation then."""
    city = _city(zone)
    if at is None:
        return f"{city} time"
    return f"{city} time ({at.astimezone(zone).tzname()})"


def week_zone_label(zone: ZoneInfo, first_day: date, *, days: int = 7) -> str:
    """“Denver time (MST)” for the week from `first_day`, or, in the week the clocks change,
    “Denver time (MDT until Sunday 1 November, then MST)”."""
    city = _city(zone)
    (_, names), *later = dates.zone_changes(first_day, days, zone)
    for changed, name in later:
        names += f" until {dates.day(changed)}, then {name}"
    return f"{city} time ({names})"


def _city(zone: ZoneInfo) -> str:
    return str(zone.key).split("/")[-1].replace("_", " ")
