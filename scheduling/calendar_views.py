"""The therapist's side: calendar, appointment outcomes, follow-ups and series, private feed."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from intake import status as intake_status
from practice.roles import AuthenticatedHttpRequest, therapist_required
from practice.scoping import get_for_user
from scheduling import calendar, checkins, series, services
from scheduling.calendar_forms import PracticeCancelForm, SeriesForm
from scheduling.checkin_forms import AcknowledgeForm, WorryAnswerForm
from scheduling.feed import feed_calendar
from scheduling.models import Appointment, CalendarFeed


@therapist_required
@require_safe
def appointment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    return _render_detail(request, appointment)


def _render_detail(
    request: AuthenticatedHttpRequest,
    appointment: Appointment,
    *,
    cancel_form: PracticeCancelForm | None = None,
    outcome_error: str = "",
    acknowledge: tuple[int, AcknowledgeForm] | None = None,
    worry_form: WorryAnswerForm | None = None,
) -> HttpResponse:
    calendar.record_session_look(request, appointment)
    feedback = checkins.session_feedback(appointment, request.user)
    checkins.audit_feedback(request, appointment, feedback)
    shown = acknowledge or (0, None)
    context = {
        "feedback": feedback,
        "flags": [
            (flag, shown[1] if flag.pk == shown[0] else AcknowledgeForm(checkin_pk=flag.pk))
            for flag in feedback.flags
        ],
        "worry_form": worry_form or WorryAnswerForm(),
        "appointment": appointment,
        "badges": calendar.badges_for(appointment),
        "zone": appointment.therapist.zone,
        "cancel_form": cancel_form or PracticeCancelForm(),
        "outcome_error": outcome_error,
        "intake_url": appointment.client_id
        and intake_status.sent_intake_url(appointment.client_id, request.user),
    }
    return render(request, "scheduling/appointment_detail.html", context)


@therapist_required
@require_POST
def mark_attended(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Attendance schedules the client's check-in, in the same transaction.
    return _record_outcome(request, pk, checkins.record_attendance, "Marked as attended.")


@therapist_required
@require_POST
def mark_no_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _record_outcome(request, pk, Appointment.mark_no_show, "Marked as a no-show.")


def _record_outcome(request: AuthenticatedHttpRequest, pk: int, record, done: str) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    try:
        record(appointment)
    except services.BookingError as refused:
        return _render_detail(request, appointment, outcome_error=str(refused))
    calendar.record_session_look(request, appointment, change=done)
    messages.success(request, done)
    return redirect("scheduling:calendar-appointment", pk=appointment.pk)


@therapist_required
@require_POST
def cancel_by_practice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    form = PracticeCancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_by_practice(appointment=appointment, reason=form.cleaned_data["reason"])
        except services.BookingError as refused:
            messages.error(request, str(refused))  # e.g. cancelled already, in another tab
        else:
            calendar.record_session_look(request, appointment, change="Cancelled by the practice")
            messages.success(request, "The session is cancelled. It is never charged.")
        return redirect("scheduling:calendar-appointment", pk=appointment.pk)
    return _render_detail(request, appointment, cancel_form=form)


@therapist_required
def book_series(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose, then preview every date with what blocks it, then book the free ones."""
    therapist = request.user.therapist
    clients = series.clients_of(therapist)
    initial, preference = _series_initial(request)
    form = SeriesForm(request.POST or None, initial=initial, therapist=therapist, clients=clients)
    if not form.is_valid() or "edit" in request.POST:
        context = {"form": form, "preference": preference}
        return render(request, "scheduling/series_form.html", context)
    data = form.cleaned_data
    plan = _plan(request, data)
    if "confirm" not in request.POST:
        return _preview(request, form, plan)
    problem = _stale(request, plan)
    if not problem:
        try:
            booked = series.book_series(
                plan=plan,
                client=data["client"],
                therapist=therapist,
                session_type=data["session_type"],
                by=request.user,
                client_location=data["location"],
            )
        except services.BookingError as error:
            plan, problem = _plan(request, data), f"{error} Nothing was booked. As it is now:"
        else:
            messages.success(request, f"Booked {len(booked)} session(s).")
            day = booked[0].starts_at.astimezone(therapist.zone).date()
            return redirect(f"{reverse('scheduling:calendar')}?date={day}")
    return _preview(request, form, plan, problem)


def _plan(request: AuthenticatedHttpRequest, data: dict) -> series.SeriesPlan:
    return series.plan_series(
        client=data["client"],
        therapist=request.user.therapist,
        by=request.user,
        session_type=data["session_type"],
        first_day=data["first_date"],
        at=data["at"],
        count=data["count"],
        client_location=data["location"],
    )


def _stale(request: HttpRequest, plan: series.SeriesPlan) -> str:
    """Why the plan confirmed is not the plan shown, if it is not ("" when it is)."""
    if request.POST.get("fingerprint") != plan.fingerprint:
        return "Something changed since you looked, so nothing was booked. Please check again:"
    if not plan.bookable:
        return "None of these dates is free, so there is nothing to book."
    return ""


def _preview(
    request: AuthenticatedHttpRequest, form: SeriesForm, plan: series.SeriesPlan, problem: str = ""
) -> HttpResponse:
    context = {"form": form, "plan": plan, "problem": problem, "zone": request.user.therapist.zone}
    return render(request, "scheduling/series_preview.html", context)


def _series_initial(request: AuthenticatedHttpRequest) -> tuple[dict, str]:
    """Pre-fill a follow-up from the appointment it follows (?after=<id>), a week later, in the
    way of meeting the client asked for in their intake when the therapist offers it. Also
    that way ("in_person", "telehealth" or "")."""
    try:
        after = get_for_user(
            Appointment.objects.with_people(), request.user, pk=int(request.GET.get("after", ""))
        )
    except (ValueError, Http404):
        return {"count": 1}, ""
    local = after.starts_at.astimezone(after.therapist.zone)
    preference = (
        intake_status.meeting_preference(after.client_id, request.user) if after.client_id else ""
    )
    session_type = series.follow_up_session_type(
        therapist=after.therapist, last=after.session_type, preference=preference
    )
    return {
        "client": after.client_id,
        "session_type": session_type.pk,
        "first_date": local.date() + timedelta(weeks=1),
        "at": local.time().replace(second=0, microsecond=0),
        "count": 1,
        "location": after.client_location,
    }, preference


# The private calendar feed ------------------------------------------------------------------


@therapist_required
@require_safe
def feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    feed = CalendarFeed.objects.for_user(request.user).first()
    return render(request, "scheduling/feed_settings.html", {"feed": feed})


@therapist_required
@require_POST
def feed_issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    token = CalendarFeed.issue(request.user.therapist)
    url = request.build_absolute_uri(reverse("scheduling:calendar-feed-ics", args=[token]))
    feed = CalendarFeed.objects.for_user(request.user).get()
    # The address is shown once, in this response, and never stored in the clear.
    response = render(request, "scheduling/feed_settings.html", {"feed": feed, "feed_url": url})
    patch_cache_control(response, no_store=True, private=True)
    return response


@therapist_required
@require_POST
def feed_revoke(request: AuthenticatedHttpRequest) -> HttpResponse:
    if CalendarFeed.revoke(request.user.therapist):
        messages.success(
            request, "Your calendar feed is turned off. The old address shows nothing."
        )
    return redirect("scheduling:calendar-feed")


@require_safe
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The feed itself: the token in the address is the only credential (calendar apps)."""
    feed = CalendarFeed.objects.for_token(token)
    if feed is None:
        raise Http404
    response = HttpResponse(
        feed_calendar(feed.therapist), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="sessions.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_store=True)
    return response
