"""Check-ins: the client answers from the e-mail's signed link; the therapist acts on a flag
and answers a new client's first worries from the session page."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from practice.audit import AuditEntry, record_access
from practice.roles import AuthenticatedHttpRequest, client_required, therapist_required
from practice.scoping import get_for_user
from scheduling import checkins
from scheduling.calendar_views import _render_detail
from scheduling.checkin_forms import AcknowledgeForm, CheckInForm, WorryAnswerForm
from scheduling.checkin_models import CheckIn
from scheduling.models import Appointment


@require_safe
def text_link(request: HttpRequest, token: str) -> HttpResponse:
    """A text's short link: on to the check-in's signed page, which decides who may open it."""
    found = get_object_or_404(
        CheckIn.objects.filter(pk=checkins.checkin_id_from_text_token(token) or 0)
    )
    return redirect(checkins.checkin_path(found))


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkin(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The link asks for login; only the session's own client opens it (another client: 404;
    a therapist or staff: 403, like every client page)."""
    found = get_for_user(
        CheckIn.objects.select_related("appointment__therapist"),
        request.user,
        pk=checkins.checkin_id_from(token) or 0,
    )
    is_open = found.is_open(timezone.now())
    answering = request.method == "POST" and "skip" not in request.POST
    form = CheckInForm(request.POST if answering else None)
    if request.method == "POST":
        if not is_open:
            return redirect(request.path)  # answered in another tab, or closed: say which
        if "skip" in request.POST:
            checkins.skip_checkin(found)
            messages.success(request, "Skipped. Nothing more will be asked about this session.")
            return redirect("practice:portal")
        if form.is_valid():
            checkins.answer_checkin(found, scores=form.scores(), note=form.cleaned_data["note"])
            return redirect(request.path)
    context = {
        "checkin": found,
        "is_open": is_open,
        "form": form,
        "changes": checkins.changes_shown_on(found) if is_open else list(found.changes_shown.all()),
        "therapist_first_name": found.appointment.therapist.first_name,
    }
    return render(request, "scheduling/checkin.html", context)


@therapist_required
@require_POST
def acknowledge(request: AuthenticatedHttpRequest, pk: int, checkin_pk: int) -> HttpResponse:
    """The therapist saw a flag, and may say what they changed (the client reads it next time)."""
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    flagged = get_for_user(
        CheckIn.objects.of_client(appointment.client_id or 0), request.user, pk=checkin_pk
    )
    form = AcknowledgeForm(request.POST, checkin_pk=flagged.pk)
    if not form.is_valid():
        return _render_detail(request, appointment, acknowledge=(flagged.pk, form))
    if checkins.acknowledge_flag(
        flagged, by=request.user, change_note=form.cleaned_data["change_note"]
    ):
        record_access(
            request,
            client=appointment.client,
            record="Session check-in",
            record_id=flagged.pk,
            action=AuditEntry.Action.CHANGED,
            detail="flag acknowledged",
        )
        messages.success(request, "The flag is marked as talked through.")
    else:
        messages.info(request, "This flag was already acknowledged.")
    return redirect("scheduling:calendar-appointment", pk=appointment.pk)


@therapist_required
@require_POST
def answer_worries(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Before a first session, a short answer to what the client wrote worries them."""
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    shown = checkins.first_worries(appointment, request.user)
    if shown is None or not shown.may_answer:
        messages.error(request, "This session's worries cannot be answered (any more).")
        return redirect("scheduling:calendar-appointment", pk=appointment.pk)
    form = WorryAnswerForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, appointment, worry_form=form)
    try:
        checkins.answer_worries(
            appointment=appointment, by=request.user, text=form.cleaned_data["text"]
        )
    except checkins.AlreadyAnswered:
        messages.info(request, "You answered already; your client has that answer.")
    else:
        record_access(
            request,
            client=appointment.client,
            record="Answer to intake worries",
            record_id=appointment.pk,
            action=AuditEntry.Action.ADDED,
        )
        messages.success(request, "Sent. Your client reads it in their portal.")
    return redirect("scheduling:calendar-appointment", pk=appointment.pk)
