"""Small helpers that make the people and things tests need, with fixed defaults."""

from allauth.account.models import EmailAddress

from practice.models import Therapist, User

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
