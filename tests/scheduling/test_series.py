"""A therapist books a follow-up or a weekly series for one of their clients.

The preview lists every date and what blocks it before anything is created; confirming books
every free date in one transaction, or nothing if the plan changed meanwhile.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scheduling import series, services
from scheduling.models import Appointment
from tests.factories import (
    INTAKE_ANSWERS,
    make_appointment,
    make_client,
    make_intake,
    make_session_type,
    make_therapist,
    open_around_the_clock,
)

pytestmark = pytest.mark.django_db
DENVER = ZoneInfo("America/Denver")
# Thursday 17 October 2030; Denver's clocks fall back on Sunday 3 November.
NOW = datetime(2030, 10, 17, 12, 0, tzinfo=DENVER)
FIRST_TUESDAY = date(2030, 10, 22)
URL = "/scheduling/calendar/book/"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _dana_is_always_open(dana):
    open_around_the_clock(dana.therapist)


@pytest.fixture
def weekly(dana):
    return make_session_type(
        name="Weekly session", new_clients_may_book=False, therapists=[dana.therapist]
    )


@pytest.fixture
def alices_first(dana, alice, weekly) -> Appointment:
    """Alice has been seen by Dana: she is Dana's client."""
    return make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=datetime(2030, 10, 15, 10, 0, tzinfo=DENVER),
        session_type=weekly,
        status="attended",
    )


def series_form(alice, weekly, *, count=8, at="10:00", first=FIRST_TUESDAY, **extra) -> dict:
    return {
        "client": alice.pk,
        "session_type": weekly.pk,
        "first_date": str(first),
        "at": at,
        "count": count,
        **extra,
    }


def booked_starts(therapist):
    return [
        a.starts_at.astimezone(DENVER)
        for a in Appointment.objects.filter(therapist=therapist, status="booked")
    ]


def test_the_preview_lists_a_conflict_before_anything_is_created(
    client, dana, alice, bob, weekly, alices_first
):
    make_appointment(
        therapist=dana.therapist,
        client=bob,
        starts_at=datetime(2030, 11, 5, 9, 30, tzinfo=DENVER),
        session_type=weekly,
    )
    client.force_login(dana)

    response = client.post(URL, series_form(alice, weekly, preview="1"))

    page = response.content.decode()
    assert page.count("Will be booked") == 7
    assert "Tuesday 5 November 2030" in page
    assert "Overlaps another session (9:30 AM–10:20 AM)." in page
    assert "7 of 8 sessions will be booked; 1 will be skipped." in page
    assert Appointment.objects.count() == 2  # the preview created nothing


def test_confirming_books_every_free_date_at_10_local_across_the_clock_change(
    client, dana, alice, bob, weekly, alices_first
):
    make_appointment(
        therapist=dana.therapist,
        client=bob,
        starts_at=datetime(2030, 11, 5, 9, 30, tzinfo=DENVER),
        session_type=weekly,
    )
    client.force_login(dana)
    preview = client.post(URL, series_form(alice, weekly, preview="1"))
    fingerprint = preview.context["plan"].fingerprint

    response = client.post(URL, series_form(alice, weekly, confirm="1", fingerprint=fingerprint))

    assert response.url == "/scheduling/calendar/?date=2030-10-22"
    alices = Appointment.objects.filter(client=alice, status="booked").order_by("starts_at")
    assert [a.starts_at.astimezone(DENVER).date() for a in alices] == [
        date(2030, 10, 22),
        date(2030, 10, 29),
        # 5 November is skipped: it overlaps Bob's session.
        date(2030, 11, 12),
        date(2030, 11, 19),
        date(2030, 11, 26),
        date(2030, 12, 3),
        date(2030, 12, 10),
    ]
    assert {a.starts_at.astimezone(DENVER).time() for a in alices} == {time(10, 0)}
    # The same local time is a different UTC time once the clocks fall back.
    assert alices[0].starts_at.astimezone(UTC).hour == 16
    assert alices[2].starts_at.astimezone(UTC).hour == 17
    assert all(a.session_type == weekly and a.therapist == dana.therapist for a in alices)
    assert "Booked 7 session(s)." in client.get(response.url).content.decode()


def test_a_follow_up_is_a_series_of_one_prefilled_from_the_last_session(
    client, dana, alice, weekly, alices_first
):
    client.force_login(dana)
    form = client.get(f"{URL}?after={alices_first.pk}").context["form"]
    assert form.initial["client"] == alice.pk and form.initial["count"] == 1
    assert form.initial["first_date"] == date(2030, 10, 22)
    assert form.initial["at"] == time(10, 0)

    preview = client.post(URL, series_form(alice, weekly, count=1, preview="1"))
    fingerprint = preview.context["plan"].fingerprint
    client.post(URL, series_form(alice, weekly, count=1, confirm="1", fingerprint=fingerprint))

    assert booked_starts(dana.therapist) == [datetime(2030, 10, 22, 10, 0, tzinfo=DENVER)]


def test_if_a_date_is_taken_after_the_preview_nothing_is_booked_and_the_new_plan_shows(
    client, dana, alice, bob, weekly, alices_first
):
    client.force_login(dana)
    preview = client.post(URL, series_form(alice, weekly, count=3, preview="1"))
    fingerprint = preview.context["plan"].fingerprint
    make_appointment(
        therapist=dana.therapist,
        client=bob,
        starts_at=datetime(2030, 10, 29, 10, 0, tzinfo=DENVER),
        session_type=weekly,
    )

    response = client.post(
        URL, series_form(alice, weekly, count=3, confirm="1", fingerprint=fingerprint)
    )

    page = response.content.decode()
    assert "Something changed since you looked, so nothing was booked." in page
    assert "Overlaps another session (10:00 AM–10:50 AM)." in page
    assert not Appointment.objects.filter(client=alice, status="booked").exists()


def test_a_race_inside_the_booking_rolls_the_whole_series_back(dana, alice, bob, weekly):
    plan = series.plan_series(
        client=alice,
        therapist=dana.therapist,
        session_type=weekly,
        first_day=FIRST_TUESDAY,
        at=time(10, 0),
        count=4,
        by=dana,
    )
    # Someone books the third date between the plan and the booking.
    make_appointment(
        therapist=dana.therapist,
        client=bob,
        starts_at=datetime(2030, 11, 5, 10, 0, tzinfo=DENVER),
        session_type=weekly,
    )
    with pytest.raises(services.SlotUnavailable):
        series.book_series(
            plan=plan, client=alice, therapist=dana.therapist, session_type=weekly, by=dana
        )
    assert not Appointment.objects.filter(client=alice).exists()


def test_a_time_the_clocks_skip_and_dates_in_the_past_are_listed_as_skipped(dana, alice, weekly):
    with time_machine.travel(datetime(2031, 3, 1, 12, 0, tzinfo=DENVER), tick=False):
        plan = series.plan_series(
            client=alice,
            therapist=dana.therapist,
            session_type=weekly,
            first_day=date(2031, 2, 23),  # a Sunday, already past
            at=time(2, 30),
            count=3,
            by=dana,
        )
    problems = [session.problem for session in plan.sessions]
    assert problems[0] == "This time has already passed."
    assert problems[1] == ""
    # 9 March 2031: Denver's clocks jump from 02:00 to 03:00.
    assert plan.sessions[2].day == date(2031, 3, 9)
    assert problems[2] == "The clocks change that night, so this time does not exist on this date."


def test_only_the_therapists_own_clients_can_be_chosen(client, dana, alice, bob, weekly):
    make_appointment(
        therapist=dana.therapist,
        client=alice,
        starts_at=datetime(2030, 10, 1, 10, 0, tzinfo=DENVER),
        session_type=weekly,
        status="attended",
    )
    stranger = make_client(email="cy@example.org", first_name="Cy")
    make_appointment(
        therapist=dana.therapist,
        client=stranger,
        starts_at=datetime(2030, 10, 2, 10, 0, tzinfo=DENVER),
        session_type=weekly,
        status="held",
    )
    client.force_login(dana)

    page = client.get(URL).content.decode()
    assert "Alice" in page and "Bob" not in page and "Cy" not in page

    response = client.post(URL, series_form(bob, weekly, preview="1"))
    assert "Select a valid choice." in response.content.decode()
    assert Appointment.objects.filter(client=bob).count() == 0


def test_bad_input_re_renders_the_form_with_messages_and_keeps_what_was_typed(
    client, dana, alice, weekly, alices_first
):
    client.force_login(dana)
    response = client.post(URL, series_form(alice, weekly, count=40, first="2030-13-01"))
    page = response.content.decode()
    assert "Enter a valid date." in page
    assert "Ensure this value is less than or equal to 26." in page
    assert 'value="10:00"' in page and 'value="40"' in page
    assert Appointment.objects.count() == 1


def test_change_the_details_goes_back_to_the_form_with_the_values(
    client, dana, alice, weekly, alices_first
):
    client.force_login(dana)
    response = client.post(URL, series_form(alice, weekly, count=3, edit="1"))
    assert response.templates[0].name == "scheduling/series_form.html"
    assert 'value="3"' in response.content.decode()


def test_a_double_submitted_confirmation_books_the_series_once(
    client, dana, alice, weekly, alices_first
):
    client.force_login(dana)
    fingerprint = (
        client.post(URL, series_form(alice, weekly, count=2, preview="1"))
        .context["plan"]
        .fingerprint
    )
    data = series_form(alice, weekly, count=2, confirm="1", fingerprint=fingerprint)
    client.post(URL, data)
    second = client.post(URL, data)
    assert "Something changed since you looked" in second.content.decode()
    assert Appointment.objects.filter(client=alice, status="booked").count() == 2


def test_booking_series_is_for_therapists(client, alice, sam):
    assert client.get(URL).url.startswith("/accounts/login/")
    for person in (alice, sam):
        client.force_login(person)
        assert client.get(URL).status_code == 403


def test_the_preview_asks_the_booking_service_and_shows_its_reason(
    client, dana, alice, weekly, alices_first, monkeypatch
):
    # A client with consent documents to re-sign cannot be booked (consent app's answer).
    from consent import status as consent_status

    monkeypatch.setattr(consent_status, "may_book", lambda person: person != alice)
    client.force_login(dana)
    response = client.post(URL, series_form(alice, weekly, count=2, preview="1"))
    plan = response.context["plan"]
    assert not plan.bookable and all(session.problem for session in plan.sessions)
    assert "Book 2 sessions" not in response.content.decode()


def test_the_preview_writes_nothing_not_even_messages(
    client, dana, alice, weekly, alices_first, django_capture_on_commit_callbacks
):
    from practice.models import OutboundMessage

    client.force_login(dana)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(URL, series_form(alice, weekly, count=8, preview="1"))
    assert Appointment.objects.count() == 1
    assert not OutboundMessage.objects.exists() and callbacks == []


# A video follow-up asks where the client will be, under the client's own booking rule --------


@pytest.fixture
def video(dana):
    return make_session_type(
        name="Video session",
        modality="telehealth",
        new_clients_may_book=False,
        therapists=[dana.therapist],
    )


def test_a_video_follow_up_asks_where_the_client_will_be(client, dana, alice, alices_first, video):
    client.force_login(dana)
    response = client.post(URL, series_form(alice, video, count=1, preview="1"))
    assert response.context["form"].errors["location"] == [
        "Please ask where the client will be during the session."
    ]


def test_a_video_follow_up_where_the_therapist_is_not_licensed_books_nothing(
    client, dana, alice, alices_first, video
):
    client.force_login(dana)
    preview = client.post(URL, series_form(alice, video, count=2, preview="1", location="WY"))
    plan = preview.context["plan"]
    assert not plan.bookable
    assert "only while the client is in Colorado" in plan.conflicts[0].problem


def test_a_video_follow_up_keeps_where_the_client_will_be_and_is_prefilled_with_it(
    client, dana, alice, alices_first, video
):
    client.force_login(dana)
    data = series_form(alice, video, count=1, location="CO")
    preview = client.post(URL, {**data, "preview": "1"})
    fingerprint = preview.context["plan"].fingerprint
    client.post(URL, {**data, "confirm": "1", "fingerprint": fingerprint})
    booked = Appointment.objects.get(session_type=video)
    assert booked.client_location == "CO"
    assert client.get(f"{URL}?after={booked.pk}").context["form"].initial["location"] == "CO"


# The intake's "How would you like to meet?" is where a follow-up starts -----------------------


def alice_would_rather_meet(alice, dana, answer: str) -> None:
    make_intake(
        client=alice,
        answers={**INTAKE_ANSWERS, "session_format": answer},
        status="new",
        therapist=dana.therapist,
    )


def test_a_follow_up_starts_in_the_way_the_client_asked_for_when_the_therapist_offers_it(
    client, dana, alice, alices_first, video
):
    alice_would_rather_meet(alice, dana, "Telehealth (video)")
    client.force_login(dana)
    response = client.get(f"{URL}?after={alices_first.pk}")
    assert response.context["form"].initial["session_type"] == video.pk
    assert "this client said they would like to meet by video" in response.text


def test_a_follow_up_keeps_the_last_kind_when_the_client_has_no_preference(
    client, dana, alice, alices_first, video
):
    alice_would_rather_meet(alice, dana, "Either is fine")
    client.force_login(dana)
    response = client.get(f"{URL}?after={alices_first.pk}")
    assert response.context["form"].initial["session_type"] == alices_first.session_type_id
    assert "would like to meet" not in response.text


def test_a_follow_up_keeps_the_last_kind_when_the_therapist_offers_only_that_way(
    client, dana, alice, alices_first
):
    alice_would_rather_meet(alice, dana, "Telehealth (video)")
    client.force_login(dana)
    response = client.get(f"{URL}?after={alices_first.pk}")
    assert response.context["form"].initial["session_type"] == alices_first.session_type_id


def test_a_therapist_who_may_not_read_the_intake_gets_no_preference_from_it(
    client, dana, alice, alices_first, video
):
    olu = make_therapist(email="olu@example.org", first_name="Olu")
    make_intake(
        client=alice,
        answers={**INTAKE_ANSWERS, "session_format": "Telehealth (video)"},
        status="new",
        therapist=olu,
    )
    client.force_login(dana)
    response = client.get(f"{URL}?after={alices_first.pk}")
    assert response.context["form"].initial["session_type"] == alices_first.session_type_id
