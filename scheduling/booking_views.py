"""Public booking (choose a time, hold it, confirm it) and the client's cancel and move pages."""

import secrets
from datetime import datetime
from typing import Any, cast
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from allauth.account.adapter import get_adapter
from django import forms
from django.contrib import messages
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from practice import dates, signup
from practice.locations import LOCATION_CHOICES
from practice.models import PracticeSettings, Therapist, User
from practice.roles import AuthenticatedHttpRequest, client_required
from practice.scoping import get_for_user
from practice.shared_pages import kept_for_visitors, open_times_of
from scheduling import links, services
from scheduling.availability import (
    WeekOfSlots,
    bookable_session_types,
    booking_rules_for,
    first_open_day,
    slot_rules_for_each,
    week_of_merged_slots,
    week_of_slots,
)
from scheduling.forms import (
    DEFAULT_ZONE,
    ZONE_NAMES,
    BookingOptionsForm,
    CancelForm,
    FindOptionsForm,
    HoldForm,
    SlotChoiceForm,
)
from scheduling.models import Appointment, GoodFaithEstimate, SessionType
from scheduling.wording import describe, week_zone_label, zone_label, zone_options

HOLD_KEY = "booking_hold_key"
HOLD_ZONE = "booking_zone"
# What the visitor last held, so a hold that ends and is cleared can still be explained.
HOLD_CHOICE = "booking_hold"
# Insurance or self-pay, chosen with the sign-up details and used once the code is right.
HOLD_PAYMENT = "booking_payment"


# Fees, before anyone books ---------------------------------------------------------------------


@require_safe
def fees(request: HttpRequest) -> HttpResponse:
    session_types = SessionType.objects.offered().order_by("fee", "name")
    return render(request, "scheduling/fees.html", {"session_types": session_types})


# Choosing and holding a time ------------------------------------------------------------------


@require_safe
@kept_for_visitors(versions=open_times_of)
def book(request: HttpRequest, slug: str) -> HttpResponse:
    therapist = get_object_or_404(Therapist.objects.listed(), slug=slug)
    session_types = bookable_session_types(therapist, request.user)
    options = BookingOptionsForm(request.GET or None, session_types=session_types)
    return _render_book(request, therapist, options, session_types=session_types)


@require_safe
def find(request: HttpRequest) -> HttpResponse:
    """Choose a therapist (or the first time with anyone), a kind of session and a time."""
    therapists = list(Therapist.objects.listed().filter(accepting_new_clients=True))
    slug = request.GET.get("therapist", "")
    therapist = next((t for t in therapists if t.slug == slug), None)
    if therapist is not None:
        session_types = bookable_session_types(therapist, request.user)
    else:
        session_types = SessionType.objects.filter(
            new_clients_may_book=True, therapists__in=therapists
        ).distinct()
    options = FindOptionsForm(
        request.GET or None, session_types=session_types, therapists=therapists
    )
    choice, context = _options_context(request, options, session_types)
    session_type, zone_name = context["session_type"], context["zone_name"]
    context |= {
        "finding": True,
        "therapists": therapists,
        "therapist_slug": therapist.slug if therapist else "",
        "location_choices": LOCATION_CHOICES,
    }
    if session_type is not None:
        offering = set(session_type.therapists.values_list("pk", flat=True))
        candidates = [t for t in ([therapist] if therapist else therapists) if t.pk in offering]
        zone = ZoneInfo(zone_name)
        now = timezone.now()
        week = week_of_merged_slots(
            slot_rules_for_each(candidates, session_type, now=now),
            first_day=choice.get("week"),
            zone=zone,
            now=now,
        )
        query = {"therapist": slug if therapist else "", "session_type": session_type.pk}
        context["slot_action"] = candidates and reverse(
            "scheduling:hold-create", kwargs={"slug": candidates[0].slug}
        )
        context |= _slot_context(
            week,
            path=request.path,
            query={**query, "tz": zone_name},
            zone=zone,
            day=choice.get("day"),
            therapists=candidates,
        )
    return _render_slots(request, "scheduling/book.html", context)


def _options_context(
    request: HttpRequest, options: BookingOptionsForm, session_types
) -> tuple[dict, dict]:
    """What the visitor chose (or the defaults): the kind of session and the zone."""
    choice = options.is_valid() and options.cleaned_data or {}
    session_types = list(session_types)
    label = cast(ModelChoiceField, options.fields["session_type"]).label_from_instance
    return choice, {
        "session_type_choices": [(each.pk, label(each)) for each in session_types],
        "session_types": session_types,
        "session_type": choice.get("session_type") or next(iter(session_types), None),
        "zone_name": choice.get("tz") or visitor_zone_name(request),
        "zone_chosen": bool(choice.get("tz")),
    }


def _render_slots(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """The page, or only its list of times when htmx asks for another week or day."""
    # The one-page chooser swaps its whole form (HX-Target "booking") when the therapist changes.
    headers = request.headers
    if (
        headers.get("HX-Request")
        and headers.get("HX-Target") != "booking"
        and not headers.get("HX-History-Restore-Request")
    ):
        template = "scheduling/book.html#slot-list"
    # The common zones and the chosen one; the script adds the browser's own, and without it
    # "All time zones" lists every one.
    every_zone = request.GET.get("zones") == "all"
    context["zone_options"] = zone_options(context["zone_name"], every=every_zone)
    if not every_zone:
        context["all_zones_url"] = f"?{urlencode({**request.GET.dict(), 'zones': 'all'})}"
    response = render(request, template, context)
    response["Vary"] = "HX-Request, HX-Target"
    return response


# A therapist's page shows, for each kind of session, up to this many first open times.
FIRST_TIMES_SHOWN = 4


def first_times_context(request: HttpRequest, therapist: Therapist, zone: ZoneInfo) -> dict:
    """For each kind of session the visitor may book, the first day with open times and up
    to four of its times (the therapist's cached calendar: a fixed few queries)."""
    now = timezone.now()
    kinds = list(bookable_session_types(therapist, request.user))
    offers = []
    if kinds:
        [rules] = slot_rules_for_each([therapist], kinds[0], now=now)
        for kind in kinds:
            rules["duration"] = kind.duration
            slots = first_open_day(rules, zone=zone)
            offers.append({"kind": kind, "slots": slots[:FIRST_TIMES_SHOWN]})
    return {
        "therapist": therapist,
        "offers": offers,
        "zone": zone,
        "zone_label": zone_label(zone, at=now),
        "location_choices": LOCATION_CHOICES,
    }


@require_safe
@kept_for_visitors(versions=open_times_of)
def first_times(request: HttpRequest, slug: str) -> HttpResponse:
    """The first open times of a therapist's page again, in the zone the browser is in."""
    therapist = get_object_or_404(Therapist.objects.listed(), slug=slug)
    zone_name = request.GET.get("tz", "")
    if zone_name not in ZONE_NAMES:
        zone_name = visitor_zone_name(request)
    context = first_times_context(request, therapist, ZoneInfo(zone_name))
    return render(request, "scheduling/_first_times.html", context)


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
    choice, context = _options_context(request, options, session_types)
    session_type, zone_name = context["session_type"], context["zone_name"]
    context |= {
        "therapist": therapist,
        "options": options,
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
                day=choice.get("day"),
            )
        )
    return _render_slots(request, "scheduling/book.html", context)


def _week_context(
    therapist, session_type, *, path: str, zone_name: str, first_day, day=None, **kwargs
) -> dict:
    """The week of open times to show, with links to the weeks either side."""
    zone = ZoneInfo(zone_name)
    week = week_of_slots(
        therapist, session_type, first_day=first_day, zone=zone, now=timezone.now(), **kwargs
    )
    query = {"session_type": session_type.pk, "tz": zone_name}
    return _slot_context(week, path=path, query=query, zone=zone, day=day)


# On a phone, a day shows this many times; the rest wait behind "more times".
TIMES_SHOWN_PER_DAY = 6


def _slot_context(
    week: WeekOfSlots,
    *,
    path: str,
    query: dict,
    zone: ZoneInfo,
    day=None,
    therapists: list[Therapist] | None = None,
) -> dict:
    """The week grid (wide screens), the strip of days and the chosen day (phones)."""

    def url(**more) -> str:
        return f"{path}?{urlencode({**query, **more})}"

    def week_url(first) -> str | None:
        return None if first is None else url(week=first.isoformat())

    def hold_url(slot) -> str | None:
        if therapists is None:
            return None
        slug = therapists[week.who[slot]].slug
        return reverse("scheduling:hold-create", kwargs={"slug": slug})

    def with_whom(slot) -> str:
        return "" if therapists is None else therapists[week.who[slot]].public_name

    days: list[dict[str, Any]] = [
        {
            "id": each.isoformat(),
            "label": dates.day(each),
            "weekday": f"{each:%A}",
            "date": each.day,
            "url": url(week=week.first_day.isoformat(), day=each.isoformat()),
            "slots": [
                (slot.isoformat(), dates.clock(slot, zone), hold_url(slot), with_whom(slot))
                for slot in slots
            ],
        }
        for each, slots in week.days
    ]
    chosen = next((d for d in days if d["id"] == (day and day.isoformat())), None) or next(
        (d for d in days if d["slots"]), days[0]
    )
    return {
        "week": week,
        "days": days,
        "chosen_day": chosen,
        "chosen_first": chosen["slots"][:TIMES_SHOWN_PER_DAY],
        "chosen_more": chosen["slots"][TIMES_SHOWN_PER_DAY:],
        # The abbreviation in force that week, not today's: MST in a winter week seen in summer.
        "zone_label": week_zone_label(zone, week.first_day),
        "previous_url": week_url(week.previous_week),
        "next_url": week_url(week.next_week),
        "next_open_url": week_url(week.next_open and week.next_open.astimezone(zone).date()),
    }


def visitor_zone_name(request: HttpRequest) -> str:
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
    zone_name = visitor_zone_name(request)
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


def _render_hold(
    request: HttpRequest,
    held: Appointment,
    error=None,
    *,
    details: forms.Form | None = None,
    code: forms.Form | None = None,
) -> HttpResponse:
    zone_name = request.session.get(HOLD_ZONE) or visitor_zone_name(request)
    zone = ZoneInfo(zone_name)
    now = timezone.now()
    anonymous = not request.user.is_authenticated
    code_email = signup.code_awaited_for(request) if anonymous else None
    if anonymous and code_email is None and details is None:
        details = signup.sign_up_form(time_zone=zone_name)
    if code_email is not None and code is None:
        code = signup.code_form()
    practice = PracticeSettings.load()
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
            "details": details,
            "code": code,
            "code_email": code_email,
            "payment": request.session.get(HOLD_PAYMENT, ""),
            "practice": practice,
            "practice_window": describe(practice.cancellation_window),
            "book_url": reverse("scheduling:book", kwargs={"slug": held.therapist.slug}),
            "estimate": (
                {"content": services.estimate_content(held, request.user)}
                if request.user.is_authenticated and request.user.is_client
                else None
            ),
        },
    )


def _payment(value: str) -> str:
    return value if value in ("insurance", "self_pay") else ""


@require_POST
def hold_sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Name, e-mail and password on the held time: the account is made and a code e-mailed."""
    held = _held_by_this_visitor(request, pk)
    if held is None:
        return _hold_ended(request)
    if request.user.is_authenticated:
        return redirect("scheduling:hold", pk=pk)
    zone_name = request.session.get(HOLD_ZONE) or DEFAULT_ZONE
    details = signup.sign_up_form(request.POST, time_zone=zone_name)
    payment = _payment(request.POST.get("payment", ""))
    request.session[HOLD_PAYMENT] = payment
    if not payment:
        details.add_error(None, "Please choose how you will pay.")
    if not details.is_valid():
        return _render_hold(request, held, details=details)
    hold_url = reverse("scheduling:hold", kwargs={"pk": pk})
    if not signup.start_sign_up(request, details, redirect_url=hold_url):
        error = "You have signed up several times in a short while. Please wait a few minutes."
        return _render_hold(request, held, error=error, details=details)
    return redirect(f"{hold_url}#code")


@require_safe
def hold_log_in(request: HttpRequest, pk: int) -> HttpResponse:
    """Log in instead of typing a code (the address has an account), then back to the time."""
    _held_by_this_visitor(request, pk)
    signup.give_up_code(request)
    hold_url = reverse("scheduling:hold", kwargs={"pk": pk})
    return redirect(f"{reverse('account_login')}?{urlencode({'next': hold_url})}")


@require_POST
def hold_code(request: HttpRequest, pk: int) -> HttpResponse:
    """The e-mailed code: the new client is verified and logged in, and the time is booked."""
    held = _held_by_this_visitor(request, pk)
    if held is None:
        return _hold_ended(request)
    result, code = signup.verify_code(request, request.POST)
    if result is signup.CodeResult.ENDED:
        messages.error(
            request, "That code can no longer be used. Please log in, and your time is still here."
        )
        hold_url = reverse("scheduling:hold", kwargs={"pk": pk})
        return redirect(f"{reverse('account_login')}?{urlencode({'next': hold_url})}")
    if result is signup.CodeResult.WRONG:
        return _render_hold(request, held, code=code)
    user = cast(User, request.user)
    return _confirm(request, held, client=user, payment=request.session.get(HOLD_PAYMENT, ""))


@client_required
@require_POST
def hold_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    held = _held_by_this_visitor(request, pk)
    if held is None:
        return _hold_ended(request)
    return _confirm(
        request, held, client=request.user, payment=_payment(request.POST.get("payment", ""))
    )


def _confirm(request: HttpRequest, held: Appointment, *, client: User, payment: str):
    try:
        booked = services.confirm_booking(
            appointment_id=held.pk, hold_key=held.hold_key, client=client, payment=payment
        )
    except services.HoldEnded:
        return _hold_ended(request)
    except services.BookingError as error:
        return _render_hold(request, held, error=error)
    request.session.pop(HOLD_PAYMENT, None)
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
            day=choice.get("day"),
            ignoring=appointment,
        ),
    }
    return _render_slots(request, "scheduling/reschedule.html", context)
