"""Pages of progress: steps towards goals (client and therapist), the therapist's schedule for
asking the screeners again, and the client answering them in the portal.

Every look by a therapist or staff at a client's goals or scores is written to the practice's
audit log (practice/audit.py); the client's own looks are not.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from intake import progress
from intake.models import Goal, GoalStep, MeasureRound, ScreenerResult, Submission
from intake.progress_forms import MeasureForm, ScheduleForm, StepForm
from practice.audit import AuditEntry, record_access
from practice.roles import AuthenticatedHttpRequest, client_required, clinician_or_staff_required
from practice.scoping import get_for_user

GOALS = "Goals"
SCORES = "Questionnaire scores"


def _audit(request: AuthenticatedHttpRequest, submission: Submission, record: str, action: str):
    if not request.user.is_client:
        record_access(
            request, client=submission.client, record=record, record_id=submission.pk, action=action
        )


def _back(request: AuthenticatedHttpRequest, submission: Submission) -> str:
    if request.user.is_client:
        return reverse("practice:portal") + "#goals-heading"
    return reverse("intake:submission-detail", kwargs={"pk": submission.pk}) + "#goals-heading"


def progress_for_review(request: AuthenticatedHttpRequest, submission: Submission) -> dict:
    """The progress sections of a client's page for their therapist or staff, audited."""
    _audit(request, submission, GOALS, AuditEntry.Action.VIEWED)
    _audit(request, submission, SCORES, AuditEntry.Action.VIEWED)
    shown = progress.progress_of(submission, for_client=False)
    schedule = shown.schedule
    initial = (
        {
            "every": schedule.every,
            "unit": schedule.unit,
            "active": schedule.active,
            "shared": schedule.shared_with_client,
        }
        if schedule
        else None
    )
    return {"progress": shown, "schedule_form": ScheduleForm(initial=initial)}


# Steps --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def step_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = get_for_user(Goal.objects.select_related("submission__client"), request.user, pk=pk)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        progress.add_step(goal=goal, text=form.cleaned_data["text"], by=request.user)
        _audit(request, goal.submission, GOALS, AuditEntry.Action.ADDED)
        messages.success(request, "Step added.")
        return redirect(_back(request, goal.submission))
    _audit(request, goal.submission, GOALS, AuditEntry.Action.VIEWED)
    return render(
        request,
        "intake/progress_form.html",
        {
            "heading": "Add a step",
            "lede": f"Towards: {goal.text}",
            "back": _back(request, goal.submission),
            "back_label": "Back to the goals",
            "form": form,
            "button": "Add step",
        },
    )


@login_required
@require_POST
def step_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    step = get_for_user(
        GoalStep.objects.select_related("goal__submission__client"), request.user, pk=pk
    )
    submission = step.goal.submission
    if progress.mark_step_done(step=step, by=request.user):
        _audit(request, submission, GOALS, AuditEntry.Action.CHANGED)
        messages.success(request, "Marked as done. Well done.")
    else:
        messages.info(request, "That step was already marked done.")
    return redirect(_back(request, submission))


# The therapist's schedule -------------------------------------------------------------------


@clinician_or_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = get_for_user(Submission.objects.select_related("client"), request.user, pk=pk)
    form = ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        progress.set_schedule(
            submission=submission,
            every=data["every"],
            unit=data["unit"],
            active=data["active"],
            shared=data["shared"],
            by=request.user,
        )
        _audit(request, submission, SCORES, AuditEntry.Action.CHANGED)
        messages.success(request, "Schedule saved.")
        return redirect(
            reverse("intake:submission-detail", kwargs={"pk": submission.pk}) + "#measures-heading"
        )
    return render(
        request,
        "intake/progress_form.html",
        {
            "heading": "PHQ-9 and GAD-7 over time",
            "back": reverse("intake:submission-detail", kwargs={"pk": submission.pk}),
            "back_label": "Back to the client's page",
            "form": form,
            "button": "Save schedule",
        },
    )


# The client answers -------------------------------------------------------------------------


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def answer(request: AuthenticatedHttpRequest) -> HttpResponse:
    measure_round = (
        MeasureRound.objects.for_user(request.user).open().select_related("submission").first()
    )
    if measure_round is None:
        if request.method == "POST":  # sent twice (a double tap, a second tab)
            messages.info(request, "You have already sent these answers. Thank you.")
        else:
            messages.info(request, "There is no questionnaire waiting for you right now.")
        return redirect("practice:portal")
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            progress.complete_round(measure_round=measure_round, answers=form.answers())
        except progress.RoundClosed:
            measure_round.refresh_from_db()
            if measure_round.completed_at:
                messages.info(request, "You have already sent these answers. Thank you.")
            else:
                messages.info(request, "Your therapist is no longer asking these questions.")
            return redirect("practice:portal")
        return redirect("intake:measure-answered")
    return render(request, "intake/measure_answer.html", {"form": form})


@client_required
@require_safe
def answered(request: AuthenticatedHttpRequest) -> HttpResponse:
    latest = (
        MeasureRound.objects.for_user(request.user)
        .filter(completed_at__isnull=False)
        .order_by("-completed_at")
        .first()
    )
    if latest is None:
        return redirect("practice:portal")
    needs_support = ScreenerResult.objects.filter(round=latest, item9_positive=True).exists()
    return render(request, "intake/measure_answered.html", {"needs_support": needs_support})
