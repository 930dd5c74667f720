"""A client's data in their hands: everything we hold about them, and closing their account.

`practice` imports no domain app, so each app hands its part over in `AppConfig.ready()`, as
it does its message builders:

- `register_export(key, title, rows)`: a section of the client's download; `rows(client)`
  returns plain rows (dicts of str to str, number, bool, date, datetime or None).
- `register_closure(cancel)`: what an app does the moment a client closes their account
  (scheduling cancels the sessions ahead); returns how many records it changed.
- `register_purge(key, purge)`: removes the client's records of that app once the retention
  period after closing has passed; returns how many rows went.

Closing is at once: the account is switched off (no sign-in), every session of it is ended,
the sessions ahead are cancelled and nothing more is sent to the client. The records stay for
`RECORD_RETENTION_YEARS` (the law has a practice keep clinical records for years after the
last contact), then `purge_closed_accounts` removes them and writes an audit row for the
practice. The audit rows themselves stay: they are the record of who saw what.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from practice import dates
from practice.audit import AuditEntry
from practice.models import InboundText, OutboundMessage, User
from practice.scoping import scoped

type Row = dict[str, Any]


@dataclass(frozen=True)
class ExportSection:
    key: str
    title: str
    rows: Callable[[User], list[Row]]


_exports: dict[str, ExportSection] = {}
_closures: list[Callable[[User], int]] = []
_purges: dict[str, Callable[[User], int]] = {}


def register_export(key: str, title: str, rows: Callable[[User], list[Row]]) -> None:
    _exports[key] = ExportSection(key, title, rows)


def register_closure(on_close: Callable[[User], int]) -> None:
    if on_close not in _closures:
        _closures.append(on_close)


def register_purge(key: str, purge: Callable[[User], int]) -> None:
    _purges[key] = purge


# The export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilledSection:
    key: str
    title: str
    rows: list[Row]


def export_for(client: User) -> list[FilledSection]:
    """Every registered section filled with this client's rows, in registration order."""
    return [FilledSection(s.key, s.title, s.rows(client)) for s in _exports.values()]


def _plain(value: object) -> object:
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def readable(sections: list[FilledSection], zone: ZoneInfo) -> list[tuple[str, list[list]]]:
    """The sections for the HTML copy: labels in words, times on the client's clock."""

    def text(value: object) -> str:
        if isinstance(value, datetime.datetime):
            return dates.datetime_zone(value, zone)
        if isinstance(value, datetime.date):
            return dates.full_date(value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return "" if value is None else str(value)

    return [
        (
            section.title,
            [
                [(key.replace("_", " ").capitalize(), text(value)) for key, value in row.items()]
                for row in section.rows
            ],
        )
        for section in sections
    ]


def export_json(client: User, sections: list[FilledSection]) -> str:
    data = {
        "practice_record_of": client.email,
        "made_at": timezone.now().isoformat(),
        **{s.key: [{k: _plain(v) for k, v in row.items()} for row in s.rows] for s in sections},
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def profile(client: User) -> list[Row]:
    return [
        {
            "email": client.email,
            "first_name": client.first_name,
            "last_name": client.last_name,
            "preferred_name": client.preferred_name,
            "pronouns": client.pronouns,
            "date_of_birth": client.date_of_birth,
            "mobile_phone": client.mobile_phone,
            "language": client.language,
            "time_zone": client.time_zone,
            "joined": client.date_joined,
        }
    ]


def messages_sent(client: User) -> list[Row]:
    """Each e-mail and text the practice sent (or tried to send) them."""
    found = OutboundMessage.objects.filter(recipient=client).exclude(
        status__in=[OutboundMessage.Status.SCHEDULED, OutboundMessage.Status.CANCELLED]
    )
    return [
        {
            "message": message.label,
            "channel": message.get_channel_display(),
            "to": message.to,
            "sent_at": message.sent_at,
            "status": message.get_status_display(),
        }
        for message in found.order_by("due_at", "pk")
    ]


def texts_received(client: User) -> list[Row]:
    """The texts they sent to the practice's number."""
    found = InboundText.objects.filter(sender=client).order_by("received_at", "pk")
    return [{"received_at": text.received_at, "text": text.body} for text in found]


def access_list(client: User) -> list[Row]:
    """Who at the practice opened or changed their records (as on their portal page)."""
    found = AuditEntry.objects.about(client).select_related("actor").order_by("created_at", "pk")
    return [
        {
            "when": entry.created_at,
            "role": entry.actor_role.capitalize() if entry.actor else "The practice",
            "who": entry.actor.get_full_name() or entry.actor.display_name if entry.actor else "",
            "what": f"{entry.get_action_display()}: {entry.record}",
        }
        for entry in found
    ]


# Closing an account ---------------------------------------------------------------------------


def retention_years() -> int:
    return settings.RECORD_RETENTION_YEARS


def years_after(moment: datetime.datetime, years: int) -> datetime.datetime:
    """The same day and time `years` later (28 February where 29 February does not exist)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


class AccountClosureQuerySet(models.QuerySet["AccountClosure"]):
    def for_user(self, user: User) -> "AccountClosureQuerySet":
        """Staff see every request; a client their own."""
        return scoped(self, user, client="client")

    def waiting(self) -> "AccountClosureQuerySet":
        """Closed accounts whose records are still kept."""
        return self.filter(purged_at__isnull=True)

    def due(self, now: datetime.datetime) -> "AccountClosureQuerySet":
        return self.waiting().filter(purge_after__lte=now)


class AccountClosure(models.Model):
    """A client's request to close their account, and when their records go."""

    client = models.OneToOneField(User, on_delete=models.PROTECT, related_name="closure")
    requested_at = models.DateTimeField(default=timezone.now)
    purge_after = models.DateTimeField(help_text="The end of the retention period.")
    purged_at = models.DateTimeField(null=True, blank=True)
    cancelled_sessions = models.PositiveIntegerField(default=0)

    objects = AccountClosureQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Account closure #{self.pk}"


def close_account(*, client: User) -> AccountClosure:
    """Close the client's account now; asking twice changes nothing."""
    if not client.is_client:
        raise ValueError("Only a client closes their account here.")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=client.pk)
        closure, created = AccountClosure.objects.get_or_create(
            client=locked,
            defaults={"purge_after": years_after(timezone.now(), retention_years())},
        )
        User.objects.filter(pk=client.pk).update(is_active=False)
        if created:
            closure.cancelled_sessions = sum(on_close(locked) for on_close in _closures)
            closure.save(update_fields=["cancelled_sessions"])
            # Nothing more goes to them, the notices of those cancellations included: each
            # would invite them back to a portal they can no longer open.
            OutboundMessage.objects.filter(
                recipient=locked, status=OutboundMessage.Status.SCHEDULED
            ).update(
                status=OutboundMessage.Status.CANCELLED,
                status_reason="the client closed their account",
            )
    for session in UserSession.objects.filter(user=client):
        session.end()
    client.is_active = False
    return closure


# The retention purge --------------------------------------------------------------------------

CLOSED_EMAIL_DOMAIN = "closed.invalid"


def purge_account(closure: AccountClosure, *, now: datetime.datetime) -> bool:
    """Remove a closed account's records at the end of the retention period.

    What stays: the audit rows (the record of who saw what, append-only) and therefore the
    user row they point to, with nothing left in it that names or reaches the person.
    """
    with transaction.atomic():
        locked = AccountClosure.objects.select_for_update().get(pk=closure.pk)
        if locked.purged_at is not None:
            return False  # another run (a second beat) purged it first
        client = locked.client
        removed = {key: purge(client) for key, purge in _purges.items()}
        OutboundMessage.objects.filter(recipient=client).delete()
        InboundText.objects.filter(sender=client).delete()
        Authenticator.objects.filter(user=client).delete()
        UserSession.objects.filter(user=client).delete()
        EmailAddress.objects.filter(user=client).delete()
        User.objects.filter(pk=client.pk).update(
            email=f"closed-{client.pk}@{CLOSED_EMAIL_DOMAIN}",
            first_name="",
            last_name="",
            preferred_name="",
            pronouns="",
            mobile_phone="",
            language="",
            date_of_birth=None,
            password="!",  # noqa: S106  (an unusable password)
        )
        AccountClosure.objects.filter(pk=locked.pk).update(purged_at=now)
        counts = ", ".join(f"{key} {count}" for key, count in removed.items())
        AuditEntry.objects.create(
            actor=None,
            client=client,
            record="Account",
            record_id=str(client.pk),
            action=AuditEntry.Action.PURGED,
            detail=f"Retention period over: {counts}"[:200],
            created_at=now,
        )
    return True


def purge_closed_accounts(*, now: datetime.datetime | None = None) -> int:
    """Purge every closed account whose retention period is over; returns how many."""
    now = now or timezone.now()
    due = AccountClosure.objects.due(now).select_related("client")
    return sum(purge_account(closure, now=now) for closure in due)
