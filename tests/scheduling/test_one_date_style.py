"""Pages and messages write dates and times one way (issue 10: there were 27 ways)."""

import re

import pytest
from django.core import mail

from tests.factories import make_appointment
from tests.scheduling.conftest import denver

pytestmark = pytest.mark.django_db

WEEKDAY = "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
MONTH = "(?:January|February|March|April|May|June|July|August|September|October|November|December)"
HOUSE_DATE = re.compile(rf"{WEEKDAY} \d{{1,2}} {MONTH}")
# Another style: "Jan 9", "January 9", "Wed 9 Jan", "9 Jan 2030", "10:00 am", "10:00".
OTHER_STYLE = re.compile(
    rf"\b{MONTH} \d{{1,2}}\b"
    r"|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
    r"|(?<![\d.])\d{1,2}:\d\d(?!\d)(?! [AP]M)"
)


def visible_text(html: str) -> str:
    """What a person reads: no tags, attributes, scripts or the zone menu's names."""
    html = re.sub(r"<(script|select)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def assert_one_style(text: str) -> None:
    assert not OTHER_STYLE.findall(text), OTHER_STYLE.findall(text)
    for month in re.finditer(MONTH, text):
        assert HOUSE_DATE.search(text, max(month.start() - 14, 0), month.end()), text[
            month.start() - 30 : month.end()
        ]


def test_booking_pages_and_the_confirmation_read_one_way(
    client, alice, dana, first_session, frozen, django_capture_on_commit_callbacks
):
    week = client.get(
        "/scheduling/book/dana-whitfield/",
        {"session_type": first_session.pk, "tz": "America/Denver"},
    )
    held = client.post(
        "/scheduling/book/dana-whitfield/hold/",
        {
            "session_type": first_session.pk,
            "starts_at": denver(9, 10).isoformat(),
            "tz": "America/Denver",
        },
    )
    client.force_login(alice)
    hold_page = client.get(held.url)
    with django_capture_on_commit_callbacks(execute=True):
        booked = client.post(held.url + "confirm/", follow=True)
    portal = client.get("/portal/")

    for page in (week, hold_page, booked, portal):
        assert_one_style(visible_text(page.text))
    assert "Wednesday 9 January 2030, 10:00 AM MST" in visible_text(portal.text)
    [email] = mail.outbox
    assert_one_style(email.subject + email.body)
    assert email.subject == "Your appointment on Wednesday 9 January 2030, 10:00 AM MST"


def test_the_therapists_calendar_and_a_session_read_one_way(
    client, alice, dana, first_session, frozen
):
    appointment = make_appointment(
        therapist=dana.therapist, client=alice, starts_at=denver(9, 10), session_type=first_session
    )
    client.force_login(dana)

    calendar = client.get("/scheduling/calendar/", {"date": "2030-01-09"})
    detail = client.get(f"/scheduling/calendar/appointments/{appointment.pk}/")

    for page in (calendar, detail):
        assert_one_style(visible_text(page.text))
    assert "Wednesday 9 January 2030, 10:00 AM–10:50 AM" in visible_text(detail.text)
