"""What other apps may ask of consent, and where each client stands with each document.

A signature counts while no version published after it asks clients to sign again: a
client who signed version 1 is still covered by version 2 unless version 2 (or a later one)
was published with "clients must sign again" ticked. A new client always signs the current
version.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Max, Q, QuerySet

from consent.models import ConsentDocument, ContactPreference, Decline, DocumentVersion, Signature
from practice import channels
from practice.models import OutboundMessage

RequiredFor = ConsentDocument.RequiredFor
# Before a client has made any choice, e-mail (the address they signed up with, and messages
# that never carry clinical detail) is allowed, so the "please sign" e-mail can reach them.
# Texts need an explicit yes.
CHANNELS_BEFORE_ANY_CHOICE = frozenset({"email"})

# A query of the client ids ("client_id") with a telehealth session booked or held that has
# not ended: a query rather than a set, so the staff overview can filter in SQL.
TelehealthLookup = Callable[[], QuerySet[Any, dict[str, Any]]]
_telehealth_lookup: TelehealthLookup | None = None


@dataclass(frozen=True)
class PublishedDocument:
    document: ConsentDocument
    current: DocumentVersion
    # The lowest version number whose signature still counts.
    oldest_valid_number: int


@dataclass(frozen=True)
class DocumentStatus:
    """Where one client stands with one document."""

    document: ConsentDocument
    current: DocumentVersion
    required: bool
    signed_number: int | None
    declined_at: datetime | None
    oldest_valid_number: int

    @property
    def signed(self) -> bool:
        return self.signed_number is not None and self.signed_number >= self.oldest_valid_number

    @property
    def needs_resign(self) -> bool:
        """They signed an earlier version that no longer counts."""
        return self.signed_number is not None and not self.signed

    @property
    def missing(self) -> bool:
        return self.required and not self.signed


def published_documents() -> list[PublishedDocument]:
    """Every document with a published version, in the order clients see them (one query)."""
    versions = (
        DocumentVersion.objects.published()
        .select_related("document")
        .defer("body")
        .order_by("document__position", "document__title", "document_id", "-number")
    )
    by_document: dict[int, list[DocumentVersion]] = {}
    for version in versions:
        by_document.setdefault(version.document_id, []).append(version)
    found = []
    for newest_first in by_document.values():
        # Published versions are always numbered; only a draft has no number.
        resign_numbers = [v.number for v in newest_first if v.requires_resign and v.number]
        oldest = newest_first[-1].number
        assert oldest is not None
        found.append(
            PublishedDocument(
                document=newest_first[0].document,
                current=newest_first[0],
                oldest_valid_number=max(resign_numbers, default=oldest),
            )
        )
    return found


def statuses(client_ids: Iterable[int]) -> dict[int, list[DocumentStatus]]:
    """Each client's status with every published document (four queries for any number)."""
    client_ids = set(client_ids)
    documents = published_documents()
    telehealth = owe_telehealth_consent(client_ids)
    signed = {
        (row["client_id"], row["version__document_id"]): row["number"]
        for row in Signature.objects.filter(client_id__in=client_ids)
        .values("client_id", "version__document_id")
        .annotate(number=Max("version__number"))
        .order_by()
    }
    declined = {
        (row["client_id"], row["version_id"]): row["declined_at"]
        for row in Decline.objects.filter(
            client_id__in=client_ids, version__in=[entry.current.pk for entry in documents]
        ).values("client_id", "version_id", "declined_at")
    }
    return {
        client_id: [
            DocumentStatus(
                document=entry.document,
                current=entry.current,
                required=_required(entry.document, client_id in telehealth),
                signed_number=signed.get((client_id, entry.document.pk)),
                declined_at=declined.get((client_id, entry.current.pk)),
                oldest_valid_number=entry.oldest_valid_number,
            )
            for entry in documents
        ]
        for client_id in client_ids
    }


def _required(document: ConsentDocument, has_telehealth: bool) -> bool:
    if document.required_for == RequiredFor.ALL:
        return True
    return document.required_for == RequiredFor.TELEHEALTH and has_telehealth


def look_up_telehealth_with(lookup: TelehealthLookup) -> None:
    """Take the function that tells which clients have a telehealth session ahead.

    Consent sits below scheduling and may not import it, yet the telehealth consent depends
    on a client's bookings: scheduling, which knows them, hands this over when the app
    registry is ready (scheduling/apps.py).
    """
    global _telehealth_lookup
    _telehealth_lookup = lookup


def owe_telehealth_consent(client_ids: Iterable[int]) -> set[int]:
    """The clients among these of whom the telehealth consent is required (one query).

    The one answer to "does this client owe the telehealth consent?": a client does while
    they have a telehealth session booked or held that has not ended, whatever page asks.
    The portal, the therapist's badges, the intake nudge and the intake review all use it.
    """
    wanted = set(client_ids)
    if not wanted:
        return set()
    ahead = _telehealth_clients().filter(client_id__in=wanted)
    return set(ahead.values_list("client_id", flat=True))


def _telehealth_clients() -> QuerySet[Any, dict[str, Any]]:
    if _telehealth_lookup is None:
        raise ImproperlyConfigured("nothing tells consent which clients have telehealth ahead")
    return _telehealth_lookup()


def statuses_for(client) -> list[DocumentStatus]:
    """One client's status with every published document."""
    return statuses([client.pk])[client.pk]


def clients_missing_consent(client_ids: Iterable[int]) -> set[int]:
    """The clients among these who still have a required document to sign.

    A fixed number of queries (four) for any number of clients; the telehealth consent
    counts for those who owe it (owe_telehealth_consent).
    """
    found = statuses(client_ids)
    return {client_id for client_id, rows in found.items() if any(row.missing for row in rows)}


def missing_consent[Q_: QuerySet[Any]](clients: Q_) -> Q_:
    """The clients of this query who still have a required document to sign, filtered in SQL.

    The same rule as `statuses` (a signature counts from the oldest valid version on; the
    telehealth consent counts for those who owe it), so a staff list can page and count
    through any number of clients without loading them. Each part is a subquery that does
    not depend on the client row, which PostgreSQL works out once and hashes, rather than a
    lookup per client.
    """
    documents = published_documents()
    counted = _versions_that_count(documents)
    of_everyone = [e.document.pk for e in documents if e.document.required_for == RequiredFor.ALL]
    missing = Q(pk__in=[])
    if of_everyone:
        signed_everything = (
            Signature.objects.filter(
                version_id__in=[v for document in of_everyone for v in counted[document]]
            )
            .values("client_id")
            .annotate(documents=Count("version__document_id", distinct=True))
            .filter(documents=len(of_everyone))
            .values("client_id")
        )
        missing |= ~Q(pk__in=signed_everything)
    for entry in documents:
        if entry.document.required_for == RequiredFor.TELEHEALTH:
            signed = Signature.objects.filter(version_id__in=counted[entry.document.pk])
            missing |= Q(pk__in=_telehealth_clients()) & ~Q(pk__in=signed.values("client_id"))
    return clients.filter(missing)


def _versions_that_count(documents: list[PublishedDocument]) -> dict[int, list[int]]:
    """Per document, the published versions whose signature still counts (one query)."""
    oldest = {entry.document.pk: entry.oldest_valid_number for entry in documents}
    counted: dict[int, list[int]] = {document: [] for document in oldest}
    for pk, document, number in DocumentVersion.objects.published().values_list(
        "pk", "document_id", "number"
    ):
        if document in oldest and number is not None and number >= oldest[document]:
            counted[document].append(pk)
    return counted


def require_consent_to(message: OutboundMessage, client) -> None:
    """Skip a message the client's Consent to Contact does not allow at the moment it is sent:
    withdrawing consent stops the very next message."""
    if message.channel not in allowed_channels(client):
        raise channels.DeliverySkipped(
            f"the client's consent does not allow {message.get_channel_display().lower()}s"
        )


def may_book(client) -> bool:
    """False while the client has a re-sign request outstanding (new bookings wait for it)."""
    return not any(row.required and row.needs_resign for row in statuses_for(client))


def allowed_channels(client) -> set[str]:
    """The channels ("email", "sms") that the client's Consent to Contact allows right now.

    The newest choice is in force from the moment it is made, so a withdrawal stops the next
    send. Choices stay in force when a newer Consent to Contact is published; switching a
    channel on again needs the current version signed.
    """
    choice = ContactPreference.objects.in_force_for(client)
    return set(CHANNELS_BEFORE_ANY_CHOICE) if choice is None else choice.channels


def chosen_channels(client) -> set[str] | None:
    """The channels the client's own choice in force allows, or None before they made one."""
    choice = ContactPreference.objects.in_force_for(client)
    return None if choice is None else choice.channels


def record_intake_contact_answers(client, *, email: bool, sms: bool) -> None:
    """The one thing other apps may write here: the intake's "may we e-mail / text you?".

    The answers become the client's Consent to Contact choice, so one answer rules: whatever
    the client said last, here, in the portal, on the signed document or by a text reply.
    """
    ContactPreference.objects.create(
        client=client, email=email, sms=sms, source=ContactPreference.Source.INTAKE
    )
