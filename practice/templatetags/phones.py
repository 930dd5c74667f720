"""{% load phones %}: `<a href="{{ practice.phone|tel_uri }}">` dials the number as written.

A `tel:` address may not hold spaces or brackets (RFC 3966), and some phones refuse one that
does, so the link carries the number as the practice stores it for texts (+19705550142).
"""

from django import template

from practice.phones import InvalidPhone, normalise_phone

register = template.Library()


@register.filter
def tel_uri(number: str) -> str:
    """ "(970) 555-0142" as "tel:+19705550142"; a short number such as 988 keeps its digits."""
    try:
        return f"tel:{normalise_phone(number)}"
    except InvalidPhone:
        return "tel:" + "".join(character for character in number if character.isdigit())
