"""A therapist sets their own hours, single days, time off and booking rules."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from scheduling.models import AvailabilityException, BookingRules, TimeOff, WeeklyAvailability
from tests.factories import make_therapist, make_weekly_hours

pytestmark = pytest.mark.django_db


def hours_formset(rows, *, initial=0):
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": str(initial),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        data.update({f"hours-{number}-{key}": value for key, value in row.items()})
    return data


def test_a_therapist_sets_weekly_hours(client, dana):
    client.force_login(dana)
    assert "Your weekly hours" in client.get("/scheduling/availability/").text

    response = client.post(
        "/scheduling/availability/",
        hours_formset(
            [
                {"weekday": "1", "start": "09:00", "end": "12:00"},
                {"weekday": "1", "start": "13:00", "end": "17:00"},
            ]
        ),
    )

    assert response.url == "/scheduling/availability/"
    hours = WeeklyAvailability.objects.filter(therapist=dana.therapist)
    assert [(h.weekday, h.start, h.end) for h in hours] == [
        (1, time(9), time(12)),
        (1, time(13), time(17)),
    ]


def test_hours_that_end_before_they_start_are_refused_beside_the_field(client, dana):
    client.force_login(dana)
    response = client.post(
        "/scheduling/availability/",
        hours_formset([{"weekday": "2", "start": "17:00", "end": "09:00"}]),
    )
    assert response.status_code == 200
    assert "The end must be later than the start" in response.text
    assert 'value="17:00"' in response.text  # the input is kept
    assert not WeeklyAvailability.objects.exists()


def test_a_therapist_removes_hours(client, dana):
    (monday,) = make_weekly_hours(therapist=dana.therapist, weekdays=[0])
    client.force_login(dana)
    client.post(
        "/scheduling/availability/",
        hours_formset(
            [{"id": monday.pk, "weekday": "0", "start": "09:00", "end": "17:00", "DELETE": "on"}],
            initial=1,
        ),
    )
    assert not WeeklyAvailability.objects.exists()


def test_a_therapist_only_sees_and_edits_their_own_hours(client, dana):
    other = make_therapist(email="olive@example.org", first_name="Olive", last_name="Park")
    (theirs,) = make_weekly_hours(therapist=other, weekdays=[4], start="07:00", end="08:00")
    client.force_login(dana)
    assert "07:00" not in client.get("/scheduling/availability/").text
    client.post(
        "/scheduling/availability/",
        hours_formset(
            [{"id": theirs.pk, "weekday": "4", "start": "07:00", "end": "08:00", "DELETE": "on"}],
            initial=1,
        ),
    )
    assert WeeklyAvailability.objects.filter(pk=theirs.pk).exists()


def test_booking_rules_are_saved_in_plain_units(client, dana):
    client.force_login(dana)
    page = client.get("/scheduling/availability/rules/")
    assert 'name="minimum_notice" value="24"' in page.text  # the defaults, in hours

    client.post(
        "/scheduling/availability/rules/",
        {"minimum_notice": "48", "horizon": "30", "buffer": "15", "max_sessions_per_day": "5"},
    )

    rules = BookingRules.objects.get(therapist=dana.therapist)
    assert rules.minimum_notice == timedelta(hours=48) and rules.horizon == timedelta(days=30)
    assert rules.buffer == timedelta(minutes=15) and rules.max_sessions_per_day == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minimum_notice": "2000", "horizon": "60"}, "Minimum notice must be shorter"),
        ({"minimum_notice": "24", "horizon": "0"}, "must be longer than zero"),
        ({"minimum_notice": "24", "horizon": "60", "buffer": "1440"}, "shorter than a day"),
        ({"minimum_notice": "24", "horizon": "60", "max_sessions_per_day": "0"}, "at least 1"),
        ({"minimum_notice": "-1", "horizon": "60"}, "zero or more"),
    ],
)
def test_contradictory_booking_rules_are_refused_with_a_clear_message(client, dana, data, message):
    client.force_login(dana)
    response = client.post("/scheduling/availability/rules/", {"buffer": "0", **data})
    assert response.status_code == 200 and message in response.text
    assert not BookingRules.objects.exists()


def test_the_model_refuses_contradictory_rules_too(dana):
    rules = BookingRules(
        therapist=dana.therapist, minimum_notice=timedelta(days=90), horizon=timedelta(days=60)
    )
    with pytest.raises(ValidationError) as refused:
        rules.full_clean()
    assert "minimum_notice" in refused.value.message_dict


def test_time_off_is_typed_on_the_therapists_own_clock(client, dana):
    client.force_login(dana)
    response = client.post(
        "/scheduling/availability/time-off/",
        {"starts_at": "2030-07-01T09:00", "ends_at": "2030-07-01T13:00", "reason": "Dentist"},
    )
    assert response.url == "/scheduling/availability/time-off/"
    entry = TimeOff.objects.get()
    assert entry.starts_at == datetime(2030, 7, 1, 15, 0, tzinfo=UTC)  # 09:00 MDT
    assert "Dentist" in client.get("/scheduling/availability/time-off/").text


def test_time_off_that_ends_before_it_starts_is_refused(client, dana):
    client.force_login(dana)
    response = client.post(
        "/scheduling/availability/time-off/",
        {"starts_at": "2030-07-01T13:00", "ends_at": "2030-07-01T09:00"},
    )
    assert "Time off must end after it starts." in response.text
    assert not TimeOff.objects.exists()


def test_time_off_at_a_time_the_clock_skips_is_refused(client, dana):
    client.force_login(dana)
    response = client.post(
        "/scheduling/availability/time-off/",
        {"starts_at": "2030-03-10T02:30", "ends_at": "2030-03-10T05:00"},
    )
    assert response.status_code == 200 and "couldn’t be interpreted" in response.text
    assert not TimeOff.objects.exists()


def test_a_therapist_removes_their_own_time_off_but_not_anyone_elses(client, dana):
    other = make_therapist(email="olive@example.org", first_name="Olive", last_name="Park")
    start = datetime(2030, 7, 1, 15, tzinfo=UTC)
    mine = TimeOff.objects.create(
        therapist=dana.therapist, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    theirs = TimeOff.objects.create(
        therapist=other, starts_at=start, ends_at=start + timedelta(hours=2)
    )
    client.force_login(dana)
    assert client.post(f"/scheduling/availability/time-off/{theirs.pk}/delete/").status_code == 404
    client.post(f"/scheduling/availability/time-off/{mine.pk}/delete/")
    assert list(TimeOff.objects.all()) == [theirs]


def test_a_therapist_closes_a_single_day_or_sets_other_hours(client, dana):
    client.force_login(dana)
    client.post("/scheduling/availability/days/", {"date": "2030-07-04", "note": "Holiday"})
    client.post(
        "/scheduling/availability/days/", {"date": "2030-07-05", "start": "10:00", "end": "12:00"}
    )
    closed, short = AvailabilityException.objects.order_by("date")
    assert closed.is_closed and short.start == time(10)


def test_a_day_with_only_one_time_is_refused_with_a_message(client, dana):
    client.force_login(dana)
    response = client.post(
        "/scheduling/availability/days/", {"date": "2030-07-06", "start": "10:00"}
    )
    assert "Give both a start and an end time" in response.text


def test_a_therapist_cannot_remove_someone_elses_day(client, dana):
    other = make_therapist(email="olive@example.org", first_name="Olive", last_name="Park")
    theirs = AvailabilityException.objects.create(therapist=other, date=datetime(2030, 7, 4).date())
    client.force_login(dana)
    response = client.post(f"/scheduling/availability/days/{theirs.pk}/delete/")
    assert response.status_code == 404 and AvailabilityException.objects.exists()


def test_the_calendar_links_to_the_availability_pages(client, dana):
    client.force_login(dana)
    assert 'href="/scheduling/availability/"' in client.get("/scheduling/calendar/").text
