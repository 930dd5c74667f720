"""A therapist's own pages for their weekly hours, booking rules, time off and dated exceptions."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from practice.roles import AuthenticatedHttpRequest, therapist_required
from practice.scoping import get_for_user
from scheduling.availability import booking_rules_for
from scheduling.forms import (
    AvailabilityExceptionForm,
    BookingRulesForm,
    TimeOffForm,
    WeeklyAvailabilityFormSet,
)
from scheduling.models import AvailabilityException, TimeOff, WeeklyAvailability
from scheduling.services import times_may_have_opened


@therapist_required
@require_http_methods(["GET", "HEAD", "POST"])
def weekly_hours(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapist = request.user.therapist
    formset = WeeklyAvailabilityFormSet(
        request.POST or None,
        queryset=WeeklyAvailability.objects.for_user(request.user),
        prefix="hours",
    )
    if formset.is_valid():
        for hours in formset.save(commit=False):
            hours.therapist = therapist
            hours.save()
        for removed in formset.deleted_objects:
            removed.delete()
        times_may_have_opened(therapist.pk)
        messages.success(request, "Your weekly hours are saved.")
        return redirect("scheduling:availability")
    return render(
        request, "scheduling/availability.html", {"formset": formset, "therapist": therapist}
    )


@therapist_required
@require_http_methods(["GET", "HEAD", "POST"])
def booking_rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapist = request.user.therapist
    form = BookingRulesForm(request.POST or None, instance=booking_rules_for(therapist))
    if form.is_valid():
        form.save()
        times_may_have_opened(therapist.pk)
        messages.success(request, "Your booking rules are saved.")
        return redirect("scheduling:booking-rules")
    return render(request, "scheduling/booking_rules.html", {"form": form, "therapist": therapist})


@therapist_required
@require_http_methods(["GET", "HEAD", "POST"])
def time_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapist = request.user.therapist
    # Typed times are the therapist's wall-clock times.
    with timezone.override(therapist.zone):
        form = TimeOffForm(request.POST or None, instance=TimeOff(therapist=therapist))
        if form.is_valid():
            form.save()
            messages.success(request, "Your time off is saved; clients cannot book during it.")
            return redirect("scheduling:time-off")
        upcoming = TimeOff.objects.for_user(request.user).filter(ends_at__gt=timezone.now())
        return render(
            request,
            "scheduling/time_off.html",
            {"form": form, "time_off": upcoming, "therapist": therapist},
        )


@therapist_required
@require_POST
def time_off_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_for_user(TimeOff.objects, request.user, pk=pk).delete()
    times_may_have_opened(request.user.therapist.pk)
    messages.success(request, "That time off is removed.")
    return redirect("scheduling:time-off")


@therapist_required
@require_http_methods(["GET", "HEAD", "POST"])
def date_exceptions(request: AuthenticatedHttpRequest) -> HttpResponse:
    therapist = request.user.therapist
    form = AvailabilityExceptionForm(
        request.POST or None, instance=AvailabilityException(therapist=therapist)
    )
    if form.is_valid():
        form.save()
        times_may_have_opened(therapist.pk)
        messages.success(request, "Your hours for that day are saved.")
        return redirect("scheduling:date-exceptions")
    today = timezone.localdate(timezone=therapist.zone)
    upcoming = AvailabilityException.objects.for_user(request.user).filter(date__gte=today)
    return render(
        request,
        "scheduling/date_exceptions.html",
        {"form": form, "exceptions": upcoming, "therapist": therapist},
    )


@therapist_required
@require_POST
def date_exception_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    get_for_user(AvailabilityException.objects, request.user, pk=pk).delete()
    times_may_have_opened(request.user.therapist.pk)
    messages.success(request, "That day is back to your weekly hours.")
    return redirect("scheduling:date-exceptions")
