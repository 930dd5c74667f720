"""A demo appointment a few minutes out, so `make run` shows reminders working.

The running worker sends its confirmation at once and a reminder a minute later, both as
files under var/mail/. Run again, it changes nothing while that appointment is still ahead.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from practice import demo, outbox
from practice.models import Therapist, User
from scheduling import reminders
from scheduling.models import Appointment, SessionType

DEMO_THERAPIST_SLUG = "maya-chen"


def seed() -> Appointment | None:
    """Book the demo client a session with Maya ~15 minutes from now, with a reminder in 1."""
    client = User.objects.filter(email=demo.CLIENT["email"]).first()
    therapist = Therapist.objects.filter(slug=DEMO_THERAPIST_SLUG).first()
    if client is None or therapist is None:
        return None
    now = timezone.now()
    upcoming = Appointment.objects.filter(
        client=client, status=Appointment.Status.BOOKED, starts_at__gt=now
    )
    if upcoming.filter(starts_at__lt=now + timedelta(hours=1)).exists():
        return None
    session_type = SessionType.objects.filter(therapists=therapist).first()
    if session_type is None:
        session_type = SessionType.objects.create(name="Follow-up session")
        session_type.therapists.add(therapist)
    starts_at = (now + timedelta(minutes=20)).replace(second=0, microsecond=0)
    starts_at -= timedelta(minutes=starts_at.minute % 5)
    busy = therapist.appointments.occupying().overlapping(
        starts_at, starts_at + session_type.duration
    )
    if busy.exists():
        return None  # SQLite has no exclusion constraint: look before booking
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                therapist=therapist,
                client=client,
                session_type=session_type,
                starts_at=starts_at,
                ends_at=starts_at + session_type.duration,
                booked_at=now,
            )
            reminders.schedule_appointment_messages(appointment)
            # The real reminders are days ahead; this one shows the worker sending on time.
            outbox.schedule_message(
                key=f"appointment:{appointment.pk}:demo-reminder:email",
                template="appointment_reminder",
                to=client.email,
                recipient=client,
                about=appointment,
                due_at=now + timedelta(minutes=1),
            )
    except IntegrityError:
        return None  # Maya is busy then in the demo calendar; the next run tries again.
    return appointment
