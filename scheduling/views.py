from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from practice.audit import record_list
from practice.roles import AuthenticatedHttpRequest, therapist_required
from scheduling.calendar import calendar_page, chosen_view


@therapist_required
@require_safe
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A week (or a day) of the therapist's sessions in their own zone; their home page."""
    therapist = request.user.therapist
    today = timezone.now().astimezone(therapist.zone).date()
    view, first_day = chosen_view(request.GET, today=today)
    page = calendar_page(therapist=therapist, viewer=request.user, view=view, first_day=first_day)
    record_list(request, record="Calendar", shown=page.count)
    return render(request, "scheduling/calendar.html", {"calendar": page})
