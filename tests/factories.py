"""Small helpers that make the people and things tests need, with fixed defaults."""

from datetime import datetime, time, timedelta

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
    """Weekly hours 00:00-23:59 every day, once availability exists (the booking branch).

    Sessions the practice books must still fall inside the therapist's hours; tests of the
    calendar are about other things, so the therapist is simply always open.
    """
    try:
        from scheduling.models import WeeklyAvailability  # type: ignore[attr-defined]
    except ImportError:
        return  # before the booking branch is merged, booking has no hours to respect
    for weekday in range(7):
        WeeklyAvailability.objects.create(
            therapist=therapist, weekday=weekday, start=time(0, 0), end=time(23, 59)
        )
