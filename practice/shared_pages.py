"""Public pages kept rendered in each web process for visitors who are not signed in.

Most requests to a practice's site are strangers reading the home page and the therapists;
rendering the same page again for each of them was most of its cost. A page is kept under
the versions of everything it shows (`SiteVersion`, a number PostgreSQL triggers bump in the
same transaction as every change to what public pages show), so a kept page is never served
once a change has committed.

Only a visitor with neither a session nor a message waiting gets a kept page, so nothing
about one person is ever shown to another; and only a page that answered 200 without setting
a cookie is kept. A CSRF token, the one part of a form that differs per visitor, is written
into the page as it is served. On SQLite (`make run`) there are no versions and nothing is
kept.

Pages with a therapist's open times also depend on the therapist's calendar version
(scheduling, which sits above this app, hands over how to read it with the site's version in
one query) and on the minute: as time passes, the first times fall inside the booking notice.
Holding a time checks it again.
"""

import secrets
from collections.abc import Callable
from functools import partial, wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

from practice import dates

# Stands in for the CSRF token while a page is rendered to be kept: random per process, so
# no text a page shows can contain it.
CSRF_PLACEHOLDER = f"csrf-placeholder-{secrets.token_hex(16)}"
_KEEPING = "_rendering_a_kept_page"

type View = Callable[..., HttpResponse]
type Versions = Callable[..., object | None]

_calendar_versions: Callable[[str], tuple[int, int] | None] | None = None


def site_version() -> int | None:
    """The number of the last change to what public pages show; None where none is kept."""
    if connection.vendor != "postgresql":
        return None
    # The one query of a kept page, in plain SQL: compiling it through the ORM would cost
    # more than running it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM practice_siteversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def kept_for_visitors(view: View | None = None, *, versions: Versions | None = None):
    """Serve the view's page to visitors who are not signed in from a copy kept in this
    process, filed under the address, the visitor's clock style and the versions of what it
    shows: `versions(request, **kwargs)` for a page that shows more than the site
    (`open_times_of`), else the site's version. None keeps nothing."""
    if view is None:
        return partial(kept_for_visitors, versions=versions)

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _without_personal_state(request):
            return view(request, *args, **kwargs)
        version = versions(request, **kwargs) if versions else site_version()
        if version is None:
            return view(request, *args, **kwargs)
        clock = int(dates.twenty_four_hour.get())
        key = f"{version}|{clock}|{request.get_full_path()}"
        kept = caches["pages"].get(key)
        if kept is None:
            setattr(request, _KEEPING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                # An error page rendered after the view raised gets a real token.
                delattr(request, _KEEPING)
            if response.status_code != 200 or response.cookies or response.streaming:
                return _with_token(request, response)
            kept = (response.content, list(response.headers.items()))
            caches["pages"].set(key, kept)
        content, headers = kept
        return _with_token(request, HttpResponse(content, headers=dict(headers)))

    return wrapper


def look_up_calendars_with(lookup: Callable[[str], tuple[int, int] | None]) -> None:
    """Take the function that gives, in one query, the site's version and the calendar
    version of the therapist with a slug (from scheduling, when the app registry is ready:
    scheduling/apps.py)."""
    global _calendar_versions
    _calendar_versions = lookup


def open_times_of(request: HttpRequest, *, slug: str, **kwargs) -> str | None:
    """The versions a page with a therapist's open times is filed under: the site's, the
    therapist's calendar's, and the minute."""
    if _calendar_versions is None:
        raise ImproperlyConfigured("nothing tells practice how to read a calendar's version")
    found = _calendar_versions(slug)
    if found is None:
        return None
    minute = timezone.now().replace(second=0, microsecond=0)
    return f"{found[0]}.{found[1]}@{minute:%Y-%m-%dT%H:%M}"


def csrf_placeholder(request: HttpRequest) -> dict[str, str]:
    """The context processor that puts the placeholder where a kept page's token goes."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _KEEPING, False) else {}


def _without_personal_state(request: HttpRequest) -> bool:
    """A GET from someone with no session and no message waiting: nothing on the page can be
    theirs alone (the CSRF token aside)."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and not request.headers.get("HX-Request")
    )


def _with_token(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    placeholder = CSRF_PLACEHOLDER.encode()
    if not response.streaming and placeholder in response.content:
        # get_token also has the CSRF middleware set the visitor's cookie, as rendering would.
        response.content = response.content.replace(placeholder, get_token(request).encode())
    return response
