"""The practice's audit log: who opened or changed a client's records, when and from where.

One append-only table for every app (intake, consent, scheduling and the admin all write here
through `record_access`), so staff read one log and a client sees one list of who has opened
their records. A row holds plain facts only: the person, the kind of record and its id, the
action, the time, the address and the request id. Never an answer, a note or a score.

Append-only down to the database: the model refuses updates and deletes, and on PostgreSQL a
trigger (migration `practice.0010`) refuses them from SQL the model never sees.
"""

from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from practice.scoping import scoped

if TYPE_CHECKING:
    from practice.models import User


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an audit row."""


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def for_user(self, user: "User") -> Self:
        """Only staff read the whole log; a client reads the rows about them (`about`)."""
        return scoped(self, user)

    def about(self, client: "User") -> Self:
        """Every look at this client's records by someone other than the client."""
        return self.filter(client=client).exclude(actor=client)

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        VIEWED = "viewed", "Opened"
        CHANGED = "changed", "Changed"
        ADDED = "added", "Added"
        DELETED = "deleted", "Deleted"
        EXPORTED = "exported", "Downloaded"
        PURGED = "purged", "Removed after the retention period"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the practice's own scheduled work (the retention purge).",
    )
    # The role at the time: a client's list says "Therapist" even after that person left.
    actor_role = models.CharField(max_length=16, blank=True)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose records; empty for a look at no one client's records.",
    )
    # What was looked at, in words a client understands ("Intake", "Session"), and its id.
    record = models.CharField(max_length=60)
    record_id = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=16, choices=Action)
    # Plain facts only (a status, a therapist's name): never an answer or a note's text.
    detail = models.CharField(max_length=200, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["client", "-created_at"], name="audit_by_client"),
            models.Index(fields=["record", "record_id"], name="audit_by_record"),
            models.Index(fields=["-created_at"], name="audit_by_time"),
        ]

    def __str__(self) -> str:
        who = self.actor or "The practice"
        action = self.get_action_display().lower()
        return f"{who} {action} {self.record} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnly
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly


def request_id(request: HttpRequest) -> str:
    """The id `RequestIdMiddleware` gave this request ("" outside a request)."""
    return getattr(request, "request_id", "")


def record_access(
    request: HttpRequest,
    *,
    client: "User | None",
    record: str,
    record_id: object = "",
    action: str = AuditEntry.Action.VIEWED,
    detail: str = "",
) -> AuditEntry:
    """Write one audit row for this request's person looking at or changing `record`."""
    person = request.user
    if not person.is_authenticated:
        raise ValueError("Only a signed-in person's looks are audited.")
    return AuditEntry.objects.create(
        actor=person,
        actor_role=getattr(person, "role", ""),
        client=client,
        record=record,
        record_id=str(record_id) if record_id != "" else "",
        action=action,
        detail=detail[:200],
        address=request.META.get("REMOTE_ADDR") or None,
        request_id=request_id(request),
    )


def record_list(request: HttpRequest, *, record: str, shown: int) -> AuditEntry:
    """Write one row for a list page: no one client, only how many rows it showed.

    A row per client listed would bury, in each client's own list, the looks that matter
    (opening their intake, a session page) under every calendar and list someone scrolled.
    """
    return record_access(request, client=None, record=f"{record} list", detail=f"{shown} shown")
