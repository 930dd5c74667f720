"""Small helpers that make the people and things tests need, with fixed defaults."""

from datetime import datetime, timedelta

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
    return user


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
) -> SessionType:

    session_type = SessionType.objects.create(
        name=name,
        duration=timedelta(minutes=minutes),
        new_clients_may_book=new_clients_may_book,
        modality=modality,
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
