"""The demo practice that `make run` shows. Idempotent: running it again changes nothing."""

from decimal import Decimal

from allauth.account.models import EmailAddress

from practice.models import PracticeSettings, Therapist, User

DEMO_PASSWORD = "demo-practice-2026"

THERAPISTS = [
    {
        "email": "maya.chen@example.org",
        "first_name": "Maya",
        "last_name": "Chen",
        "slug": "maya-chen",
        "video_room_url": "https://video.example.org/rooms/maya-chen",
        "public_name": "Maya Chen",
        "credentials": "PhD, Licensed Psychologist",
        "time_zone": "America/Denver",
        "approaches": "Cognitive behavioral therapy, Exposure and response prevention",
        "specialties": "Anxiety and panic, Obsessive-compulsive disorder, Health worries",
        "languages": "English, Mandarin",
        "bio": (
            "I help people face the worries that have been running their lives, one small, "
            "planned step at a time. We will agree on goals that matter to you and check "
            "together, every few weeks, whether therapy is helping.\n\n"
            "Before we start I will explain exactly how I work, what stays confidential and "
            "what you can expect from me. Questions are always welcome."
        ),
    },
    {
        "email": "daniel.ortiz@example.org",
        "first_name": "Daniel",
        "last_name": "Ortiz",
        "slug": "daniel-ortiz",
        "video_room_url": "https://video.example.org/rooms/daniel-ortiz",
        "public_name": "Daniel Ortiz",
        "credentials": "LCSW, Licensed Clinical Social Worker",
        "time_zone": "America/Phoenix",
        "approaches": "Acceptance and commitment therapy, Behavioral activation",
        "specialties": "Depression, Life transitions, Stress at work",
        "languages": "English, Spanish",
        "bio": (
            "When life feels heavy, small actions that fit your values can slowly change how "
            "the days feel. I work with adults who want to get unstuck, and I pay attention to "
            "culture, family and faith as part of who you are.\n\n"
            "I see clients by telehealth from Arizona and in person in Fort Collins twice a month."
        ),
    },
    {
        "email": "priya.raman@example.org",
        "first_name": "Priya",
        "last_name": "Raman",
        "slug": "priya-raman",
        "video_room_url": "https://video.example.org/rooms/priya-raman",
        "public_name": "Priya Raman",
        "credentials": "MA, LPC, Licensed Professional Counselor",
        "time_zone": "America/Chicago",
        "approaches": "Parent management training, Dialectical behavior therapy skills",
        "specialties": "Teens and families, Emotion regulation, ADHD",
        "languages": "English, Tamil",
        "bio": (
            "I work with teenagers and the adults who care about them. Together we build "
            "skills for strong feelings, clear routines at home and realistic goals at school.\n\n"
            "Families are part of the work when that helps, and always with the client's say."
        ),
    },
]

STAFF = {"email": "staff@example.org", "first_name": "Jordan", "last_name": "Lee"}
CLIENT = {
    "email": "client@example.org",
    "first_name": "Alex",
    "last_name": "Rivera",
    "preferred_name": "Alex",
    "pronouns": "they/them",
}


def ensure_user(*, email: str, role: str, **fields) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"role": role, **fields})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role == User.Role.STAFF
        user.save()
        if user.is_practice_staff:
            user.join_staff_group()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"primary": True, "verified": True}
    )
    return user


DEMO_BILLING = """\
We are in network with several Colorado insurance plans. Before your first session, please
check with your plan what it pays for outpatient mental health care; we bill the plan for you,
and you pay any copay or deductible at the session.

If you pay for yourself, you pay the fee of each session after it, by card, and we give you a
receipt (a "superbill") to send to your plan if you wish.
"""


def seed() -> list[tuple[str, str]]:
    """Create the demo practice; return the demo logins as (role, e-mail) pairs."""
    practice = PracticeSettings.load()
    if not practice.address:
        practice.address = "1200 Remington Street, Suite 2\nFort Collins, CO 80524"
        practice.phone = "(970) 555-0142"
        practice.email = "hello@example.org"
        practice.late_cancellation_fee = Decimal("75")
        practice.billing_information = DEMO_BILLING
        practice.save()
    logins = [("Staff", ensure_user(role=User.Role.STAFF, **STAFF).email)]
    for profile in THERAPISTS:
        person = {key: profile[key] for key in ("email", "first_name", "last_name", "time_zone")}
        user = ensure_user(role=User.Role.THERAPIST, **person)
        details = {key: value for key, value in profile.items() if key not in person}
        Therapist.objects.get_or_create(
            user=user, defaults={**details, "time_zone": user.time_zone}
        )
        logins.append(("Therapist", user.email))
    logins.append(("Client", ensure_user(role=User.Role.CLIENT, **CLIENT).email))
    return logins
