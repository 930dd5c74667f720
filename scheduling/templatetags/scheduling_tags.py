from datetime import timedelta

from django import template

from scheduling import wording

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """{{ rules.minimum_notice|duration }} -> “24 hours”."""
    return wording.describe(value) if value is not None else ""
