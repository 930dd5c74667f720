"""Joining a video session: the one place the room address is given, to its two people."""

import logging

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from practice.models import User
from practice.roles import AuthenticatedHttpRequest, role_required
from practice.scoping import get_for_user
from scheduling import video
from scheduling.models import Appointment

logger = logging.getLogger(__name__)


@role_required(User.Role.CLIENT, User.Role.THERAPIST)
@require_safe
def join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_for_user(
        Appointment.objects.with_people(), request.user, pk=pk, session_type__modality="telehealth"
    )
    now = timezone.now()
    problem = False
    if appointment.may_join(now):
        try:
            return redirect(video.room_for(appointment))
        except video.VideoUnavailable as error:
            logger.error("No video room for appointment %s: %s", appointment.pk, error)
            problem = True
    context = {"appointment": appointment, "problem": problem, "ended": appointment.ends_at <= now}
    return render(request, "scheduling/join.html", context)
