"""Who may see whose records: one rule, one queryset method, one getter.

Every model that holds a person's data has a queryset method `for_user(user)` meaning "what
this person may see": a client their own records, a therapist their own clients' or their own
records, staff everything the practice holds. Each is one call to `scoped()`, which names the
path from the row to its client and to its therapist; a model with no such path is not shown
to that role at all. Views load someone's records only through `get_for_user()`, which 404s
strangers (never a 403, so a response does not reveal that a record exists). Rows that belong
to such a record (an intake's answers, scores and notes) are read only through it.

Two ways in are not a logged-in person and are documented exceptions beside their models:
the anonymous visitor's hold (`Appointment.objects.held_by(hold_key)`) and the signed e-mail
link (`Appointment.objects.for_link(token)`, and a waitlist offer's,
`WaitlistOffer.objects.for_link(token)`); the therapist's calendar feed token likewise
(`CalendarFeed.objects.for_token(token)`).
"""

from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from django.shortcuts import get_object_or_404

if TYPE_CHECKING:
    from practice.models import User


def scoped[QS: models.QuerySet[Any]](
    queryset: QS, user: "User", *, client: str = "", therapist: str = ""
) -> QS:
    """The rows of `queryset` this person may see, given the lookups to the row's people.

    `client` and `therapist` are lookups that reach the row's client and its therapist's user
    ("client", "therapist__user"); a role whose lookup is empty sees none of these rows.
    """
    if user.is_practice_staff:
        return queryset.all()
    if user.is_therapist and therapist:
        return queryset.filter(**{therapist: user})
    if user.is_client and client:
        return queryset.filter(**{client: user})
    return queryset.none()


class Scoped[M: models.Model](Protocol):
    """A queryset or manager with `for_user`."""

    def for_user(self, user: "User") -> models.QuerySet[M]: ...


def get_for_user[M: models.Model](records: Scoped[M], user: "User", **lookup: Any) -> M:
    """The one record this person may see that matches `lookup`; anyone else's is a 404."""
    return get_object_or_404(records.for_user(user), **lookup)
