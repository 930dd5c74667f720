"""Help choosing a therapist: a short, optional questionnaire and the suggestions it gives."""

from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from practice import dates
from practice.models import Therapist
from scheduling import matching
from scheduling.availability import slot_rules_for_each
from scheduling.booking_views import HOLD_PAYMENT, visitor_zone_name
from scheduling.forms import HelpChoosingForm
from scheduling.models import SessionType
from scheduling.slots import open_slots
from scheduling.wording import zone_label

# The questionnaire's answers, kept in the browser session only (nothing is stored before
# sign-up), so the suggestions stay while the visitor looks around.
HELP_ANSWERS = "help_choosing"
# How far ahead the suggestions look for a first open time.
SUGGESTION_WINDOW = timedelta(days=28)


@require_http_methods(["GET", "HEAD", "POST"])
def help_choosing(request: HttpRequest) -> HttpResponse:
    """A short, optional questionnaire that suggests therapists with their first open times."""
    therapists = list(Therapist.objects.listed().filter(accepting_new_clients=True))
    saved = request.session.get(HELP_ANSWERS)
    posted = request.POST if request.method == "POST" else None
    form = HelpChoosingForm(posted, therapists=therapists, initial=saved)
    if posted is not None:
        if "forget" in posted:
            request.session.pop(HELP_ANSWERS, None)
            messages.success(request, "Your answers are forgotten.")
            return redirect("scheduling:help-choosing")
        if form.is_valid():
            request.session[HELP_ANSWERS] = form.cleaned_data
            if form.cleaned_data["payment"]:
                request.session[HOLD_PAYMENT] = form.cleaned_data["payment"]
            return redirect(reverse("scheduling:help-choosing") + "#suggestions")
    zone = ZoneInfo(visitor_zone_name(request))
    suggestions = None
    if saved and posted is None:
        answers = matching.Answers(**{**saved, "times_of_day": frozenset(saved["times_of_day"])})
        kinds = dict(
            SessionType.objects.filter(new_clients_may_book=True).values_list("pk", "name")
        )
        suggestions = [
            {
                "match": match,
                "times": [
                    _open_time_link(slot, match, zone, kinds) for slot in match.fitting_times
                ],
            }
            for match in matching.rank_therapists(_candidates(therapists, zone), answers)
        ]
    return render(
        request,
        "scheduling/help_choosing.html",
        {
            "form": form,
            "suggestions": suggestions,
            "zone_label": zone_label(zone, at=timezone.now()),
        },
    )


def _candidates(therapists: list[Therapist], zone: ZoneInfo) -> list[matching.Candidate]:
    """Each therapist with their open times for new clients (cached calendars, per kind)."""
    now = timezone.now()
    kinds = SessionType.objects.filter(new_clients_may_book=True, therapists__in=therapists)
    offers = SessionType.therapists.through.objects.filter(
        sessiontype__in=kinds, therapist__in=therapists
    ).values_list("sessiontype_id", "therapist_id")
    by_kind: dict[int, set[int]] = {}
    for kind_id, therapist_id in offers:
        by_kind.setdefault(kind_id, set()).add(therapist_id)
    times: dict[int, list[matching.OpenTime]] = {t.pk: [] for t in therapists}
    for kind in kinds.distinct():
        offering = [t for t in therapists if t.pk in by_kind.get(kind.pk, ())]
        for therapist, rules in zip(
            offering, slot_rules_for_each(offering, kind, now=now), strict=True
        ):
            times[therapist.pk] += [
                matching.OpenTime(slot.astimezone(zone), kind.modality, kind.pk)
                for slot in open_slots(**rules, start=now, end=now + SUGGESTION_WINDOW)
            ]
    return [
        matching.Candidate(
            slug=t.slug,
            name=t.public_name,
            specialties=tuple(t.specialty_list),
            languages=tuple(t.language_list),
            open_times=tuple(times[t.pk]),
        )
        for t in therapists
    ]


def _open_time_link(
    slot: matching.OpenTime, match: matching.Match, zone: ZoneInfo, kinds: dict[int, str]
) -> dict:
    local = slot.starts_at.date()
    query = {
        "therapist": match.candidate.slug,
        "session_type": slot.session_type_id,
        "tz": zone.key,
        "week": local.isoformat(),
        "day": local.isoformat(),
    }
    return {
        "label": f"{dates.day(slot.starts_at)}, {dates.clock(slot.starts_at)}: "
        + kinds.get(slot.session_type_id, ""),
        "video": slot.modality == SessionType.Modality.TELEHEALTH,
        "url": f"{reverse('scheduling:find')}?{urlencode(query)}",
    }
