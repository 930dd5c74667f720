"""A therapist's open times on pages kept for visitors (practice/shared_pages.py).

A booking between two visits takes the time off the kept page: tests/scheduling/
test_slot_cache.py, whose visitors are not signed in, so its pages are kept ones.
"""

import re
from datetime import UTC, timedelta

import pytest
from django.test import Client

from practice.shared_pages import CSRF_PLACEHOLDER
from scheduling.models import SessionType
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db

PROFILE = "/therapists/dana-whitfield/"
BOOK = "/scheduling/book/dana-whitfield/"
HOLD = "/scheduling/book/dana-whitfield/hold/"


def first_times(page: str) -> str:
    return page.split('id="first-times"')[1].split("</form>")[0]


def offered(html: str, moment) -> bool:
    return f'value="{moment.astimezone(UTC).isoformat()}"' in html


def test_a_time_that_falls_inside_the_notice_leaves_the_kept_page_within_a_minute(
    client, dana, first_session, frozen
):
    noon_tomorrow = denver(8, 12)  # exactly the 24 hours' notice from now
    assert offered(first_times(client.get(PROFILE).text), noon_tomorrow)
    assert offered(first_times(Client().get(PROFILE).text), noon_tomorrow)  # the kept page
    frozen.shift(timedelta(minutes=1))
    later = first_times(Client().get(PROFILE).text)
    assert not offered(later, noon_tomorrow) and offered(later, denver(8, 12, 30))


def test_each_visitor_gets_their_own_token_on_a_kept_page_and_can_hold_with_it(
    dana, first_session, frozen
):
    week = {"session_type": first_session.pk, "week": "2030-01-14"}
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):  # the second gets the page kept for the first
        page = visitor.get(BOOK, week).text
        assert CSRF_PLACEHOLDER not in page
        tokens.append(token_of(page))
        assert "csrftoken" in visitor.cookies
    assert tokens[0] != tokens[1]
    held = second.post(
        HOLD,
        {
            "csrfmiddlewaretoken": tokens[1],
            "session_type": first_session.pk,
            "starts_at": denver(14, 10).isoformat(),
            "tz": "America/Denver",
        },
    )
    assert held.status_code == 302 and held.url.startswith("/scheduling/holds/")


def test_a_change_to_the_kinds_of_session_shows_on_the_next_visit(
    client, dana, first_session, frozen
):
    assert "First session" in client.get(PROFILE).text
    SessionType.objects.filter(pk=first_session.pk).update(name="Getting started")
    assert "Getting started" in Client().get(PROFILE).text
    first_session.therapists.remove(dana.therapist)
    assert "Getting started" not in Client().get(PROFILE).text


def test_the_first_times_in_the_browsers_zone_are_kept_too(
    client, dana, first_session, frozen, django_assert_num_queries
):
    url = "/scheduling/book/dana-whitfield/first-times/?tz=Europe/Berlin"
    first = client.get(url).text
    with django_assert_num_queries(1):  # the site's and the calendar's versions
        kept = Client().get(url).text
    assert offered(first_times(kept), denver(8, 12)) and "Berlin time" in kept
    assert kept.replace(token_of(kept), "") == first.replace(token_of(first), "")


def token_of(page: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert found is not None, "no CSRF token in the page"
    return found[1]
