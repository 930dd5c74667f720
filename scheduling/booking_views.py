"""Public booking (choose a time, hold it, confirm it) and the client's cancel and move pages."""

import secrets
from datetime import datetime
from typing import cast
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from practice import dates
from practice.locations import LOCATION_CHOICES
from practice.models import PracticeSettings, Therapist
from practice.roles import AuthenticatedHttpRequest, client_required
from practice.scoping import get_for_user
from scheduling import links, services
from scheduling.availability import bookable_session_types, booking_rules_for, week_of_slots
from scheduling.forms import (
    DEFAULT_ZONE,
    BookingOptionsForm,
    CancelForm,
    HoldForm,
    SlotChoiceForm,
)
from scheduling.models import Appointment, GoodFaithEstimate, SessionType
from scheduling.wording import describe, week_zone_label, zone_label, zone_options

HOLD_KEY = "booking_hold_key"
HOLD_ZONE = "booking_zone"
# What the visitor last held, so a hold that ends and is cleared can still be explained.
HOLD_CHOICE = "booking_hold"


# Fees, before anyone books ---------------------------------------------------------------------


@require_safe
def fees(request: HttpRequest) -> HttpResponse:
    session_types = SessionType.objects.offered().order_by("fee", "name")
    return render(request, "scheduling/fees.html", {"session_types": session_types})


# Choosing and holding a time ------------------------------------------------------------------


@require_safe
def book(request: HttpRequest, slug: str) -> HttpResponse:
    therapist = get_object_or_404(Therapist.objects.listed(), slug=slug)
    session_types = bookable_session_types(therapist, request.user)
    options = BookingOptionsForm(request.GET or None, session_types=session_types)
    return _render_book(request, therapist, options, session_types=session_types)


@require_POST
def hold_create(request: HttpRequest, slug: str) -> HttpResponse:
    therapist = get_object_or_404(Therapist.objects.listed(), slug=slug)
    session_types = bookable_session_types(therapist, request.user)
    horizon = booking_rules_for(therapist).horizon
    form = HoldForm(request.POST, session_types=session_types, horizon=horizon, therapist=therapist)
    options = BookingOptionsForm(request.POST, session_types=session_types)
    if not form.is_valid():
        return _render_book(request, therapist, options, session_types=session_types, form=form)
    client = request.user if request.user.is_authenticated and request.user.is_client else None
    hold_key = request.session.get(HOLD_KEY) or secrets.token_urlsafe(32)
    try:
        held = services.hold_slot(
            therapist=therapist,
            session_type=form.cleaned_data["session_type"],
            starts_at=form.cleaned_data["starts_at"],
            hold_key=hold_key,
            client=client,
            address=get_adapter().get_client_ip(request),
            client_location=form.cleaned_data["location"],
        )
    except services.BookingError as error:
        return _render_book(
            request, therapist, options, session_types=session_types, form=form, error=error
        )
    # The key lives in the session, which survives signing up and logging in.
    request.session[HOLD_KEY] = hold_key
    request.session[HOLD_ZONE] = form.cleaned_data["tz"] or DEFAULT_ZONE
    request.session[HOLD_CHOICE] = {
        "pk": held.pk,
        "therapist": therapist.slug,
        "session_type": held.session_type_id,
        "starts_at": held.starts_at.isoformat(),
    }
    return redirect("scheduling:hold", pk=held.pk)


def _render_book(
    request: HttpRequest,
    therapist: Therapist,
    options: BookingOptionsForm,
    *,
    session_types,
    form: HoldForm | None = None,
    error: services.BookingError | None = None,
) -> HttpResponse:
    choice = options.is_valid() and options.cleaned_data or {}
    session_types = list(session_types)
    session_type = choice.get("session_type") or next(iter(session_types), None)
    zone_name = choice.get("tz") or _visitor_zone_name(request)
    label = cast(ModelChoiceField, options.fields["session_type"]).label_from_instance
    context = {
        "session_type_choices": [(choice.pk, label(choice)) for choice in session_types],
        "therapist": therapist,
        "options": options,
        "session_types": session_types,
        "session_type": session_type,
        "zone_name": zone_name,
        "zone_chosen": bool(choice.get("tz")),
        "form": form,
        "error": error,
        "slot_action": reverse("scheduling:hold-create", kwargs={"slug": therapist.slug}),
        "location_choices": LOCATION_CHOICES,
        "location": request.POST.get("location", ""),
    }
    if session_type is not None:
        context.update(
            _week_context(
                therapist,
                session_type,
                path=reverse("scheduling:book", kwargs={"slug": therapist.slug}),
                zone_name=zone_name,
                first_day=choice.get("week"),
            )
        )
    template = "scheduling/book.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template += "#slot-list"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


def _week_context(
    therapist, session_type, *, path: str, zone_name: str, first_day, **kwargs
) -> dict:
    """The week of open times to show, with links to the weeks either side."""
    zone = ZoneInfo(zone_name)
    now = timezone.now()
    week = week_of_slots(therapist, session_type, first_day=first_day, zone=zone, now=now, **kwargs)

    def week_url(day) -> str | None:
        if day is None:
            return None
        query = {"session_type": session_type.pk, "tz": zone_name, "week": day.isoformat()}
        return f"{path}?{urlencode(query)}"

    days = [
        {
            "id": day.isoformat(),
            "label": dates.day(day),
            "slots": [(slot.isoformat(), dates.clock(slot, zone)) for slot in slots],
        }
        for day, slots in week.days
    ]
    return {
        "week": week,
        "days": days,
        "zone_options": zone_options(zone_name),
        # The abbreviation in force that week, not today's: MST in a winter week seen in summer.
        "zone_label": week_zone_label(zone, week.first_day),
        "previous_url": week_url(week.previous_week),
        "next_url": week_url(week.next_week),
        "next_open_url": week_url(week.next_open and week.next_open.astimezone(zone).date()),
    }


def _visitor_zone_name(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return request.user.time_zone
    return request.session.get(HOLD_ZONE, DEFAULT_ZONE)


def _held_by_this_visitor(request: HttpRequest, pk: int) -> Appointment | None:
    """This visitor's hold; None when it was theirs but has ended and been cleared.

    Not `get_for_user`: the hold belongs to the browser session, which may not be logged in.
    """
    hold_key = request.session.get(HOLD_KEY)
    if not hold_key:
        raise Http404
    held = (
        Appointment.objects.held_by(hold_key)
        .select_related("therapist", "session_type")
        .filter(pk=pk)
        .first()
    )
    if held is None and request.session.get(HOLD_CHOICE, {}).get("pk") != pk:
        raise Http404
    return held


def _hold_ended(request: HttpRequest) -> HttpResponse:
    """The booking page again, saying the hold ended and offering the nearest open times."""
    choice = request.session[HOLD_CHOICE]
    therapist = get_object_or_404(Therapist.objects.listed(), slug=choice["therapist"])
    session_types = bookable_session_types(therapist, request.user)
    starts_at = datetime.fromisoformat(choice["starts_at"])
    zone_name = _visitor_zone_name(request)
    week = starts_at.astimezone(ZoneInfo(zone_name)).date()
    query = {"session_type": choice["session_type"], "tz": zone_name, "week": week.isoformat()}
    options = BookingOptionsForm(query, session_types=session_types)
    session_type = session_types.filter(pk=choice["session_type"]).first()
    error = (
        services.hold_ended(therapist=therapist, session_type=session_type, starts_at=starts_at)
        if session_type is not None
        else services.HoldEnded(services.HOLD_ENDED)
    )
    return _render_book(request, therapist, options, session_types=session_types, error=error)


@require_safe
def hold(request: HttpRequest, pk: int) -> HttpResponse:
    held = _held_by_this_visitor(request, pk)
    if held is None:
        return _hold_ended(request)
    if held.status == Appointment.Status.BOOKED and held.client_id == request.user.pk:
        return redirect("scheduling:booked", pk=held.pk)
    return _render_hold(request, held)


def _render_hold(request: HttpRequest, held: Appointment, error=None) -> HttpResponse:
    zone_name = request.session.get(HOLD_ZONE) or _visitor_zone_name(request)
    zone = ZoneInfo(zone_name)
    now = timezone.now()
    return render(
        request,
        "scheduling/hold.html",
        {
            "held": held,
            "zone_name": zone_name,
            "zone_label": zone_label(zone, at=held.starts_at),
            "expired": held.status != Appointment.Status.HELD
            or (held.held_until is not None and held.held_until <= now),
            "error": error,
            "practice_window": describe(PracticeSettings.load().cancellation_window),
            "book_url": reverse("scheduling:book", kwargs={"slug": held.therapist.slug}),
            "estimate": (
                {"content": services.estimate_content(held, request.user)}
                if request.user.is_authenticated and request.user.is_client
                else None
            ),
        },
    )


@client_required
@require_POST
def hold_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    held = _held_by_this_visitor(request, pk)
    if held is None:
        return _hold_ended(request)
    payment = request.POST.get("payment", "")
    if payment not in ("", "insurance", "self_pay"):
        payment = ""
    try:
        booked = services.confirm_booking(
            appointment_id=held.pk, hold_key=held.hold_key, client=request.user, payment=payment
        )
    except services.HoldEnded:
        return _hold_ended(request)
    except services.BookingError as error:
        return _render_hold(request, held, error=error)
    return redirect("scheduling:booked", pk=booked.pk)


@client_required
@require_safe
def estimate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    versions = list(
        GoodFaithEstimate.objects.for_user(request.user)
        .filter(appointment_id=pk)
        .order_by("-number")
    )
    if not versions:
        raise Http404
    return render(
        request, "scheduling/estimate.html", {"estimate": versions[0], "versions": versions}
    )


@client_required
@require_safe
def booked(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    practice = PracticeSettings.load()
    return render(
        request,
        "scheduling/booked.html",
        {
            "appointment": appointment,
            "zone_label": zone_label(request.user.zone, at=appointment.starts_at),
            "practice_window": describe(practice.cancellation_window),
        },
    )


# Cancelling and moving: from the portal (logged in) or a signed e-mail link -------------------


def _signed_appointment(request: HttpRequest, token: str) -> Appointment:
    """The appointment a signed link is for; a stranger who is logged in gets a 404.

    Not `get_for_user`: the link itself is the credential, so it works logged out.
    """
    appointment = get_object_or_404(Appointment.objects.for_link(token).with_people())
    if request.user.is_authenticated and request.user.pk != appointment.client_id:
        raise Http404
    return appointment


@require_safe
def text_link(request: HttpRequest, token: str) -> HttpResponse:
    """A text's short link: on to the signed page for the session (the long link is for e-mail)."""
    appointment_id = links.appointment_id_from_text_token(token)
    appointment = get_object_or_404(Appointment.objects.filter(pk=appointment_id or 0))
    return redirect(links.manage_url(appointment))


@require_safe
def manage(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _signed_appointment(request, token)
    assert appointment.client is not None  # links are sent only for booked sessions
    return render(
        request,
        "scheduling/manage.html",
        {
            "appointment": appointment,
            "zone_label": zone_label(appointment.client.zone, at=appointment.starts_at),
            "time_zone": appointment.client.time_zone,
            "changeable": appointment.client_may_change,
            "cancel_url": reverse("scheduling:manage-cancel", kwargs={"token": token}),
            "reschedule_url": reverse("scheduling:manage-reschedule", kwargs={"token": token}),
        },
    )


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    return _cancel(
        request,
        appointment,
        done=reverse("practice:portal"),
        reschedule_url=reverse("scheduling:client-reschedule", kwargs={"pk": pk}),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def manage_cancel(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _signed_appointment(request, token)
    return _cancel(
        request,
        appointment,
        done=reverse("scheduling:manage", kwargs={"token": token}),
        reschedule_url=reverse("scheduling:manage-reschedule", kwargs={"token": token}),
    )


def _cancel(
    request: HttpRequest, appointment: Appointment, *, done: str, reschedule_url: str
) -> HttpResponse:
    client = appointment.client
    assert client is not None  # only booked sessions, which have a client, get here
    window = PracticeSettings.load().cancellation_window
    late = services.is_late_change(appointment, now=timezone.now(), window=window)
    posted = request.POST if request.method == "POST" else None
    form = CancelForm(posted, initial={"late_understood": late})
    error = None
    if form.is_valid():
        if late and not form.cleaned_data["late_understood"]:
            # The clock crossed into the window after the page was shown: say so first.
            error = (
                "Your session is now inside our cancellation window. Please read the note below."
            )
            form = CancelForm(initial={"late_understood": True, **form.cleaned_data})
        else:
            try:
                cancelled = services.cancel_appointment(
                    appointment=appointment, by=client, reason=form.cleaned_data["reason"]
                )
            except services.BookingError as refused:
                error = str(refused)
            else:
                kind = "a late cancellation" if cancelled.status == "late_cancelled" else ""
                messages.success(
                    request,
                    f"Your session is cancelled{' (' + kind + ')' if kind else ''}. "
                    "We hope to see you soon.",
                )
                return redirect(done)
    return render(
        request,
        "scheduling/cancel.html",
        {
            "appointment": appointment,
            "form": form,
            "late": late,
            "error": error,
            "window": describe(window),
            "reschedule_url": reschedule_url,
            "back_url": done,
            "time_zone": client.time_zone,
            "zone_label": zone_label(client.zone, at=appointment.starts_at),
            "changeable": appointment.client_may_change,
        },
    )


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
def client_reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(Appointment.objects.with_people(), request.user, pk=pk)
    return _reschedule(request, appointment, done=reverse("practice:portal"))


@require_http_methods(["GET", "HEAD", "POST"])
def manage_reschedule(request: HttpRequest, token: str) -> HttpResponse:
    appointment = _signed_appointment(request, token)
    return _reschedule(
        request, appointment, done=reverse("scheduling:manage", kwargs={"token": token})
    )


def _reschedule(request: HttpRequest, appointment: Appointment, *, done: str) -> HttpResponse:
    client = appointment.client
    assert client is not None  # only booked sessions, which have a client, get here
    horizon = booking_rules_for(appointment.therapist).horizon
    form = SlotChoiceForm(request.POST if request.method == "POST" else None, horizon=horizon)
    window = PracticeSettings.load().cancellation_window
    error = None
    if form.is_valid():
        try:
            moved = services.reschedule_appointment(
                appointment=appointment, starts_at=form.cleaned_data["starts_at"], by=client
            )
        except services.BookingError as refused:
            error = refused
        else:
            moved_from = moved.rescheduled_from
            late_change = moved_from is not None and moved_from.is_late_change
            late = " This counts as a late change." if late_change else ""
            when = dates.datetime_zone(moved.starts_at, client.zone)
            messages.success(
                request,
                f"Your session is moved to {when}.{late} We have e-mailed you the new time.",
            )
            return redirect(done)
    options = BookingOptionsForm(
        request.GET or None, session_types=appointment.therapist.session_types.all()
    )
    choice = options.is_valid() and options.cleaned_data or {}
    zone_name = choice.get("tz") or client.time_zone
    context = {
        "appointment": appointment,
        "form": form,
        "error": error,
        "zone_name": zone_name,
        "time_zone": client.time_zone,
        "current_label": zone_label(client.zone, at=appointment.starts_at),
        "changeable": appointment.client_may_change,
        "late": services.is_late_change(appointment, now=timezone.now(), window=window),
        "window": describe(window),
        "slot_action": request.path,
        "therapist": appointment.therapist,
        "session_type": appointment.session_type,
        **_week_context(
            appointment.therapist,
            appointment.session_type,
            path=request.path,
            zone_name=zone_name,
            first_day=choice.get("week") or timezone.localtime(appointment.starts_at).date(),
            ignoring=appointment,
        ),
    }
    template = "scheduling/reschedule.html"
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        template = "scheduling/book.html#slot-list"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response
