"""The pages the bench measures, who asks for each, and their SQL queries per request.

A page is visited as a real person would: anonymous, or with the session cookie of a seeded
person signed in the way the site signs people in (`force_login` runs the same signal that
starts the session clocks). Therapists and staff have an authenticator app, so the
second-factor middleware lets them through as in production.
"""

import http.client
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench.load import Load
from bench.seed import Cast

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Visit:
    path: str
    cookie: str = ""  # "sessionid=..." or empty for an anonymous visitor


@dataclass(frozen=True)
class Page:
    name: str
    visit: Callable[["Visitors"], Visit]
    staff: bool = False  # a staff page: measured again at the larger size
    loaded: bool = True  # measured under load (False: only at the larger size)


@dataclass
class Visitors:
    """Session cookies for the cast, made once per person."""

    cast: Cast
    cookies: dict[int, str] = field(default_factory=dict)

    def cookie(self, user) -> str:
        if user.pk not in self.cookies:
            browser = Client(HTTP_HOST=HOST)
            browser.force_login(user)
            name = settings.SESSION_COOKIE_NAME
            self.cookies[user.pk] = f"{name}={browser.cookies[name].value}"
        return self.cookies[user.pk]

    def as_staff(self, path: str) -> Visit:
        return Visit(path, self.cookie(self.cast.staff))

    def slot_page(self) -> Visit:
        today = timezone.localdate()
        next_monday = today + timedelta(days=7 - today.weekday())
        path = reverse("scheduling:book", kwargs={"slug": self.cast.therapist.slug})
        query = f"session_type={self.cast.session_type.pk}&tz=America%2FNew_York"
        return Visit(f"{path}?{query}&week={next_monday.isoformat()}")

    def hold_page(self) -> Visit:
        """A visitor who has just held a time (a new hold each call: holds last minutes)."""
        from scheduling.availability import open_slots_for

        therapist, session_type = self.cast.therapist, self.cast.session_type
        now = timezone.now()
        slot = open_slots_for(
            therapist, session_type, start=now, end=now + timedelta(days=60), now=now
        )[0]
        browser = Client(HTTP_HOST=HOST)
        response = browser.post(
            reverse("scheduling:hold-create", kwargs={"slug": therapist.slug}),
            {
                "session_type": session_type.pk,
                "starts_at": slot.isoformat(),
                "tz": "America/New_York",
                "location": "CO",
            },
        )
        if response.status_code != 302:
            raise PageError(f"holding a time answered {response.status_code}, not 302")
        name = settings.SESSION_COOKIE_NAME
        return Visit(response["Location"], f"{name}={browser.cookies[name].value}")


def _named(*names: str, **kwargs) -> str:
    """The page's path by its URL name (for a page that moved, its name now, then its old one)."""
    for name in names[:-1]:
        try:
            return reverse(name, kwargs=kwargs or None)
        except NoReverseMatch:
            continue
    return reverse(names[-1], kwargs=kwargs or None)


PAGES = [
    Page("bare Django view", lambda v: Visit("/bench/bare/")),
    # Not targets: what being signed in costs before a page does anything (the session, the
    # person, for staff the second factor), beside the anonymous bare view.
    Page("bare view, as a client", lambda v: Visit("/bench/bare/", v.cookie(v.cast.client))),
    Page("bare view, as staff", lambda v: v.as_staff("/bench/bare/")),
    Page("home", lambda v: Visit(_named("practice:home"))),
    Page("therapist directory", lambda v: Visit(_named("practice:therapist-list"))),
    Page(
        "therapist profile",
        lambda v: Visit(_named("practice:therapist-detail", slug=v.cast.therapist.slug)),
    ),
    Page("slot page", Visitors.slot_page),
    Page("hold page", Visitors.hold_page),
    Page(
        "client portal",
        lambda v: Visit(_named("practice:portal"), v.cookie(v.cast.client)),
    ),
    Page(
        "intake section",
        lambda v: Visit(_named("intake:section", step=2), v.cookie(v.cast.drafting_client)),
    ),
    Page(
        "therapist week calendar",
        lambda v: Visit(_named("scheduling:calendar"), v.cookie(v.cast.therapist.user)),
    ),
    Page("staff intake queue", lambda v: v.as_staff(_named("intake:queue")), staff=True),
    Page(
        "intake submission page",
        lambda v: v.as_staff(_named("intake:submission-detail", pk=v.cast.submission.pk)),
        staff=True,
    ),
    Page("staff message list", lambda v: v.as_staff(_named("practice:message-list")), staff=True),
    # The other staff pages, measured at the larger size only.
    Page(
        "staff dashboard",
        lambda v: v.as_staff(_named("practice:staff-dashboard")),
        staff=True,
        loaded=False,
    ),
    Page(
        "consent overview", lambda v: v.as_staff(_named("consent:staff")), staff=True, loaded=False
    ),
    Page(
        "audit log",
        lambda v: v.as_staff(_named("practice:audit-log", "intake:audit-log")),
        staff=True,
        loaded=False,
    ),
    Page(
        "staff calendar",
        lambda v: v.as_staff(_named("scheduling:staff-calendar")),
        staff=True,
        loaded=False,
    ),
]


class PageError(Exception):
    """The page cannot be measured: its URL name is gone, or it does not answer 200."""


def visit(page: Page, visitors: Visitors) -> Visit:
    """The page's address and the cookie of the person it is measured as."""
    try:
        return page.visit(visitors)
    except NoReverseMatch as error:
        raise PageError(f"no URL by that name any more ({error})") from error


def count_queries(target: Visit) -> int:
    """SQL queries of one request, served in-process; the page must answer 200.

    The fewer of the person's second and third requests is counted: the first request of
    each minute also records in the session that they are active (practice/middleware.py),
    which is not the page's cost, and a new minute may begin between two requests.
    """
    browser = Client(HTTP_HOST=HOST)
    if target.cookie:
        name, _, value = target.cookie.partition("=")
        browser.cookies[name] = value
    browser.get(target.path)
    counts = []
    for _request in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = browser.get(target.path)
        if response.status_code != 200:
            raise PageError(f"{target.path} answered {response.status_code} in-process, not 200")
        counts.append(len(queries))
    return min(counts)


def _get(base: str, target: Visit) -> int:
    """One GET of the page from the bench's own server; its status."""
    host, port = base.removeprefix("http://").split(":")
    server = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        headers = {"Cookie": target.cookie} if target.cookie else {}
        server.request("GET", target.path, headers=headers)
        response = server.getresponse()
        response.read()
        return response.status
    finally:
        server.close()


def check(base: str, target: Visit) -> str:
    """The page's full URL, once the server has answered it with 200 (not a redirect to the
    login page, which wrk would count as a success)."""
    status = _get(base, target)
    if status != 200:
        raise PageError(f"{target.path} answered {status} under gunicorn, not 200")
    return base + target.path


def one_at_a_time(base: str, target: Visit, *, seconds: float, at_least: int = 3) -> Load:
    """Latency of requests made one after another for `seconds`, and at least `at_least` of
    them unless that takes three times as long: a page slower than the run still gets a figure,
    and a very slow one does not hold the run up."""
    timings: list[float] = []
    errors = 0
    started = time.perf_counter()

    def more() -> bool:
        elapsed = time.perf_counter() - started
        return elapsed < seconds or (len(timings) < at_least and elapsed < 3 * seconds)

    while not timings or more():
        before = time.perf_counter()
        errors += _get(base, target) != 200
        timings.append((time.perf_counter() - before) * 1000)
    timings.sort()
    return Load(
        connections=1,
        requests_per_second=len(timings) / (time.perf_counter() - started),
        p50_ms=statistics.median(timings),
        p99_ms=timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))],
        requests=len(timings),
        errors=errors,
    )
