"""The waitlist's pages: joining and leaving it, an offer's signed page, and staff's list."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consent import status as consent_status
from practice import dates
from practice.locations import LOCATION_CHOICES
from practice.models import Therapist
from practice.roles import AuthenticatedHttpRequest, client_required, staff_required
from practice.scoping import get_for_user
from scheduling import waitlist
from scheduling.forms import WaitlistForm
from scheduling.links import manage_token
from scheduling.models import BookingError, WaitlistEntry, WaitlistOffer
from scheduling.wording import describe, zone_label


def offer_length() -> str:
    return describe(timedelta(hours=settings.WAITLIST_OFFER_HOURS))


def joined_message(entry: WaitlistEntry, zone: ZoneInfo) -> str:
    if entry.wants_before is None:
        return "You are on the waitlist. We will e-mail you when a time that suits you opens."
    return (
        "You are on the waitlist. The earliest open time that suits you now is "
        f"{dates.datetime_zone(entry.wants_before, zone)}, which you can still book; we will "
        "e-mail you if an earlier time that suits you opens."
    )


@client_required
@require_http_methods(["GET", "HEAD", "POST"])
def join(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {
        "therapist": request.GET.get("therapist"),
        "session_type": request.GET.get("session_type"),
    }
    form = WaitlistForm(request.POST or None, client=request.user, initial=initial)
    if form.is_valid():
        try:
            entry = waitlist.join_waitlist(client=request.user, **form.cleaned_data)
        except BookingError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, joined_message(entry, request.user.zone))
            return redirect("practice:portal")
    context = {
        "form": form,
        "offer_length": offer_length(),
        "email_allowed": "email" in consent_status.allowed_channels(request.user),
    }
    return render(request, "scheduling/waitlist_join.html", context)


@client_required
@require_POST
def leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_for_user(WaitlistEntry.objects, request.user, pk=pk)
    waitlist.leave_waitlist(entry)
    messages.success(request, "You have left the waitlist for that time.")
    return redirect("practice:portal")


# An offer's page: the signed link in the e-mail ----------------------------------------------


def _signed_offer(request: HttpRequest, token: str) -> WaitlistOffer:
    """The offer a signed link is for; anyone else logged in gets a 404.

    Not `get_for_user`: the link itself is the credential, so it works logged out.
    """
    offer = get_object_or_404(
        WaitlistOffer.objects.for_link(token).select_related(
            "entry__client", "therapist", "session_type"
        )
    )
    if request.user.is_authenticated and request.user.pk != offer.entry.client_id:
        raise Http404
    return offer


@require_safe
def offer(request: HttpRequest, token: str) -> HttpResponse:
    return _render_offer(request, _signed_offer(request, token), token)


@require_POST
def offer_book(request: HttpRequest, token: str) -> HttpResponse:
    offer = _signed_offer(request, token)
    if offer.status == WaitlistOffer.Status.TAKEN:
        return redirect("scheduling:waitlist-offer", token=token)  # a double submit
    try:
        waitlist.take_offer(
            offer=offer,
            client=offer.entry.client,
            client_location=request.POST.get("location", ""),
        )
    except BookingError as refused:
        offer.refresh_from_db()
        if offer.status != WaitlistOffer.Status.TAKEN:  # else their other click booked it
            return _render_offer(request, offer, token, error=str(refused))
    return redirect("scheduling:waitlist-offer", token=token)


@require_POST
def offer_decline(request: HttpRequest, token: str) -> HttpResponse:
    offer = _signed_offer(request, token)
    waitlist.decline_offer(offer)
    return redirect("scheduling:waitlist-offer", token=token)


def _render_offer(
    request: HttpRequest, offer: WaitlistOffer, token: str, *, error: str = ""
) -> HttpResponse:
    client = offer.entry.client
    appointment = offer.appointment
    context = {
        "offer": offer,
        "token": token,
        "error": error,
        "location_choices": LOCATION_CHOICES,
        "location": request.POST.get("location", ""),
        "time_zone": client.time_zone,
        "zone_label": zone_label(client.zone, at=offer.starts_at),
        "still_waiting": offer.entry.status == WaitlistEntry.Status.WAITING,
        "manage_url": (
            reverse("scheduling:manage", kwargs={"token": manage_token(appointment)})
            if appointment is not None
            else ""
        ),
    }
    return render(request, "scheduling/waitlist_offer_detail.html", context)


# Staff: the list per therapist ----------------------------------------------------------------


@staff_required
@require_safe
def staff_waitlist(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapists = list(Therapist.objects.listed())
    wanted = request.GET.get("therapist")
    therapist = next((t for t in therapists if wanted in (None, str(t.pk))), None)
    if wanted is not None and therapist is None:
        raise Http404("No such therapist.")
    entries = []
    if therapist is not None:
        entries = list(
            WaitlistEntry.objects.for_user(request.user)
            .waiting()
            .filter(Q(therapist=therapist) | Q(therapist__isnull=True))
            .filter(session_type__therapists=therapist)
            .select_related("client", "session_type", "therapist")
            .prefetch_related(
                Prefetch("offers", WaitlistOffer.objects.open(), to_attr="open_offers")
            )
            .order_by("joined_at", "pk")
        )
    context = {"therapists": therapists, "therapist": therapist, "entries": entries}
    return render(request, "scheduling/staff_waitlist.html", context)
