"""Who may open each scheduling URL (see tests/practice/url_access.py for the notation)."""

THERAPISTS = {"anonymous": "login", "alice": "403", "bob": "403", "dana": "200", "sam": "403"}

URL_ACCESS = {
    "scheduling:calendar": THERAPISTS,
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
}
