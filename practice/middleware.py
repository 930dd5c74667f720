"""Rules that hold for every request, whichever view answers it."""

import time
import uuid
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control, patch_vary_headers

from practice import dates
from practice.mfa import second_factor_required
from practice.models import User

type GetResponse = Callable[[HttpRequest], HttpResponse]

# The account pages and the Security page hold no client data and include setting up a second
# factor, the re-authentication that precedes it, and logging out.
SECOND_FACTOR_EXEMPT_PREFIXES = ("/accounts/", "/security/", "/static/")


class RequestIdMiddleware:
    """Give each request an id, returned as X-Request-ID, that ties its audit rows together."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = uuid.uuid4().hex  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


SESSION_STARTED_KEY = "practice_signed_in_at"
SESSION_LAST_SEEN_KEY = "practice_last_seen_at"
# Recording every request would write the session row on every page; a minute is precise enough.
LAST_SEEN_RESOLUTION = 60


def start_session_clock(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    """On signing in (user_logged_in), start the absolute and idle clocks of the new session.

    Set here rather than on the first page so an ordinary page does not write the session.
    """
    request.session[SESSION_STARTED_KEY] = request.session[SESSION_LAST_SEEN_KEY] = time.time()


def session_idle_timeout(user: User) -> int:
    """Seconds without a request after which this person is signed out."""
    if user.is_client and not user.is_staff:
        return settings.CLIENT_SESSION_IDLE_TIMEOUT
    return settings.SESSION_IDLE_TIMEOUT


class SessionTimeoutMiddleware:
    """End a sign-in after a spell of no requests, and after a fixed time whatever happens.

    Therapists and staff, who can open many clients' records, are signed out sooner when idle
    than clients (SESSION_IDLE_TIMEOUT against CLIENT_SESSION_IDLE_TIMEOUT); everyone is signed
    out SESSION_COOKIE_AGE after signing in, however active (Django's own expiry moves on with
    every save, so it is not an absolute limit by itself).
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        session, now = request.session, time.time()
        started = session.setdefault(SESSION_STARTED_KEY, now)
        last_seen = session.get(SESSION_LAST_SEEN_KEY, now)
        idle = session_idle_timeout(user)
        if now - started > settings.SESSION_COOKIE_AGE or now - last_seen > idle:
            logout(request)
            messages.info(request, "You were signed out to keep your information safe.")
            return redirect_to_login(request.get_full_path())
        if now - last_seen >= LAST_SEEN_RESOLUTION or SESSION_LAST_SEEN_KEY not in session:
            session[SESSION_LAST_SEEN_KEY] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Therapists and staff without a second factor are sent to set one up, admin included.

    One place instead of a decorator per view, so a new page (or the admin) cannot forget it.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path_info.startswith(SECOND_FACTOR_EXEMPT_PREFIXES)
            and second_factor_required(user)
            and not is_mfa_enabled(user)
        ):
            messages.info(request, "Please set up two-factor authentication before continuing.")
            return redirect("mfa_activate_totp")
        return self.get_response(request)


# Pages anyone may read that hold nobody's data: a shared cache or the browser may keep them.
PUBLIC_URL_NAMES = frozenset(
    {
        "practice:home",
        "practice:therapist-list",
        "practice:therapist-detail",
        "practice:what-to-expect",
        "practice:privacy",
        "practice:contact",
    }
)


class NoStoreMiddleware:
    """Every response but an anonymous visitor's public page says Cache-Control: no-store.

    Denying by default means a new page (an intake answer, a signed copy, a held time reached
    through the visitor's session, a signed e-mail link) is never left in a shared or back-button
    cache because someone forgot a decorator.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = request.resolver_match
        public = (
            user is not None
            and not user.is_authenticated
            and match is not None
            and match.view_name in PUBLIC_URL_NAMES
        )
        if not public:
            patch_cache_control(response, no_store=True, private=True)
        return response


class ClockStyleMiddleware:
    """Times of day on the visitor's own clock: 17:30 for a German browser, 5:30 PM for an
    American one (practice/dates.py)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        twenty_four = dates.prefers_24_hour_clock(request.headers.get("Accept-Language", ""))
        with dates.clock_style(twenty_four=twenty_four):
            response = self.get_response(request)
        patch_vary_headers(response, ["Accept-Language"])
        return response
