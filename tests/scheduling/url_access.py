"""Who may open each scheduling URL (see tests/practice/url_access.py for the notation).

Records in kwargs belong to alice (a client) or dana (her therapist), so bob gets a 404.
"""

from datetime import timedelta

from django.utils import timezone

PUBLIC = {"anonymous": "200", "alice": "200", "bob": "200", "dana": "200", "sam": "200"}
THERAPISTS = {"anonymous": "login", "alice": "403", "bob": "403", "dana": "200", "sam": "403"}
# Therapist-only actions that accept POST only: a GET by dana is refused with 405.
THERAPIST_POSTS = {**THERAPISTS, "dana": "405"}
# alice's own sessions: bob gets a 404, never a 403.
ALICES = {"anonymous": "login", "alice": "200", "bob": "404", "dana": "403", "sam": "403"}
# Posting a confirmation: only clients get past the role check, then GET is refused.
CLIENT_POSTS = {"anonymous": "login", "alice": "405", "bob": "405", "dana": "403", "sam": "403"}
# A signed e-mail link works without logging in, and for alice; anyone else logged in gets 404.
SIGNED_LINK = {"anonymous": "200", "alice": "200", "bob": "404", "dana": "404", "sam": "404"}
# A hold belongs to the browser session that made it: nobody else can open it.
NOBODYS = {"anonymous": "404", "alice": "404", "bob": "404", "dana": "404", "sam": "404"}
POST_ONLY = {persona: "405" for persona in PUBLIC}


def alices_appointment(w):
    from scheduling.models import Appointment
    from tests.factories import make_appointment

    existing = Appointment.objects.filter(client=w.alice).first()
    return existing or make_appointment(
        therapist=w.dana.therapist,
        client=w.alice,
        starts_at=timezone.now() + timedelta(days=7),
    )


def alices_video_session(w):
    from tests.factories import make_appointment, make_session_type

    video = make_session_type(name="Video follow-up", modality="telehealth")
    appointment = make_appointment(
        therapist=w.dana.therapist,
        client=w.alice,
        starts_at=timezone.now() + timedelta(days=9),
        session_type=video,
    )
    return {"pk": appointment.pk}


# The two people of a video session may open its join page; staff have no room to join.
THE_TWO = {"anonymous": "login", "alice": "200", "bob": "404", "dana": "200", "sam": "403"}


def alices_estimate(w):
    from scheduling import services

    appointment = alices_appointment(w)
    if not appointment.estimates.exists():
        services.issue_estimate(appointment=appointment, now=timezone.now())
    return {"pk": appointment.pk}


def signed_token(w):
    from scheduling.links import manage_token

    return {"token": manage_token(alices_appointment(w))}


def text_token(w):
    from scheduling.links import text_token

    return {"token": text_token(alices_appointment(w))}


def danas_time_off(w):
    from scheduling.models import TimeOff

    start = timezone.now() + timedelta(days=3)
    entry = TimeOff.objects.create(
        therapist=w.dana.therapist, starts_at=start, ends_at=start + timedelta(days=1)
    )
    return {"pk": entry.pk}


def danas_day(w):
    from scheduling.models import AvailabilityException

    day = AvailabilityException.objects.create(
        therapist=w.dana.therapist, date=timezone.localdate() + timedelta(days=3)
    )
    return {"pk": day.pk}


URL_ACCESS = {
    "scheduling:calendar": THERAPISTS,
    "scheduling:fees": PUBLIC,
    "scheduling:join": {**THE_TWO, "kwargs": alices_video_session},
    "scheduling:estimate": {**ALICES, "kwargs": alices_estimate},
    "scheduling:book": {**PUBLIC, "kwargs": lambda w: {"slug": w.dana.therapist.slug}},
    "scheduling:find": PUBLIC,
    "scheduling:first-times": {**PUBLIC, "kwargs": lambda w: {"slug": w.dana.therapist.slug}},
    "scheduling:help-choosing": PUBLIC,
    # Signing up on a held time and its code: POST only (the hold is the session's).
    "scheduling:hold-sign-up": {**POST_ONLY, "kwargs": lambda w: {"pk": alices_appointment(w).pk}},
    "scheduling:hold-code": {**POST_ONLY, "kwargs": lambda w: {"pk": alices_appointment(w).pk}},
    "scheduling:hold-log-in": {**NOBODYS, "kwargs": lambda w: {"pk": alices_appointment(w).pk}},
    "scheduling:hold-create": {**POST_ONLY, "kwargs": lambda w: {"slug": w.dana.therapist.slug}},
    "scheduling:hold": {**NOBODYS, "kwargs": lambda w: {"pk": alices_appointment(w).pk}},
    "scheduling:hold-confirm": {
        **CLIENT_POSTS,
        "kwargs": lambda w: {"pk": alices_appointment(w).pk},
    },
    "scheduling:booked": {**ALICES, "kwargs": lambda w: {"pk": alices_appointment(w).pk}},
    "scheduling:client-cancel": {**ALICES, "kwargs": lambda w: {"pk": alices_appointment(w).pk}},
    "scheduling:client-reschedule": {
        **ALICES,
        "kwargs": lambda w: {"pk": alices_appointment(w).pk},
    },
    "scheduling:manage": {**SIGNED_LINK, "kwargs": signed_token},
    # A text's short link sends everyone on to the signed page, which decides (as above).
    "text-link": {**{persona: "302" for persona in PUBLIC}, "kwargs": text_token},
    "scheduling:manage-cancel": {**SIGNED_LINK, "kwargs": signed_token},
    "scheduling:manage-reschedule": {**SIGNED_LINK, "kwargs": signed_token},
    "scheduling:availability": THERAPISTS,
    "scheduling:booking-rules": THERAPISTS,
    "scheduling:time-off": THERAPISTS,
    "scheduling:time-off-delete": {**THERAPIST_POSTS, "kwargs": danas_time_off},
    "scheduling:date-exceptions": THERAPISTS,
    "scheduling:date-exception-delete": {**THERAPIST_POSTS, "kwargs": danas_day},
}

# Calendar branch: the therapist's calendar pages, the private feed, staff booking on behalf ----

THERAPIST_POSTS = {**THERAPISTS, "dana": "405"}
STAFF_ONLY = {"anonymous": "login", "alice": "403", "bob": "403", "dana": "403", "sam": "200"}
STAFF_POSTS = {**STAFF_ONLY, "sam": "405"}
ANYONE_WITH_THE_ADDRESS = {p: "200" for p in ("anonymous", "alice", "bob", "dana", "sam")}


def _danas_session_with_alice(w) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import make_appointment

    starts_at = timezone.now().replace(microsecond=0) + timedelta(days=2)
    return {
        "pk": make_appointment(therapist=w.dana.therapist, client=w.alice, starts_at=starts_at).pk
    }


def _danas_feed(w) -> dict:
    from scheduling.models import CalendarFeed

    return {"token": CalendarFeed.issue(w.dana.therapist)}


URL_ACCESS |= {
    "scheduling:calendar-appointment": {**THERAPISTS, "kwargs": _danas_session_with_alice},
    "scheduling:calendar-mark-attended": {**THERAPIST_POSTS, "kwargs": _danas_session_with_alice},
    "scheduling:calendar-mark-no-show": {**THERAPIST_POSTS, "kwargs": _danas_session_with_alice},
    "scheduling:calendar-cancel": {**THERAPIST_POSTS, "kwargs": _danas_session_with_alice},
    "scheduling:calendar-book": THERAPISTS,
    "scheduling:calendar-feed": THERAPISTS,
    "scheduling:calendar-feed-issue": THERAPIST_POSTS,
    "scheduling:calendar-feed-revoke": THERAPIST_POSTS,
    "scheduling:calendar-feed-ics": {**ANYONE_WITH_THE_ADDRESS, "kwargs": _danas_feed},
    "scheduling:staff-calendar": STAFF_ONLY,
    "scheduling:staff-book": STAFF_ONLY,
    "scheduling:staff-appointment": {**STAFF_ONLY, "kwargs": _danas_session_with_alice},
    "scheduling:staff-move": {**STAFF_POSTS, "kwargs": _danas_session_with_alice},
    "scheduling:staff-cancel": {**STAFF_POSTS, "kwargs": _danas_session_with_alice},
    "scheduling:staff-waive-late-change": {**STAFF_POSTS, "kwargs": _danas_session_with_alice},
}

# Check-ins: the client's signed link (login first; only the session's client), and the
# therapist's two actions on the session page ---------------------------------------------------


def _alices_checkin(w):
    from scheduling.checkin_models import CheckIn
    from scheduling.models import Appointment
    from tests.factories import make_appointment

    now = timezone.now().replace(microsecond=0)
    session = make_appointment(
        therapist=w.dana.therapist,
        client=w.alice,
        starts_at=now - timedelta(days=1, hours=2),
        status=Appointment.Status.ATTENDED,
    )
    return CheckIn.objects.create(
        appointment=session, opens_at=now - timedelta(days=1), expires_at=now + timedelta(days=6)
    )


def _alices_checkin_link(w) -> dict:
    from scheduling.checkins import checkin_token

    return {"token": checkin_token(_alices_checkin(w))}


def _alices_text_link(w) -> dict:
    from scheduling.checkins import TEXT_LINK_SALT
    from scheduling.links import short_token

    return {"token": short_token(_alices_checkin(w).pk, salt=TEXT_LINK_SALT)}


def _alices_checkin_on_her_session(w) -> dict:
    checkin = _alices_checkin(w)
    return {"pk": checkin.appointment_id, "checkin_pk": checkin.pk}


URL_ACCESS |= {
    "scheduling:checkin": {**ALICES, "kwargs": _alices_checkin_link},
    # A text's short link sends everyone on to the signed page, which decides (as above).
    "checkin-text-link": {**{persona: "302" for persona in PUBLIC}, "kwargs": _alices_text_link},
    "scheduling:checkin-acknowledge": {
        **THERAPIST_POSTS,
        "kwargs": _alices_checkin_on_her_session,
    },
    "scheduling:worries-answer": {**THERAPIST_POSTS, "kwargs": _danas_session_with_alice},
}


# The waitlist: joining and leaving (clients), an offer's signed page, staff's list ------------


def alices_waitlist_offer(w):
    """Alice waits for dana, and has an offer of a time a week ahead."""
    from scheduling.models import WaitlistOffer
    from tests.factories import make_waitlist_offer

    existing = WaitlistOffer.objects.filter(entry__client=w.alice).first()
    return existing or make_waitlist_offer(client=w.alice, therapist=w.dana.therapist)


def alices_offer_token(w):
    from scheduling.links import waitlist_offer_token

    return {"token": waitlist_offer_token(alices_waitlist_offer(w).pk)}


CLIENTS_ONLY = {"anonymous": "login", "alice": "200", "bob": "200", "dana": "403", "sam": "403"}

URL_ACCESS |= {
    "scheduling:waitlist-join": CLIENTS_ONLY,
    "scheduling:waitlist-leave": {
        **CLIENT_POSTS,
        "kwargs": lambda w: {"pk": alices_waitlist_offer(w).entry_id},
    },
    "scheduling:waitlist-offer": {**SIGNED_LINK, "kwargs": alices_offer_token},
    "scheduling:waitlist-book": {**POST_ONLY, "kwargs": alices_offer_token},
    "scheduling:waitlist-decline": {**POST_ONLY, "kwargs": alices_offer_token},
    "scheduling:staff-waitlist": STAFF_ONLY,
}
