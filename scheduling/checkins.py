"""Session check-ins and the answer to first worries: when they are made, and what they say.

Marking a session attended makes its check-in (one per session: the one-to-one key decides,
whoever marks it at the same moment) and writes its e-mail to the outbox, due an hour later
inside the client's sending hours. At send time the message is read again and skipped if the
session is no longer attended, the check-in was answered, skipped or has expired, or the
client's Consent to Contact no longer allows e-mail. The e-mail holds a link, never an item.

Scheduling's AppConfig.ready() imports this module, which registers its message builders.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import mean
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from consent import status as consent_status
from intake import status as intake_status
from practice import channels, outbox
from practice.audit import record_access
from practice.models import OutboundMessage, PracticeSettings
from scheduling.checkin_models import ITEM_FIELDS, MAX_TOTAL, CheckIn, WorryAnswer
from scheduling.links import number_from_short_token, short_token
from scheduling.messages import _require_sending_hours, _upcoming_appointment, appointment_facts
from scheduling.models import Appointment
from scheduling.reminders import is_first_session

if TYPE_CHECKING:
    from practice.models import User

CHECKIN_DELAY = timedelta(hours=1)
CHECKIN_OPEN_FOR = timedelta(days=7)
LINK_SALT = "scheduling.checkin"
EMAIL = OutboundMessage.Channel.EMAIL
SMS = OutboundMessage.Channel.SMS
TEXT_LINK_SALT = "scheduling.checkin-text-link"
SPARK_WIDTH, SPARK_HEIGHT = 160, 40


class AlreadyAnswered(Exception):
    """The first worries of this session have an answer already (one per first session)."""


# Making and answering a check-in ------------------------------------------------------------


def record_attendance(appointment: Appointment) -> CheckIn | None:
    """Mark the session attended and schedule its check-in, in one transaction."""
    with transaction.atomic():
        appointment.mark_attended()
        return schedule_checkin(appointment)


def schedule_checkin(appointment: Appointment) -> CheckIn | None:
    """Make the session's check-in and its e-mail; None if it has one already (or no client).

    Call inside the transaction that records the attendance. A client whose Consent to
    Contact does not allow e-mail gets no message (the check-in still waits in the portal).
    """
    client = appointment.client
    if client is None:
        return None
    opens_at = _inside_sending_hours(timezone.now() + CHECKIN_DELAY, client)
    checkin = CheckIn(
        appointment=appointment, opens_at=opens_at, expires_at=opens_at + CHECKIN_OPEN_FOR
    )
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        if CheckIn.objects.filter(appointment=appointment).exists():
            return None  # marked attended before (or at this very moment, elsewhere)
        raise
    channel = _checkin_channel(client)
    if channel:
        outbox.schedule_message(
            key=f"checkin:{checkin.pk}:{channel}",
            template="session_checkin",
            to=client.mobile_phone if channel == SMS else client.email,
            recipient=client,
            channel=channel,
            about=checkin,
            due_at=opens_at,
        )
    return checkin


def _checkin_channel(client: "User") -> str:
    """One message a check-in: by e-mail if allowed, else by text if allowed (and a mobile)."""
    allowed = consent_status.allowed_channels(client)
    if EMAIL in allowed:
        return EMAIL
    return SMS if SMS in allowed and client.mobile_phone else ""


def _inside_sending_hours(moment: datetime, client: "User") -> datetime:
    """The moment itself, or when sending hours open again if it falls in the client's night."""
    night = PracticeSettings.load().quiet_hours_around(moment, client.zone)
    return moment if night is None else night[1]


@dataclass(frozen=True)
class FlagRule:
    low_total: int
    drop: int

    @classmethod
    def from_settings(cls) -> "FlagRule":
        return cls(low_total=settings.CHECKIN_LOW_TOTAL, drop=settings.CHECKIN_DROP)

    def flag(self, total: int, earlier_totals: list[int]) -> tuple[str, float | None]:
        """The flag an answer raises, and the client's average over their earlier answers."""
        average = mean(earlier_totals) if earlier_totals else None
        if total < self.low_total:
            return CheckIn.Flag.LOW, average
        if average is not None and average - total >= self.drop:
            return CheckIn.Flag.DROP, average
        return CheckIn.Flag.NONE, average


def answer_checkin(checkin: CheckIn, *, scores: dict[str, int], note: str) -> bool:
    """Record the client's answers once; False if it was answered, skipped or has closed."""
    total = sum(scores[field] for field in ITEM_FIELDS)
    earlier = [
        sum(row)
        for row in CheckIn.objects.of_client(checkin.appointment.client_id)
        .attended()
        .answered()
        .filter(appointment__starts_at__lt=checkin.appointment.starts_at)
        .values_list(*ITEM_FIELDS)
    ]
    flag, average = FlagRule.from_settings().flag(total, earlier)
    now = timezone.now()
    # Conditions on this row only, so PostgreSQL re-checks them after a concurrent answer.
    return bool(
        CheckIn.objects.filter(
            pk=checkin.pk, answered_at__isnull=True, skipped_at__isnull=True, expires_at__gt=now
        ).update(answered_at=now, note=note, flag=flag, earlier_average=average, **scores)
    )


def skip_checkin(checkin: CheckIn) -> bool:
    """The client chose not to answer: nothing more is asked. False if it was settled before."""
    return bool(
        CheckIn.objects.filter(
            pk=checkin.pk,
            answered_at__isnull=True,
            skipped_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(skipped_at=timezone.now())
    )


def acknowledge_flag(checkin: CheckIn, *, by: "User", change_note: str) -> bool:
    """The therapist saw the flag, with what they changed (optional). False if done before."""
    return bool(
        CheckIn.objects.filter(pk=checkin.pk, acknowledged_at__isnull=True)
        .exclude(flag=CheckIn.Flag.NONE)
        .update(acknowledged_at=timezone.now(), acknowledged_by=by, change_note=change_note)
    )


def changes_shown_on(checkin: CheckIn) -> list[CheckIn]:
    """Earlier check-ins whose "what we changed" the client reads on this one.

    Each note is shown on the first check-in the client opens after the therapist wrote it,
    and stays there; a later check-in does not repeat it.
    """
    CheckIn.objects.of_client(checkin.appointment.client_id).filter(
        change_shown_on__isnull=True,
        acknowledged_at__isnull=False,
        opens_at__lt=checkin.opens_at,
    ).exclude(change_note="").update(change_shown_on=checkin)
    return list(checkin.changes_shown.order_by("opens_at"))


# Signed links --------------------------------------------------------------------------------


def checkin_token(checkin: CheckIn) -> str:
    return signing.dumps(checkin.pk, salt=LINK_SALT)


def checkin_id_from(token: str) -> int | None:
    """The check-in a token was signed for, or None if forged or older than a check-in lives."""
    try:
        value = signing.loads(token, salt=LINK_SALT, max_age=CHECKIN_OPEN_FOR + CHECKIN_DELAY)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def checkin_path(checkin: CheckIn) -> str:
    return reverse("scheduling:checkin", kwargs={"token": checkin_token(checkin)})


def checkin_text_url(checkin: CheckIn) -> str:
    """A link short enough for a text; it leads on to the signed page (checkin_path)."""
    token = short_token(checkin.pk, salt=TEXT_LINK_SALT)
    return f"{settings.SITE_URL}{reverse('checkin-text-link', kwargs={'token': token})}"


def checkin_id_from_text_token(token: str) -> int | None:
    return number_from_short_token(token, salt=TEXT_LINK_SALT)


# What the therapist and the client see ------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """A client's answered check-ins, oldest first, as the therapist's page shows them."""

    checkins: list[CheckIn]
    rule: FlagRule

    @property
    def to_acknowledge(self) -> list[CheckIn]:
        return [c for c in self.checkins if c.flag and c.acknowledged_at is None]

    @property
    def newest_first(self) -> list[CheckIn]:
        return self.checkins[::-1]

    @property
    def with_notes(self) -> list[CheckIn]:
        return [c for c in self.newest_first if c.note or c.change_note]

    @property
    def threshold_y(self) -> float:
        """Where the low-total line sits in the sparkline's 40-high box."""
        return SPARK_HEIGHT - self.rule.low_total * SPARK_HEIGHT / MAX_TOTAL

    def sparkline(self, width: int = SPARK_WIDTH, height: int = SPARK_HEIGHT) -> str:
        """SVG polyline points for the totals (0 at the bottom, 40 at the top)."""
        totals = [c.total or 0 for c in self.checkins]
        if len(totals) < 2:
            return ""
        step = width / (len(totals) - 1)
        return " ".join(
            f"{i * step:.1f},{height - total * height / MAX_TOTAL:.1f}"
            for i, total in enumerate(totals)
        )


def trend_of(client_id: int, viewer: "User") -> Trend:
    """The client's answered check-ins that this person may see (one query)."""
    checkins = list(
        CheckIn.objects.for_user(viewer)
        .of_client(client_id)
        .attended()
        .answered()
        .select_related("appointment")
        .order_by("appointment__starts_at")
    )
    return Trend(checkins=checkins, rule=FlagRule.from_settings())


@dataclass(frozen=True)
class FirstWorries:
    """Before a first session: what the client wrote worries them, and the answer if sent."""

    worries: str
    answer: WorryAnswer | None
    may_answer: bool


def first_worries(appointment: Appointment, viewer: "User") -> FirstWorries | None:
    """The worries section of a first session's page, while it is booked or once answered;
    None for any later session."""
    if appointment.client_id is None or not is_first_session(appointment):
        return None
    answer = WorryAnswer.objects.filter(appointment=appointment).first()
    if answer is None and appointment.status != Appointment.Status.BOOKED:
        return None
    worries = intake_status.therapy_worries(appointment.client_id, viewer)
    may_answer = bool(worries) and answer is None and appointment.client_may_change
    return FirstWorries(worries=worries, answer=answer, may_answer=may_answer)


def answer_worries(*, appointment: Appointment, by: "User", text: str) -> WorryAnswer:
    """Keep the therapist's answer and tell the client by e-mail (a portal link, no content)."""
    client = appointment.client
    assert client is not None
    try:
        with transaction.atomic():
            answer = WorryAnswer.objects.create(appointment=appointment, text=text, written_by=by)
            outbox.schedule_message(
                key=f"appointment:{appointment.pk}:worry-answer:{EMAIL}",
                template="worry_answer",
                to=client.email,
                recipient=client,
                about=appointment,
            )
    except IntegrityError as error:
        raise AlreadyAnswered from error
    return answer


# Messages, read again when they are sent -----------------------------------------------------


@channels.context_builder("session_checkin")
def checkin_context(message: OutboundMessage) -> dict:
    checkin = (
        CheckIn.objects.select_related("appointment__therapist", "appointment__client")
        .filter(pk=message.about_id or 0)
        .first()
    )
    if checkin is None or checkin.appointment.client_id != message.recipient_id:
        raise channels.DeliverySkipped("the check-in is no longer this client's")
    appointment = checkin.appointment
    if appointment.status != Appointment.Status.ATTENDED:
        raise channels.DeliverySkipped(f"the session is {appointment.get_status_display().lower()}")
    if not checkin.is_open(timezone.now()):
        raise channels.DeliverySkipped("the check-in was answered, skipped or has closed")
    client = appointment.client
    assert client is not None
    consent_status.require_consent_to(message, client)
    channels.wait_for_sending_hours(client.zone)
    return {
        "client_name": client.display_name,
        "therapist_first_name": appointment.therapist.first_name,
        "checkin_url": f"{settings.SITE_URL}{checkin_path(checkin)}",
        "text_url": checkin_text_url(checkin),
        "expires_at": checkin.expires_at,
        "zone": client.zone,
    }


@channels.context_builder("worry_answer")
def worry_answer_context(message: OutboundMessage) -> dict:
    appointment = _upcoming_appointment(message)
    _require_sending_hours(appointment)
    assert appointment.client is not None
    return appointment_facts(appointment, appointment.client)


# The therapist's session page ---------------------------------------------------------------


@dataclass(frozen=True)
class SessionFeedback:
    """What a session page shows of the client's check-ins and first worries."""

    trend: Trend | None
    worries: FirstWorries | None

    @property
    def flags(self) -> list[CheckIn]:
        return self.trend.to_acknowledge if self.trend else []


def session_feedback(appointment: Appointment, viewer: "User") -> SessionFeedback:
    if appointment.client_id is None:
        return SessionFeedback(trend=None, worries=None)
    return SessionFeedback(
        trend=trend_of(appointment.client_id, viewer),
        worries=first_worries(appointment, viewer),
    )


def audit_feedback(request: HttpRequest, appointment: Appointment, shown: SessionFeedback) -> None:
    """Each look at a client's check-ins or intake worries by staff or a therapist."""
    if shown.trend and shown.trend.checkins:
        record_access(
            request,
            client=appointment.client,
            record="Session check-ins",
            record_id=appointment.client_id,
        )
    if shown.worries and shown.worries.worries:
        record_access(
            request, client=appointment.client, record="Intake worries", record_id=appointment.pk
        )
