"""Good Faith Estimates for self-pay clients (No Surprises Act, 45 CFR 149.610)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from practice.models import PracticeSettings
from scheduling import services
from scheduling.estimates import add_business_days, estimate_due_by, federal_holidays
from scheduling.models import GoodFaithEstimate
from tests.scheduling.conftest import NOW
from tests.scheduling.test_booking_pages import WEDNESDAY_TEN, held_appointment_id, hold_time

pytestmark = pytest.mark.django_db

DENVER = ZoneInfo("America/Denver")


@pytest.fixture
def therapy(dana, first_session):
    first_session.fee, first_session.service_code = Decimal("180"), "90791"
    first_session.save()
    practice = PracticeSettings.load()
    practice.npi, practice.tin = "1234567893", "84-1234567"
    practice.address = "1200 Remington Street\nFort Collins, CO 80524"
    practice.save()
    return first_session


def confirm(client, alice, session_type, *, payment, captured):
    held = hold_time(client, session_type, WEDNESDAY_TEN)
    client.force_login(alice)
    with captured(execute=True):
        return client.post(
            f"/scheduling/holds/{held_appointment_id(held)}/confirm/", {"payment": payment}
        )


def test_a_self_pay_booking_gets_an_estimate_with_everything_the_rule_requires(
    client, alice, therapy, frozen, django_capture_on_commit_callbacks
):
    alice.date_of_birth = date(1990, 4, 15)
    alice.save()
    confirm(client, alice, therapy, payment="self_pay", captured=django_capture_on_commit_callbacks)

    estimate = GoodFaithEstimate.objects.get()
    assert estimate.client == alice and estimate.number == 1
    assert estimate.content["client_name"] == "Alice Moreno"
    assert estimate.content["date_of_birth"] == "1990-04-15"
    assert estimate.content["services"] == [
        {
            "description": "First session (50 minutes)",
            "code": "90791",
            "date": "2030-01-09",
            "charge": "180.00",
        }
    ]
    assert estimate.content["npi"] == "1234567893" and estimate.content["tin"] == "84-1234567"
    assert "Dana Whitfield" in estimate.content["provider"]
    assert estimate.content["location"] == "1200 Remington Street, Fort Collins, CO 80524"
    assert estimate.keep_until == date(2036, 1, 7)  # six years

    url = f"/scheduling/sessions/{estimate.appointment_id}/estimate/"
    page = client.get(url).text
    assert "Good Faith Estimate, version 1" in page and "90791" in page and "$180.00" in page
    assert "$400 or more above this estimate" in page
    assert url in client.get("/portal/").text


def test_an_insured_booking_gets_no_estimate(
    client, alice, therapy, frozen, django_capture_on_commit_callbacks
):
    confirm(
        client, alice, therapy, payment="insurance", captured=django_capture_on_commit_callbacks
    )
    assert not GoodFaithEstimate.objects.exists()


def test_the_hold_page_shows_the_estimate_before_confirming(client, alice, therapy, frozen):
    held = hold_time(client, therapy, WEDNESDAY_TEN)
    client.force_login(alice)
    page = client.get(held.url).text
    assert "How will you pay?" in page and "Good Faith Estimate" in page and "90791" in page


def test_the_estimate_is_never_in_an_e_mail(
    client, alice, therapy, frozen, django_capture_on_commit_callbacks
):
    confirm(client, alice, therapy, payment="self_pay", captured=django_capture_on_commit_callbacks)
    for email in mail.outbox:
        assert "90791" not in email.body and "Good Faith" not in email.body


def test_bob_cannot_see_alices_estimate(
    client, alice, bob, therapy, frozen, django_capture_on_commit_callbacks
):
    confirm(client, alice, therapy, payment="self_pay", captured=django_capture_on_commit_callbacks)
    estimate = GoodFaithEstimate.objects.get()
    client.force_login(bob)
    assert (
        client.get(f"/scheduling/sessions/{estimate.appointment_id}/estimate/").status_code == 404
    )


def test_a_change_is_a_new_version_and_the_first_is_kept(
    client, alice, therapy, frozen, django_capture_on_commit_callbacks
):
    confirm(client, alice, therapy, payment="self_pay", captured=django_capture_on_commit_callbacks)
    first = GoodFaithEstimate.objects.get()
    therapy.fee = Decimal("200")
    therapy.save()
    second = services.issue_estimate(appointment=first.appointment, now=NOW)
    assert (first.number, second.number) == (1, 2)
    assert second.content["total"] == "200.00" and first.content["total"] == "180.00"
    page = client.get(f"/scheduling/sessions/{first.appointment_id}/estimate/").text
    assert "version 2" in page and "Earlier versions: 1" in page


# Deadlines: 1 business day when booked 3+ business days ahead, 3 when 10+ ahead -------------


def test_booked_three_business_days_ahead_it_is_due_the_next_business_day():
    friday = date(2030, 1, 4)
    assert estimate_due_by(scheduled_on=friday, service_on=date(2030, 1, 10)) == date(2030, 1, 7)


def test_booked_ten_business_days_ahead_it_is_due_within_three_business_days():
    friday = date(2030, 1, 4)
    assert estimate_due_by(scheduled_on=friday, service_on=date(2030, 1, 25)) == date(2030, 1, 9)


def test_business_days_skip_the_weekend():
    assert add_business_days(date(2030, 1, 4), 1) == date(2030, 1, 7)


def test_federal_holidays_are_the_days_they_are_observed():
    # OPM's list for 2021: Juneteenth (Saturday) on Friday June 18, Independence Day (Sunday) on
    # Monday July 5, Christmas (Saturday) on Friday December 24, and New Year's Day 2022
    # (Saturday) on Friday December 31.
    assert sorted(federal_holidays(2021)) == [
        date(2021, 1, 1),
        date(2021, 1, 18),
        date(2021, 2, 15),
        date(2021, 5, 31),
        date(2021, 6, 18),
        date(2021, 7, 5),
        date(2021, 9, 6),
        date(2021, 10, 11),
        date(2021, 11, 11),
        date(2021, 11, 25),
        date(2021, 12, 24),
        date(2021, 12, 31),
    ]
    # 2022 begins on a Saturday and its New Year's Day was observed in 2021, not in 2022.
    assert date(2022, 1, 1) not in federal_holidays(2022)
    assert date(2022, 1, 3) not in federal_holidays(2022)
    # OPM's list for 2026: Independence Day (Saturday) is observed on Friday July 3.
    assert sorted(federal_holidays(2026)) == [
        date(2026, 1, 1),
        date(2026, 1, 19),
        date(2026, 2, 16),
        date(2026, 5, 25),
        date(2026, 6, 19),
        date(2026, 7, 3),
        date(2026, 9, 7),
        date(2026, 10, 12),
        date(2026, 11, 11),
        date(2026, 11, 26),
        date(2026, 12, 25),
    ]


def test_juneteenth_is_a_holiday_only_from_2021():
    assert date(2020, 6, 19) not in federal_holidays(2020)


def test_business_days_skip_federal_holidays():
    assert add_business_days(date(2030, 11, 27), 1) == date(2030, 11, 29)  # over Thanksgiving
    assert add_business_days(date(2026, 7, 2), 1) == date(2026, 7, 6)  # over Friday July 3


@pytest.mark.parametrize(
    ("booked_on", "session_on", "due"),
    [
        (
            datetime(2030, 1, 4, 16, tzinfo=DENVER),
            datetime(2030, 1, 10, 10, tzinfo=DENVER),
            date(2030, 1, 7),
        ),
        (
            datetime(2030, 1, 4, 16, tzinfo=DENVER),
            datetime(2030, 1, 25, 10, tzinfo=DENVER),
            date(2030, 1, 9),
        ),
        # Thanksgiving (Thursday November 28, 2030) is not a business day.
        (
            datetime(2030, 11, 27, 16, tzinfo=DENVER),
            datetime(2030, 12, 4, 10, tzinfo=DENVER),
            date(2030, 11, 29),
        ),
        (
            datetime(2030, 11, 26, 16, tzinfo=DENVER),
            datetime(2030, 12, 13, 10, tzinfo=DENVER),
            date(2030, 12, 2),
        ),
        # Independence Day 2026 falls on a Saturday and is observed on Friday July 3.
        (
            datetime(2026, 7, 2, 16, tzinfo=DENVER),
            datetime(2026, 7, 9, 10, tzinfo=DENVER),
            date(2026, 7, 6),
        ),
    ],
)
def test_the_estimate_issued_at_booking_meets_its_legal_deadline(
    alice, dana, therapy, booked_on, session_on, due
):
    with time_machine.travel(booked_on, tick=False):
        held = services.hold_slot(
            therapist=dana.therapist, session_type=therapy, starts_at=session_on, hold_key="k" * 30
        )
        services.confirm_booking(
            appointment_id=held.pk, hold_key="k" * 30, client=alice, payment="self_pay"
        )
    estimate = GoodFaithEstimate.objects.get()
    assert estimate.due_by == due
    assert estimate.issued_at.astimezone(DENVER).date() <= estimate.due_by


def test_staff_issue_a_new_version_from_the_admin(
    client, alice, sam, therapy, frozen, django_capture_on_commit_callbacks
):
    confirm(client, alice, therapy, payment="self_pay", captured=django_capture_on_commit_callbacks)
    first = GoodFaithEstimate.objects.get()
    sam.is_staff = True
    sam.save()
    client.force_login(sam)
    response = client.post(
        "/admin/scheduling/goodfaithestimate/",
        {"action": "issue_new_version", "_selected_action": [first.pk]},
    )
    assert response.status_code == 302
    assert list(GoodFaithEstimate.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
    ]
