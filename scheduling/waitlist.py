"""The waitlist: offering each time that opens to one person waiting, first joined first.

A time opens when a session is cancelled or moved, when hours are added or time off removed
(services.times_may_have_opened, after the commit), or when a hold runs out (beat's sweep).
`offer_open_times` then offers each open time to the first person on the list whom it suits,
one person at a time, for WAITLIST_OFFER_HOURS. An offer does not hold the time: it is an
e-mail with a signed link, and whoever books first (from an offer or from the booking page)
gets it, through services.book_appointment and its constraint. Just before the e-mail goes,
its builder below checks again that the time is open; a time that is gone is never told
about: the e-mail is skipped with its reason and the time passes to the next person. So does
an offer that runs out (`end_lapsed_offers`) or that the person declines.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from consent import status as consent_status
from practice import channels, outbox
from practice.models import OutboundMessage, PracticeSettings, Therapist, User
from scheduling import matching, services
from scheduling.availability import bookable_session_types, slot_rules_for
from scheduling.links import waitlist_offer_url
from scheduling.models import Appointment, BookingError, SessionType
from scheduling.slots import is_open_slot, open_slots
from scheduling.waitlist_models import WaitlistEntry, WaitlistOffer

# The first key of pg_advisory_xact_lock(int, int) while offering one therapist's times.
WAITLIST_LOCK = 0x3A17
OPEN = WaitlistOffer.Status.OPEN
GONE_MESSAGE = (
    "Sorry, that time was just taken. You are still on the waitlist, and we will e-mail you "
    "when another time opens."
)
ENDED_MESSAGE = "This offer has ended. You are still on the waitlist for other times."


class OfferEnded(BookingError):
    """The offer was taken, declined or ran out: it can no longer be booked from."""


# Which times suit whom ----------------------------------------------------------------------


def part_of_day(starts_at: datetime, zone: ZoneInfo) -> str:
    """The part of the day the time starts in, on the client's clock."""
    return matching.part_of_day(starts_at.astimezone(zone).time())


def suits(entry: WaitlistEntry, starts_at: datetime, zone: ZoneInfo) -> bool:
    """The time falls on a weekday and in a part of the day the person asked for, on their clock."""
    weekdays = entry.weekday_numbers
    if weekdays and starts_at.astimezone(zone).weekday() not in weekdays:
        return False
    return part_of_day(starts_at, zone) in entry.parts_of_day


# Joining and leaving ------------------------------------------------------------------------


def join_waitlist(
    *,
    client: User,
    therapist: Therapist | None,
    session_type: SessionType,
    parts_of_day: list[str],
    weekdays: list[int],
) -> WaitlistEntry:
    """Put the client on the list (or change the times of the place they already have).

    A time that suits them may be open already: they chose to wait rather than book it, so
    only earlier times are offered to them (`wants_before`, the first that suits now).
    """
    if not client.is_client:
        raise services.BookingNotAllowed("Only clients can join the waitlist.")
    values: dict[str, object] = {f"{part}s": part in parts_of_day for part in matching.PARTS_OF_DAY}
    values["weekdays"] = "".join(str(day) for day in sorted(set(weekdays)))
    wanted = WaitlistEntry(client=client, therapist=therapist, session_type=session_type, **values)
    values["wants_before"] = first_suitable_time(wanted, now=timezone.now())
    mine = WaitlistEntry.objects.waiting().filter(
        client=client, therapist=therapist, session_type=session_type
    )
    try:
        with transaction.atomic():
            if not mine.update(**values):
                return WaitlistEntry.objects.create(
                    client=client, therapist=therapist, session_type=session_type, **values
                )
    except IntegrityError as error:  # the same form sent twice at once: one place in line
        if "waitlist_entry_once_while_waiting" not in str(error):
            raise
    return mine.get()


def leave_waitlist(entry: WaitlistEntry) -> None:
    """Take the entry off the list; an offer it has open passes to the next person."""
    now = timezone.now()
    with transaction.atomic():
        WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING).update(
            status=WaitlistEntry.Status.LEFT, ended_at=now
        )
        for offer in WaitlistOffer.objects.open().filter(entry=entry):
            _end_offer(offer, WaitlistOffer.Status.DECLINED, reason="left the waitlist")


def first_suitable_time(entry: WaitlistEntry, *, now: datetime) -> datetime | None:
    """The earliest time open now that suits the entry, with its therapist or anyone."""
    therapists = (
        [entry.therapist]
        if entry.therapist is not None
        else Therapist.objects.listed().filter(session_types=entry.session_type)
    )
    firsts = []
    for therapist in therapists:
        if _may_book(therapist, entry):
            open_times, _notice = _open_times(therapist, entry.session_type, now)
            firsts += [s for s in open_times if suits(entry, s, entry.client.zone)][:1]
    return min(firsts, default=None)


def _open_times(
    therapist: Therapist, session_type: SessionType, now: datetime
) -> tuple[list[datetime], timedelta]:
    """The times a client may book now, and the therapist's minimum notice."""
    rules = slot_rules_for(therapist, session_type, now=now)
    policy = rules["policy"]
    return open_slots(**rules, start=now, end=now + policy.horizon), policy.minimum_notice


# Offering open times ------------------------------------------------------------------------


def offer_open_times(*, therapist: Therapist, now: datetime) -> list[WaitlistOffer]:
    """Offer this therapist's open times to the people waiting whom they suit, in the order
    they joined: each person one time at a time, each time one person at a time (the two
    constraints on WaitlistOffer), never a time the person was offered before, and only times
    earlier than one that suited them when they joined."""
    with transaction.atomic():
        _lock(therapist.pk)
        waiting = list(
            WaitlistEntry.objects.waiting()
            .filter(Q(therapist=therapist) | Q(therapist__isnull=True))
            .filter(session_type__therapists=therapist)
            .exclude(offers__status=OPEN)
            .select_related("client", "session_type")
            .order_by("joined_at", "pk")
        )
        if not waiting:
            return []
        taken = set(
            WaitlistOffer.objects.open()
            .filter(therapist=therapist)
            .values_list("starts_at", flat=True)
        )
        offered_before: dict[int, set[datetime]] = defaultdict(set)
        for entry_id, starts_at in WaitlistOffer.objects.filter(
            therapist=therapist, entry__in=waiting
        ).values_list("entry_id", "starts_at"):
            offered_before[entry_id].add(starts_at)
        slots: dict[int, tuple[list[datetime], timedelta]] = {}
        made = []
        for entry in waiting:
            if not (_may_book(therapist, entry) and _reachable(entry)):
                continue
            if entry.session_type_id not in slots:
                slots[entry.session_type_id] = _open_times(therapist, entry.session_type, now)
            open_times, notice = slots[entry.session_type_id]
            for starts_at in open_times:
                if entry.wants_before is not None and starts_at >= entry.wants_before:
                    break
                if starts_at in taken or starts_at in offered_before[entry.pk]:
                    continue
                if not suits(entry, starts_at, entry.client.zone):
                    continue
                offer = _make_offer(entry, therapist, starts_at, now=now, notice=notice)
                if offer is not None:
                    taken.add(starts_at)
                    made.append(offer)
                    break
        return made


def _may_book(therapist: Therapist, entry: WaitlistEntry) -> bool:
    # The same rule the booking services apply: a new client only the kinds open to new clients.
    return bookable_session_types(therapist, entry.client).filter(pk=entry.session_type_id).exists()


def _reachable(entry: WaitlistEntry) -> bool:
    # Offers go by e-mail only: a person whose contact choices turn it off is passed over.
    return OutboundMessage.Channel.EMAIL in consent_status.allowed_channels(entry.client)


def _make_offer(
    entry: WaitlistEntry, therapist: Therapist, starts_at: datetime, *, now: datetime, notice
) -> WaitlistOffer | None:
    """Write the offer and its e-mail; None if the time is too close to offer or someone else's
    matching (another therapist's, for a person waiting for anyone) got there first."""
    client = entry.client
    night = PracticeSettings.load().quiet_hours_around(now, client.zone)
    sends_at = now if night is None else night[1]
    # The offer lasts from when the e-mail may go, and never past the last moment to book.
    expires_at = min(sends_at + timedelta(hours=settings.WAITLIST_OFFER_HOURS), starts_at - notice)
    if expires_at <= sends_at:
        return None
    try:
        with transaction.atomic():
            offer = WaitlistOffer.objects.create(
                entry=entry,
                therapist=therapist,
                session_type=entry.session_type,
                starts_at=starts_at,
                offered_at=sends_at,
                expires_at=expires_at,
            )
            outbox.schedule_message(
                key=f"waitlist-offer:{offer.pk}:email",
                template="waitlist_offer",
                to=client.email,
                recipient=client,
                about=offer,
                due_at=sends_at,
            )
    except IntegrityError as error:
        if "waitlist_offer_one_" not in str(error):
            raise
        return None
    return offer


def _lock(therapist_id: int) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite (the demo) runs one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [WAITLIST_LOCK, therapist_id])


def end_lapsed_offers(*, now: datetime) -> set[int]:
    """Mark offers whose time ran out as expired; the therapists whose times pass on."""
    with transaction.atomic():
        lapsed = list(
            WaitlistOffer.objects.open()
            .filter(expires_at__lte=now)
            .select_for_update(skip_locked=True)
            .values_list("pk", "therapist_id")
        )
        WaitlistOffer.objects.filter(pk__in=[pk for pk, _ in lapsed], status=OPEN).update(
            status=WaitlistOffer.Status.EXPIRED, ended_at=now, end_reason="the offer ran out"
        )
    return {therapist_id for _, therapist_id in lapsed}


def sweep_waitlist(*, now: datetime) -> int:
    """Beat's run: end lapsed offers, then offer every therapist's open times (a time freed by
    a hold that ran out, or one whose trigger the broker lost, is found here). Offers made."""
    end_lapsed_offers(now=now)
    waiting = WaitlistEntry.objects.waiting()
    therapists = Therapist.objects.listed()
    if not waiting.filter(therapist__isnull=True).exists():
        therapists = therapists.filter(pk__in=waiting.values("therapist_id"))
    return sum(len(offer_open_times(therapist=t, now=now)) for t in therapists)


# Taking or passing on an offer --------------------------------------------------------------


def take_offer(*, offer: WaitlistOffer, client: User, client_location: str = "") -> Appointment:
    """Book the offered time for the client, through the booking services and their rules.

    The offer is consumed by a conditional UPDATE, so a double submit books once; a time
    someone else booked first raises SlotUnavailable, the offer ends and the person stays on
    the list. A video session needs where the client will be, asked before the offer is used.
    """
    if offer.entry.client_id != client.pk:
        raise services.BookingNotAllowed("This offer was made to someone else.")
    client_location = services.video_location(
        offer.therapist, offer.session_type, client_location, by_client=True
    )
    now = timezone.now()
    with transaction.atomic():
        still_open = WaitlistOffer.objects.filter(pk=offer.pk, status=OPEN, expires_at__gt=now)
        consumed = still_open.update(
            status=WaitlistOffer.Status.TAKEN, ended_at=now, end_reason="booked"
        )
        if not consumed:
            raise OfferEnded(ENDED_MESSAGE)
        try:
            appointment = services.book_appointment(
                client=client,
                therapist=offer.therapist,
                session_type=offer.session_type,
                starts_at=offer.starts_at,
                by=client,
                client_location=client_location,
            )
        except BookingError as refused:
            taken = isinstance(refused, services.SlotUnavailable)
            status = WaitlistOffer.Status.GONE if taken else WaitlistOffer.Status.REFUSED
            WaitlistOffer.objects.filter(pk=offer.pk).update(status=status, end_reason=str(refused))
            services.times_may_have_opened(offer.therapist_id)  # still open? the next person
            refusal = refused
        else:
            WaitlistOffer.objects.filter(pk=offer.pk).update(appointment=appointment)
            WaitlistEntry.objects.filter(pk=offer.entry_id).update(
                status=WaitlistEntry.Status.BOOKED, ended_at=now
            )
            return appointment
    if isinstance(refusal, services.SlotUnavailable):
        raise services.SlotUnavailable(GONE_MESSAGE, nearest=refusal.nearest) from refusal
    raise refusal


def decline_offer(offer: WaitlistOffer) -> None:
    """The person does not want this time: it passes to the next; they stay on the list."""
    with transaction.atomic():
        _end_offer(offer, WaitlistOffer.Status.DECLINED, reason="declined")


def _end_offer(offer: WaitlistOffer, status: str, *, reason: str) -> bool:
    """End an open offer (a conditional UPDATE) and pass its time on after the commit."""
    ended = WaitlistOffer.objects.filter(pk=offer.pk, status=OPEN).update(
        status=status, ended_at=timezone.now(), end_reason=reason[:200]
    )
    if ended:
        services.times_may_have_opened(offer.therapist_id)
    return bool(ended)


# The offer e-mail ---------------------------------------------------------------------------


@channels.context_builder("waitlist_offer")
def offer_context(message: OutboundMessage) -> dict:
    """Read the offer again just before sending: a time already gone is never told about."""
    offer = (
        WaitlistOffer.objects.select_related("entry__client", "therapist", "session_type")
        .filter(pk=message.about_id or 0)
        .first()
    )
    if offer is None or offer.entry.client_id != message.recipient_id:
        raise channels.DeliverySkipped("the offer is no longer this client's")
    client = offer.entry.client
    if offer.status != OPEN:
        raise channels.DeliverySkipped(f"the offer is {offer.get_status_display().lower()}")
    now = timezone.now()
    if offer.expires_at <= now:
        raise channels.DeliverySkipped("the offer ran out before it could be sent")
    if message.channel not in consent_status.allowed_channels(client):
        _skip(offer, "the client's consent does not allow e-mails")
    night = PracticeSettings.load().quiet_hours_around(now, client.zone)
    if night is not None:
        if night[1] >= offer.expires_at:
            _skip(offer, "it was night for the client until the offer ran out")
        raise channels.DeliveryDeferred("waiting for the client's sending hours", until=night[1])
    rules = slot_rules_for(offer.therapist, offer.session_type, now=now)
    if not is_open_slot(offer.starts_at, **rules):
        _skip(offer, "the time was no longer open", status=WaitlistOffer.Status.GONE)
    return {
        "client_name": client.display_name,
        "therapist_first_name": offer.therapist.first_name,
        "starts_at": offer.starts_at,
        "expires_at": offer.expires_at,
        "zone": client.zone,
        "telehealth": offer.session_type.is_telehealth,
        "offer_url": waitlist_offer_url(offer.pk),
    }


def _skip(offer: WaitlistOffer, reason: str, *, status: str = WaitlistOffer.Status.UNSENT):
    _end_offer(offer, status, reason=reason)
    raise channels.DeliverySkipped(reason)
