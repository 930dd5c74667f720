"""Goals in the client's words, steps either side adds and marks done, and the chart of scores:
who sees them, what the page says, and that the page's numbers are the stored ones."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake import progress, services
from intake.models import Goal, GoalStep, MeasureRound, MeasureSchedule, ScreenerResult
from intake.progress_rules import RELIABLE_CHANGE, Score, chart_y, describe_change, split_goals
from practice.audit import AuditEntry
from tests.factories import INTAKE_ANSWERS, make_intake, make_therapist
from tests.scheduling.test_concurrency import race

pytestmark = pytest.mark.django_db

GOALS = "- Sleep before midnight\n- Call my sister every week\n\n"


@pytest.fixture
def intake(alice, dana):
    """Alice's sent intake, assigned to dana, with two goals from its goals answer."""
    submission = make_intake(
        client=alice, status="new", therapist=dana.therapist, answers={"goals": GOALS}
    )
    services.write_goals(submission, GOALS)
    return submission


@pytest.fixture
def erin(db):
    """Another therapist, who must never see alice's goals or scores."""
    return make_therapist(email="erin@example.org", first_name="Erin", last_name="Cole").user


def first_goal(intake) -> Goal:
    return Goal.objects.filter(submission=intake).earliest("position")


def add_result(intake, *, instrument: str, total: int, severity: str, when: datetime):
    """A score from a round answered at `when` (created as the round would have stored it)."""
    with time_machine.travel(when, tick=False):
        measure_round = MeasureRound.objects.create(
            submission=intake, opened_at=when, completed_at=when
        )
        return ScreenerResult.objects.create(
            submission=intake,
            round=measure_round,
            instrument=instrument,
            total=total,
            severity=severity,
        )


# Goals from the intake ---------------------------------------------------------------------


def test_sending_the_intake_turns_its_goals_answer_into_goals_in_the_clients_words(
    client, alice, dana, intake_version
):
    draft = make_intake(client=alice, answers={**INTAKE_ANSWERS, "goals": GOALS})
    services.submit_intake(submission=draft)
    goals = list(Goal.objects.filter(submission=draft).values_list("text", flat=True))
    assert goals == ["Sleep before midnight", "Call my sister every week"]

    client.force_login(alice)
    page = client.get("/portal/").content.decode()
    assert "Your goals" in page and "Call my sister every week" in page


def test_goals_are_made_once_even_if_asked_twice(intake):
    services.write_goals(intake, "- Something else")
    assert Goal.objects.filter(submission=intake).count() == 2


def test_a_goal_written_as_a_paragraph_stays_whole():
    answer = "I want to feel less tired, and to stop cancelling on friends."
    assert split_goals(answer) == [answer]
    assert split_goals("1. Run\n2) Read\n• Rest") == ["Run", "Read", "Rest"]
    assert split_goals(None) == [] and split_goals("   ") == []


# Steps ---------------------------------------------------------------------------------------


def test_client_and_therapist_each_add_steps_and_either_marks_one_done(client, alice, dana, intake):
    goal = first_goal(intake)
    client.force_login(alice)
    response = client.post(f"/intake/goals/{goal.pk}/steps/", {"text": "  Phone off at 23:00  "})
    assert response.status_code == 302 and response.url == "/portal/#goals-heading"
    client.force_login(dana)
    response = client.post(f"/intake/goals/{goal.pk}/steps/", {"text": "Keep a sleep diary"})
    assert response.url == f"/intake/submissions/{intake.pk}/#goals-heading"
    own, dana_s = GoalStep.objects.order_by("pk")
    assert (own.text, own.added_by, dana_s.added_by) == ("Phone off at 23:00", alice, dana)

    client.post(f"/intake/steps/{own.pk}/done/")  # the therapist marks the client's step
    client.force_login(alice)
    client.post(f"/intake/steps/{dana_s.pk}/done/")  # and the client the therapist's
    own.refresh_from_db()
    dana_s.refresh_from_db()
    assert (own.done_by, dana_s.done_by) == (dana, alice)
    assert own.done_at and dana_s.done_at


def test_marking_a_step_done_twice_changes_nothing(client, alice, dana, intake):
    step = progress.add_step(goal=first_goal(intake), text="Walk to work", by=alice)
    client.force_login(alice)
    client.post(f"/intake/steps/{step.pk}/done/")
    step.refresh_from_db()
    first_done = step.done_at
    client.force_login(dana)
    response = client.post(f"/intake/steps/{step.pk}/done/", follow=True)
    assert "That step was already marked done." in response.content.decode()
    step.refresh_from_db()
    assert (step.done_at, step.done_by) == (first_done, alice)


def test_a_done_step_is_celebrated_in_the_portal(client, alice, dana, intake):
    step = progress.add_step(goal=first_goal(intake), text="Phone off at 23:00", by=dana)
    client.force_login(alice)
    page = client.get("/portal/").content.decode()
    assert "Well done" not in page
    progress.mark_step_done(step=step, by=dana)
    page = client.get("/portal/").content.decode()
    assert "Well done: you finished “Phone off at 23:00”" in page
    assert "Every small step counts." in page


def test_a_blank_step_is_refused_in_plain_words_and_nothing_is_added(client, alice, intake):
    goal = first_goal(intake)
    client.force_login(alice)
    response = client.post(f"/intake/goals/{goal.pk}/steps/", {"text": "   "})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'role="alert"' in page and "Please write the step." in page
    assert "Towards: Sleep before midnight" in page
    too_long = "x" * 301
    response = client.post(f"/intake/goals/{goal.pk}/steps/", {"text": too_long})
    assert too_long in response.content.decode()  # the input is kept
    assert not GoalStep.objects.exists()


# Who sees what ------------------------------------------------------------------------------


def test_another_therapist_and_another_client_get_404_for_every_goal_and_schedule_url(
    client, alice, bob, erin, intake
):
    goal = first_goal(intake)
    step = progress.add_step(goal=goal, text="Walk to work", by=alice)
    for person in (bob, erin):
        client.force_login(person)
        assert client.post(f"/intake/goals/{goal.pk}/steps/", {"text": "x"}).status_code == 404
        assert client.get(f"/intake/goals/{goal.pk}/steps/").status_code == 404
        assert client.post(f"/intake/steps/{step.pk}/done/").status_code == 404
    client.force_login(erin)
    schedule = {"every": 2, "unit": "weeks", "active": "on"}
    assert client.post(f"/intake/submissions/{intake.pk}/measures/", schedule).status_code == 404
    step.refresh_from_db()
    assert step.done_at is None and GoalStep.objects.count() == 1
    assert not MeasureSchedule.objects.exists()


def test_marking_done_is_a_post_and_strangers_are_sent_to_log_in(client, alice, intake):
    step = progress.add_step(goal=first_goal(intake), text="Walk to work", by=alice)
    response = client.post(f"/intake/steps/{step.pk}/done/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    client.force_login(alice)
    assert client.get(f"/intake/steps/{step.pk}/done/").status_code == 405


def test_every_look_by_the_therapist_or_staff_is_audited_and_the_clients_own_are_not(
    client, alice, dana, sam, intake
):
    client.force_login(alice)
    client.get("/portal/")
    assert not AuditEntry.objects.exists()
    for person in (dana, sam):
        client.force_login(person)
        assert client.get(f"/intake/submissions/{intake.pk}/").status_code == 200
    rows = AuditEntry.objects.filter(client=alice, action="viewed")
    assert sorted(rows.values_list("actor__email", "record")) == [
        ("dana@example.org", "Goals"),
        ("dana@example.org", "Intake"),
        ("dana@example.org", "Questionnaire scores"),
        ("sam@example.org", "Goals"),
        ("sam@example.org", "Intake"),
        ("sam@example.org", "Questionnaire scores"),
    ]
    client.force_login(dana)
    client.post(f"/intake/goals/{first_goal(intake).pk}/steps/", {"text": "Walk"})
    assert AuditEntry.objects.filter(actor=dana, record="Goals", action="added").exists()


def test_the_chart_is_hidden_from_the_client_until_the_therapist_shares_it(
    client, alice, dana, intake
):
    add_result(intake, instrument="phq9", total=14, severity="moderate", when=datetime.now(UTC))
    client.force_login(alice)
    assert "How you have been feeling over time" not in client.get("/portal/").content.decode()

    client.force_login(dana)
    page = client.get(f"/intake/submissions/{intake.pk}/").content.decode()
    assert "PHQ-9 and GAD-7 over time" in page and "<svg" in page
    shared = {"every": 4, "unit": "weeks", "active": "on", "shared": "on"}
    client.post(f"/intake/submissions/{intake.pk}/measures/", shared)

    client.force_login(alice)
    page = client.get("/portal/").content.decode()
    assert "How you have been feeling over time" in page and "<svg" in page


# The chart -----------------------------------------------------------------------------------


def table_rows(page: str, code: str) -> list[tuple[str, str]]:
    """(total, range) of each row of one screener's table, top to bottom."""
    chart = page[page.index(f'id="chart-{code}-heading"') :]
    body = chart[chart.index("<tbody>") : chart.index("</tbody>")]
    return re.findall(r"<td>(\d+)</td><td>([^<]+)</td>", body)


def test_the_charts_table_and_points_are_the_stored_scores(client, dana, intake):
    start = datetime(2026, 3, 2, 17, tzinfo=UTC)
    scores = [(14, "moderate"), (11, "moderate"), (7, "mild"), (4, "minimal")]
    for week, (total, severity) in enumerate(scores):
        add_result(
            intake,
            instrument="phq9",
            total=total,
            severity=severity,
            when=start + timedelta(weeks=week),
        )
    client.force_login(dana)
    page = client.get(f"/intake/submissions/{intake.pk}/").content.decode()
    assert table_rows(page, "phq9") == [
        ("14", "Moderate"),
        ("11", "Moderate"),
        ("7", "Mild"),
        ("4", "Minimal"),
    ]
    chart = page[page.index('id="chart-phq9-heading"') :]
    circles = re.findall(r'<circle class="chart__point" cx="([\d.]+)" cy="([\d.]+)"', chart)
    assert [float(cy) for _cx, cy in circles] == [chart_y(total, 27) for total, _ in scores]
    assert [float(cx) for cx, _cy in circles] == sorted(float(cx) for cx, _cy in circles)
    assert "Moved from moderate to minimal since March (from 14 to 4: an improvement)." in page


def test_a_change_smaller_than_the_reliable_change_reads_about_the_same():
    march = datetime(2026, 3, 2, tzinfo=UTC)
    today = datetime(2026, 5, 1, tzinfo=UTC).date()
    first = Score(when=march, total=9, severity_label="Mild")
    assert RELIABLE_CHANGE == {"phq9": 6, "gad7": 4}
    smaller = describe_change("phq9", first, Score(march, 4, "Minimal"), today=today)
    assert smaller.startswith("About the same as in March (from 9 to 4;")
    worse = describe_change("gad7", first, Score(march, 13, "Moderate"), today=today)
    assert (
        worse == "Moved from mild to moderate since March (from 9 to 13: a change for the worse)."
    )
    last_year = describe_change(
        "phq9", first, Score(march, 2, "Minimal"), today=today.replace(2027)
    )
    assert "since March 2026" in last_year


@pytest.mark.parametrize("path", ["therapist", "client"])
def test_the_pages_run_the_same_queries_with_1_and_100_scores(
    client, alice, dana, intake, path, django_capture_on_commit_callbacks
):
    MeasureSchedule.objects.create(
        submission=intake, every=2, unit="sessions", shared_with_client=True, updated_by=dana
    )
    step_goal = first_goal(intake)
    progress.add_step(goal=step_goal, text="Walk", by=alice)
    viewer, url = (
        (dana, f"/intake/submissions/{intake.pk}/")
        if path == "therapist"
        else (
            alice,
            "/portal/",
        )
    )
    client.force_login(viewer)
    start = datetime(2025, 1, 6, 17, tzinfo=UTC)

    def queries() -> int:
        client.get(url)  # warm caches (practice settings, content types)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add_result(intake, instrument="phq9", total=10, severity="moderate", when=start)
    one = queries()
    for n in range(1, 100):
        add_result(
            intake,
            instrument="gad7" if n % 2 else "phq9",
            total=n % 20,
            severity="mild",
            when=start + timedelta(days=n),
        )
        progress.add_step(goal=step_goal, text=f"Step {n}", by=alice)
    assert ScreenerResult.objects.filter(submission=intake).count() == 100
    assert queries() == one


def test_a_schedule_out_of_range_is_refused_in_plain_words_and_nothing_is_saved(
    client, dana, intake
):
    client.force_login(dana)
    url = f"/intake/submissions/{intake.pk}/measures/"
    response = client.post(url, {"every": "0", "unit": "weeks", "active": "on"})
    page = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in page
    assert "Please choose a number from 1 to 52." in page
    assert not MeasureSchedule.objects.exists()
    response = client.post(url, {"every": "3", "unit": "sessions", "active": "on"})
    assert response.url == f"/intake/submissions/{intake.pk}/#measures-heading"
    saved = MeasureSchedule.objects.get()
    assert (saved.every, saved.unit, saved.shared_with_client) == (3, "sessions", False)
    assert AuditEntry.objects.filter(actor=dana, record="Questionnaire scores", action="changed")


@pytest.mark.django_db(transaction=True)
def test_a_step_marked_done_by_both_at_once_is_done_once_by_one_of_them(alice, dana, intake):
    step = progress.add_step(goal=first_goal(intake), text="Walk to work", by=alice)
    people = [alice, dana] * 3
    outcomes = race(6, lambda n: progress.mark_step_done(step=step, by=people[n]))
    assert outcomes.count(True) == 1 and outcomes.count(False) == 5
    step.refresh_from_db()
    assert step.done_by == people[outcomes.index(True)]
