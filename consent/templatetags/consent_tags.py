from django import template

from consent.status import statuses_for

register = template.Library()


@register.inclusion_tag("consent/_portal_card.html")
def consent_portal_card(user) -> dict:
    """The portal's consent section: what is left to sign, and any re-sign request first."""
    rows = statuses_for(user)
    return {
        "to_sign": [row for row in rows if row.missing],
        "resign": [row for row in rows if row.required and row.needs_resign],
        "signed_any": any(row.signed_number for row in rows),
        "has_documents": bool(rows),
    }
