from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consent.status import clients_missing_consent
from intake import progress_views, services
from intake.flow import Intake
from intake.forms import AssignForm, NoteForm, QueueFilterForm, SectionForm, StatusForm
from intake.models import QuestionnaireVersion, Submission, SubmissionQuerySet
from intake.screeners import INSTRUMENTS
from practice.audit import record_list
from practice.clock import start_of_day
from practice.models import Therapist, User
from practice.paging import page_of, query_without_page
from practice.roles import (
    AuthenticatedHttpRequest,
    client_required,
    clinician_or_staff_required,
    staff_required,
)
from practice.scoping import get_for_user

DRAFT_SAVE_SECONDS = 20


def _own_submission(user: User) -> Submission | None:
    """The client's intake, or None before they begin one."""
    return Submission.objects.for_user(user).select_related("version", "client").first()


def step_url(step: int, intake: Intake) -> str:
    if step >= intake.check_step:
        return reverse("intake:check")
    return reverse("intake:section", kwargs={"step": step})


# Clients ----------------------------------------------------------------------------------


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    submission = _own_submission(request.user)
    if request.method == "POST":
        submission = services.start_intake(client=request.user)
        if not submission.is_draft:
            return redirect("intake:submitted")
        return redirect(step_url(submission.resume_step, Intake(submission)))
    if submission and not submission.is_draft:
        return redirect("intake:submitted")
    version = submission.version if submission else QuestionnaireVersion.objects.current_intake()
    return render(request, "intake/start.html", {"submission": submission, "version": version})


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def section(request: AuthenticatedHttpRequest, step: int) -> HttpResponse:
    submission = _own_submission(request.user)
    if submission is None:
        return redirect("intake:start")
    if not submission.is_draft:
        return redirect("intake:submitted")
    intake = Intake(submission)
    page = intake.page(step)
    action = request.POST.get("action", "next")
    form = SectionForm(
        request.POST or None, intake=intake, page=page, enforce_required=action == "next"
    )
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        intake.apply(answers)  # this page's answers may reveal or skip later pages
        targets = {"back": intake.previous_step(step), "later": step}
        target = targets.get(action) or intake.next_step(step)
        try:
            services.save_answers(submission=submission, answers=answers, resume_step=target)
        except services.AlreadySubmitted:
            return redirect("intake:submitted")
        if action == "later":
            messages.success(request, "Your answers are saved. Come back whenever you are ready.")
            return redirect("practice:portal")
        return redirect(step_url(target, intake))
    return render(
        request,
        "intake/section.html",
        {
            "submission": submission,
            "intake": intake,
            "page": page,
            "form": form,
            "known": intake.known_on(page),
            "draft_seconds": getattr(settings, "INTAKE_DRAFT_SAVE_SECONDS", DRAFT_SAVE_SECONDS),
        },
    )


@client_required
@require_POST
@sensitive_post_parameters()
def save_draft(request: AuthenticatedHttpRequest, step: int) -> HttpResponse:
    """Called by intake_form.js on a timer: keep whatever is valid so far, quietly."""
    submission = _own_submission(request.user)
    if submission is None or not submission.is_draft:
        return HttpResponse("This questionnaire has already been sent.", status=409)
    intake = Intake(submission)
    form = SectionForm(request.POST, intake=intake, page=intake.page(step), enforce_required=False)
    form.is_valid()  # fields with errors are left as they were; the rest is saved
    try:
        services.save_answers(submission=submission, answers=form.answers(), resume_step=step)
    except services.AlreadySubmitted:
        return HttpResponse("This questionnaire has already been sent.", status=409)
    return render(
        request,
        "intake/section.html#draft-status",
        {"submission": submission, "saved_at": timezone.now()},
    )


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
@sensitive_post_parameters()
def check(request: AuthenticatedHttpRequest) -> HttpResponse:
    submission = _own_submission(request.user)
    if submission is None:
        return redirect("intake:start")
    if not submission.is_draft:
        return redirect("intake:submitted")
    intake = Intake(submission)
    missing = intake.missing_by_page()
    if request.method == "POST":
        try:
            services.submit_intake(submission=submission)
        except services.AlreadySubmitted:
            return redirect("intake:submitted")
        except services.IncompleteIntake as incomplete:
            missing = incomplete.missing
        else:
            messages.success(request, "Thank you. Your questionnaire is on its way to us.")
            return redirect("intake:submitted")
    context = {
        "submission": submission,
        "intake": intake,
        "missing": missing,
        "tried": request.method == "POST",
    }
    return render(request, "intake/check.html", context)


@client_required
@require_safe
def submitted(request: AuthenticatedHttpRequest) -> HttpResponse:
    submission = _own_submission(request.user)
    if submission is None or submission.is_draft:
        return redirect("intake:start")
    return render(
        request, "intake/submitted.html", {"submission": submission, "intake": Intake(submission)}
    )


# Staff and therapists -----------------------------------------------------------------------


@clinician_or_staff_required
@require_safe
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapists = list(Therapist.objects.listed())
    form = QueueFilterForm(request.GET or None, therapists=therapists)
    visible = Submission.objects.for_user(request.user)
    submissions = visible.in_queue()
    if form.is_valid():
        submissions = _filtered(visible, form.cleaned_data) if form.has_changed() else submissions
    listed = submissions.in_queue_order().select_related("client", "assigned_therapist")
    page = page_of(request, listed)
    record_list(request, record="Intake", shown=len(page.object_list))
    counts = visible.status_counts()
    return render(
        request,
        "intake/queue.html",
        {
            "form": form,
            "page_obj": page,
            "counts": counts,
            "status_counts": [
                (value, label, counts[value]) for value, label in Submission.Status.choices
            ],
            "query": query_without_page(request),
        },
    )


def _filtered(submissions: SubmissionQuerySet, filters: dict[str, Any]) -> SubmissionQuerySet:
    status = filters.get("status")
    submissions = submissions.filter(status=status) if status else submissions.in_queue()
    therapist = filters.get("therapist")
    if therapist == QueueFilterForm.UNASSIGNED:
        submissions = submissions.filter(assigned_therapist__isnull=True)
    elif therapist:
        submissions = submissions.filter(assigned_therapist_id=therapist)
    # Days on the practice's clock, turned into instants here rather than by PostgreSQL, whose
    # own zone database may differ from the pinned tzdata every process uses.
    zone = timezone.get_current_timezone()
    if filters.get("sent_from"):
        start = start_of_day(filters["sent_from"], zone)
        submissions = submissions.filter(submitted_at__gte=start)
    if filters.get("sent_to"):
        end = start_of_day(filters["sent_to"] + timedelta(days=1), zone)
        submissions = submissions.filter(submitted_at__lt=end)
    return submissions


def _submission_for(user: User, pk: int) -> Submission:
    return get_for_user(
        Submission.objects.select_related(
            "client", "version", "assigned_therapist", "urgent_acknowledged_by"
        ),
        user,
        pk=pk,
    )


def _detail(
    request: AuthenticatedHttpRequest,
    submission: Submission,
    *,
    status_form: StatusForm | None = None,
    assign_form: AssignForm | None = None,
    note_form: NoteForm | None = None,
) -> HttpResponse:
    """Render the submission for staff or its therapist, and write down that they saw it."""
    services.record_view(request, submission=submission)
    consent_missing = submission.client_id in clients_missing_consent([submission.client_id])
    is_staff = request.user.is_practice_staff
    context = {
        "submission": submission,
        "intake": Intake(submission),
        "results": sorted(
            submission.screener_results.filter(round__isnull=True),
            key=lambda r: list(INSTRUMENTS).index(r.instrument),
        ),
        "notes": list(submission.notes.select_related("author")),
        "consent_missing": consent_missing,
        "is_staff": is_staff,
        "status_form": status_form or StatusForm(initial={"status": submission.status}),
        "assign_form": assign_form
        or AssignForm(initial={"therapist": submission.assigned_therapist_id}),
        "note_form": note_form or NoteForm(),
        **progress_views.progress_for_review(request, submission),
    }
    return render(request, "intake/submission_detail.html", context)


@clinician_or_staff_required
@require_safe
def submission_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _submission_for(request.user, pk))


@staff_required
@require_POST
@sensitive_post_parameters()
def submission_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request.user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.change_status(
                request, submission=submission, by=request.user, **form.cleaned_data
            )
        except services.NotSubmittedYet:
            form.add_error(None, "This questionnaire has not been sent yet.")
        else:
            messages.success(request, f"Status changed to {submission.get_status_display()}.")
            return redirect("intake:submission-detail", pk=submission.pk)
    return _detail(request, submission, status_form=form)


@staff_required
@require_POST
@sensitive_post_parameters()
def submission_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request.user, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        services.assign_therapist(
            request, submission=submission, therapist=form.cleaned_data["therapist"]
        )
        messages.success(request, "Assignment saved.")
        return redirect("intake:submission-detail", pk=submission.pk)
    return _detail(request, submission, assign_form=form)


@clinician_or_staff_required
@require_POST
@sensitive_post_parameters()
def submission_note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request.user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(
            request, submission=submission, text=form.cleaned_data["text"], by=request.user
        )
        messages.success(request, "Note added.")
        return redirect("intake:submission-detail", pk=submission.pk)
    return _detail(request, submission, note_form=form)


@staff_required
@require_POST
@sensitive_post_parameters()
def submission_acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request.user, pk)
    try:
        services.acknowledge_urgent(request, submission=submission, by=request.user)
    except services.NoUrgentFlag:
        messages.info(request, "Someone has already acknowledged this.")
    else:
        messages.success(request, "Acknowledged. It no longer shows as urgent on the dashboard.")
    return redirect("intake:submission-detail", pk=submission.pk)
