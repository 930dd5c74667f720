"""Small helpers that make the people and things tests need, with fixed defaults."""

from datetime import datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress

from practice.models import Therapist, User
from scheduling.models import Appointment, SessionType

PASSWORD = "a-long-test-password-41"


def make_user(
    *, email: str, role: str, first_name: str = "Test", last_name: str = "Person", **fields
) -> User:
    user = User.objects.create_user(
        email,
        password=PASSWORD,
        first_name=first_name,
        last_name=last_name,
        role=role,
        is_staff=role == User.Role.STAFF,
        **fields,
    )
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    if user.is_practice_staff:
        user.join_staff_group()
    return user


def reauthenticate(client) -> None:
    """Type the password again, as allauth asks before a change to how we reach someone."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def make_client(*, email: str = "client@example.org", **fields) -> User:
    return make_user(email=email, role=User.Role.CLIENT, **fields)


def make_staff(*, email: str = "staff@example.org", **fields) -> User:
    return make_user(email=email, role=User.Role.STAFF, **fields)


def make_therapist(
    *,
    email: str = "therapist@example.org",
    first_name: str = "Terry",
    last_name: str = "Hale",
    time_zone: str = "America/Denver",
    accepting_new_clients: bool = True,
) -> Therapist:
    user = make_user(
        email=email,
        role=User.Role.THERAPIST,
        first_name=first_name,
        last_name=last_name,
        time_zone=time_zone,
    )
    return Therapist.objects.create(
        user=user,
        slug=f"{first_name}-{last_name}".lower(),
        public_name=f"{first_name} {last_name}",
        credentials="LPC",
        bio="I help people make the changes they choose.",
        approaches="Cognitive behavioral therapy",
        specialties="Anxiety",
        time_zone=time_zone,
        accepting_new_clients=accepting_new_clients,
    )


def make_session_type(
    *,
    name: str = "First session",
    minutes: int = 50,
    new_clients_may_book: bool = True,
    modality: str = "in_person",
    therapists=(),
    fee: Decimal | int = 0,
) -> SessionType:

    session_type = SessionType.objects.create(
        name=name,
        duration=timedelta(minutes=minutes),
        new_clients_may_book=new_clients_may_book,
        modality=modality,
        fee=fee,
    )
    session_type.therapists.set(therapists)
    return session_type


def make_appointment(
    *,
    therapist: Therapist,
    client: User | None,
    starts_at: datetime,
    session_type=None,
    status: str = "booked",
) -> Appointment:

    session_type = session_type or make_session_type(therapists=[therapist])
    return Appointment.objects.create(
        therapist=therapist,
        client=client,
        session_type=session_type,
        starts_at=starts_at,
        ends_at=starts_at + session_type.duration,
        status=status,
    )


# Consent --------------------------------------------------------------------------------------


def make_document(
    *,
    slug: str = "informed-consent",
    title: str = "Informed Consent for Treatment",
    required_for: str = "all",
    body: str = "## What we do\n\nWe work on goals you choose.\n",
    requires_resign: bool = False,
    position: int = 0,
):
    """A consent document with a published first version."""
    from consent.models import ConsentDocument

    document = ConsentDocument.objects.create(
        slug=slug, title=title, required_for=required_for, position=position
    )
    make_version(document=document, body=body, requires_resign=requires_resign)
    return document


def make_version(*, document, body: str = "", requires_resign: bool = False, publish: bool = True):
    from consent.models import DocumentVersion

    version = DocumentVersion.objects.create(
        document=document,
        title=document.title,
        body=body or f"## {document.title}\n\nThe text of {document.title}.\n",
        requires_resign=requires_resign,
    )
    if publish:
        version.publish()
    return version


def make_signature(
    *,
    client: User,
    version=None,
    document=None,
    typed_name: str = "",
    guardian_name: str = "",
    guardian_relationship: str = "",
):
    """A signature on the given version, or on the current version of a (new) document."""
    from consent.models import Signature

    if version is None:
        document = document or make_document()
        version = document.versions.published().first()
    return Signature.objects.create(
        client=client,
        version=version,
        digest=version.digest,
        terms=version.terms,
        typed_name=typed_name or client.get_full_name(),
        guardian_name=guardian_name,
        guardian_relationship=guardian_relationship,
        ip_address="203.0.113.7",
        user_agent="Mozilla/5.0 (iPhone) TestBrowser",
    )


def make_contact_preference(*, client: User, email: bool = True, sms: bool = True):
    """E-mail and text choices as if made in the portal; allowed_channels() reads the newest."""
    from consent.models import ContactPreference

    return ContactPreference.objects.create(
        client=client, email=email, sms=sms, source=ContactPreference.Source.CHANGED
    )


# Intake ----------------------------------------------------------------------------------------

# A complete, unremarkable set of answers to the practice's intake (no safety flags).
INTAKE_ANSWERS: dict[str, object] = {
    "legal_name": "Alice Moreno",
    "date_of_birth": "1990-04-15",
    "under_18": False,
    "phone": "(970) 555-0100",
    "email": "alice@example.org",
    "contact_by_email": True,
    "contact_by_text": False,
    "contact_by_voicemail": True,
    "session_format": "Either is fine",
    "reason_for_therapy": "I keep putting off things that matter to me.",
    "goals": "Finish what I start.",
    "previous_therapy": False,
    "emergency_contact_name": "Rosa Moreno",
    "emergency_contact_relationship": "Mother",
    "emergency_contact_phone": "(970) 555-0111",
    "takes_medications": False,
    "self_harm_thoughts": False,
    **{f"phq9_{n}": 1 for n in range(1, 10)},
    "phq9_9": 0,
    **{f"gad7_{n}": 2 for n in range(1, 8)},
}


def make_intake(
    *,
    client: User,
    answers: dict[str, object] | None = None,
    status: str = "draft",
    therapist: Therapist | None = None,
    urgent: bool = False,
    submitted_at: datetime | None = None,
):
    """An intake on the current questionnaire with these answers (by question key), as stored."""
    from django.utils import timezone

    from intake.models import Answer, Question, QuestionnaireVersion, Submission
    from intake.questionnaires import ensure_intake_questionnaire

    ensure_intake_questionnaire()
    version = QuestionnaireVersion.objects.current_intake()
    assert version is not None
    now = timezone.now()
    submission = Submission.objects.create(
        client=client,
        version=version,
        status=status,
        assigned_therapist=therapist,
        urgent=urgent,
        urgent_at=now if urgent else None,
        submitted_at=None if status == "draft" else (submitted_at or now),
    )
    questions = {
        q.key: q for q in Question.objects.filter(section__version=version, key__in=answers or {})
    }
    Answer.objects.bulk_create(
        [
            Answer(submission=submission, question=questions[key], value=value)
            for key, value in (answers or {}).items()
        ]
    )
    return submission


def make_weekly_hours(
    *, therapist: Therapist, weekdays=range(7), start: str = "09:00", end: str = "17:00"
) -> list:
    from datetime import time

    from scheduling.models import WeeklyAvailability

    return [
        WeeklyAvailability.objects.create(
            therapist=therapist,
            weekday=day,
            start=time.fromisoformat(start),
            end=time.fromisoformat(end),
        )
        for day in weekdays
    ]


def make_booking_rules(
    *,
    therapist: Therapist,
    minimum_notice: timedelta = timedelta(hours=24),
    horizon: timedelta = timedelta(days=60),
    buffer: timedelta = timedelta(0),
    max_sessions_per_day: int | None = None,
):
    from scheduling.models import BookingRules

    return BookingRules.objects.create(
        therapist=therapist,
        minimum_notice=minimum_notice,
        horizon=horizon,
        buffer=buffer,
        max_sessions_per_day=max_sessions_per_day,
    )


# Calendar (therapist's side) -------------------------------------------------------------------


def make_many_appointments(
    *, therapist: Therapist, first_start: datetime, count: int, session_type: SessionType
) -> list[Appointment]:
    """`count` back-to-back sessions from `first_start`, spread over a few clients (bulk insert)."""
    clients = [
        make_client(email=f"many-{i}@example.org", first_name=f"Many{i}", pronouns="they/them")
        for i in range(min(count, 10))
    ]
    return Appointment.objects.bulk_create(
        Appointment(
            therapist=therapist,
            client=clients[i % len(clients)],
            session_type=session_type,
            starts_at=first_start + i * session_type.duration,
            ends_at=first_start + (i + 1) * session_type.duration,
            status=Appointment.Status.BOOKED,
        )
        for i in range(count)
    )


def open_around_the_clock(therapist: Therapist) -> None:
    """Weekly hours 00:00-23:59 every day.

    Sessions the practice books must still fall inside the therapist's hours; tests of the
    calendar are about other things, so the therapist is simply always open.
    """
    from scheduling.models import WeeklyAvailability

    for weekday in range(7):
        WeeklyAvailability.objects.create(
            therapist=therapist, weekday=weekday, start=time(0, 0), end=time(23, 59)
        )


def make_message(
    *,
    to: str = "alice@example.org",
    recipient: User | None = None,
    template: str = "invitation",
    due_at: datetime | None = None,
    key: str | None = None,
    channel: str = "email",
    status: str = "scheduled",
    about=None,
):
    """An outbox row written directly (its rendering is not the point of the test)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from practice.models import OutboundMessage

    return OutboundMessage.objects.create(
        key=key or f"test:{OutboundMessage.objects.count()}:{to}:{template}",
        to=to,
        recipient=recipient,
        template=template,
        channel=channel,
        status=status,
        due_at=due_at or timezone.now(),
        about_type=ContentType.objects.get_for_model(about) if about else None,
        about_id=about.pk if about else None,
    )


# Waitlist -------------------------------------------------------------------------------------


def make_waitlist_offer(*, client: User, therapist: Therapist, session_type=None):
    """A client waiting for mornings with the therapist, offered a time a week ahead."""
    from django.utils import timezone

    from scheduling.models import WaitlistEntry, WaitlistOffer

    session_type = session_type or make_session_type(name="Follow-up", therapists=[therapist])
    entry = WaitlistEntry.objects.create(
        client=client, therapist=therapist, session_type=session_type, mornings=True
    )
    now = timezone.now()
    return WaitlistOffer.objects.create(
        entry=entry,
        therapist=therapist,
        session_type=session_type,
        starts_at=now + timedelta(days=7),
        offered_at=now,
        expires_at=now + timedelta(hours=2),
    )
