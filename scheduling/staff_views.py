"""Staff: every therapist's calendar, and booking, moving or cancelling on a client's behalf."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from practice import dates
from practice.audit import record_list
from practice.models import Therapist
from practice.roles import AuthenticatedHttpRequest, staff_required
from practice.scoping import get_for_user
from scheduling import calendar, checkins, services
from scheduling.calendar_forms import CancelOnBehalfForm, SessionTimeForm, StaffBookingForm
from scheduling.models import Appointment


@staff_required
@require_safe
def staff_calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapists = list(Therapist.objects.listed())
    wanted = request.GET.get("therapist")
    therapist = next((t for t in therapists if wanted in (None, str(t.pk))), None)
    if wanted is not None and therapist is None:
        raise Http404("No such therapist.")
    if therapist is None:
        return render(request, "scheduling/staff_calendar.html", {"therapists": therapists})
    view, first_day = calendar.chosen_view(
        request.GET, today=timezone.now().astimezone(therapist.zone).date()
    )
    page = calendar.calendar_page(
        therapist=therapist, viewer=request.user, view=view, first_day=first_day
    )
    record_list(request, record="Calendar", shown=page.count)
    context = {
        "therapists": therapists,
        "calendar": page,
        "nav_query": f"therapist={therapist.pk}&",
    }
    return render(request, "scheduling/staff_calendar.html", context)


@staff_required
@require_safe
def staff_appointment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    return _render_detail(request, appointment)


def _render_detail(
    request: AuthenticatedHttpRequest,
    appointment: Appointment,
    *,
    move_form: SessionTimeForm | None = None,
    cancel_form: CancelOnBehalfForm | None = None,
) -> HttpResponse:
    calendar.record_session_look(request, appointment)
    local = appointment.starts_at.astimezone(appointment.therapist.zone)
    initial = {"day": local.date(), "at": local.time().replace(second=0, microsecond=0)}
    feedback = checkins.session_feedback(appointment, request.user)
    checkins.audit_feedback(request, appointment, feedback)
    context = {
        "feedback": feedback,
        "flags": [(flag, None) for flag in feedback.flags],
        "appointment": appointment,
        "badges": calendar.badges_for(appointment),
        "zone": appointment.therapist.zone,
        "move_form": move_form or SessionTimeForm(initial=initial),
        "cancel_form": cancel_form or CancelOnBehalfForm(),
    }
    return render(request, "scheduling/staff_appointment.html", context)


@staff_required
@require_POST
def staff_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    form = SessionTimeForm(request.POST, therapist=appointment.therapist)
    if form.is_valid():
        try:
            moved = services.reschedule_appointment(
                appointment=appointment, starts_at=form.starts_at, by=request.user
            )
        except services.BookingError as error:
            _explain(form, error, appointment.therapist)
        else:
            calendar.record_session_look(request, appointment, change="Moved")
            messages.success(request, "The session is moved.")
            return redirect("scheduling:staff-appointment", pk=moved.pk)
    return _render_detail(request, appointment, move_form=form)


@staff_required
@require_POST
def staff_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    form = CancelOnBehalfForm(request.POST)
    if form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.cleaned_data["requested_by"] == CancelOnBehalfForm.CLIENT:
                # The client's own cancellation: the cancellation window decides if it is late.
                services.cancel_appointment(appointment=appointment, by=request.user, reason=reason)
            else:
                services.cancel_by_practice(appointment=appointment, reason=reason)
        except services.BookingError as error:
            messages.error(request, str(error))  # e.g. cancelled already, in another tab
        else:
            appointment.refresh_from_db()
            calendar.record_session_look(
                request, appointment, change=appointment.get_status_display()
            )
            messages.success(request, f"Recorded as “{appointment.get_status_display()}”.")
        return redirect("scheduling:staff-appointment", pk=appointment.pk)
    return _render_detail(request, appointment, cancel_form=form)


@staff_required
@require_POST
def staff_waive_late_change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    try:
        appointment.waive_late_change(by=request.user)
    except services.BookingError as error:
        messages.error(request, str(error))
    else:
        calendar.record_session_look(request, appointment, change="Late change waived")
        messages.success(request, "The late change is waived: no fee applies.")
    return redirect("scheduling:staff-appointment", pk=appointment.pk)


@staff_required
def staff_book(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StaffBookingForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.book_appointment(
                client=data["client"],
                therapist=data["therapist"],
                session_type=data["session_type"],
                starts_at=form.starts_at,
                by=request.user,
                client_location=data["location"],
            )
        except services.BookingError as error:
            _explain(form, error, data["therapist"])
        else:
            messages.success(request, "The session is booked.")
            return redirect("scheduling:staff-appointment", pk=appointment.pk)
    return render(request, "scheduling/staff_book.html", {"form": form})


def _explain(form: forms.Form, error: services.BookingError, therapist: Therapist) -> None:
    """Put a refused time beside the time field, with the nearest open times when known."""
    if isinstance(error, services.NotLicensedThere):
        form.add_error("location", str(error))
        return
    if not isinstance(error, services.SlotUnavailable):
        form.add_error(None, str(error))  # about the client or the session, not the time
        return
    zone = therapist.zone
    times = "; ".join(f"{dates.day(t, zone)}, {dates.clock(t, zone)}" for t in error.nearest[:3])
    form.add_error("at", f"{error} Nearest open times: {times}." if times else str(error))
