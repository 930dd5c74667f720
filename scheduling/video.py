"""Where a video session happens: the room a client and therapist join from the portal.

The backend is chosen in settings (VIDEO_BACKEND), like the e-mail backend. The room address
is shown only on the logged-in join page, never in an e-mail, a text or a calendar file: those
carry a link to the portal, which opens the room from 15 minutes before the session.
"""

import json
import urllib.error
import urllib.request
from datetime import UTC
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from scheduling.models import Appointment


class VideoUnavailable(Exception):
    """No room can be given for this session now (none set up, or the provider failed)."""


class VideoBackend(Protocol):
    def room_for(self, appointment: Appointment) -> str:
        """The address that opens this session's video room. Raise VideoUnavailable if none."""
        ...


class TherapistRoomBackend:
    """Each therapist's fixed room on the practice's BAA-covered service (their profile)."""

    def room_for(self, appointment: Appointment) -> str:
        if not appointment.therapist.video_room_url:
            raise VideoUnavailable("the therapist has no video room address yet")
        return appointment.therapist.video_room_url


class ProviderApiBackend:
    """One meeting per session, created through a provider's HTTP API on the first join.

    POST {VIDEO_API_URL}/meetings with a bearer token and {"reference", "start_time",
    "duration"} answers {"join_url": ...}. The provider learns when and how long, never who.
    The link is kept on the appointment, so everyone who joins gets the same one.
    """

    def room_for(self, appointment: Appointment) -> str:
        if appointment.video_url:
            return appointment.video_url
        url = self._create_meeting(appointment)
        # Two people joining at once may both create a meeting; the first one kept wins.
        Appointment.objects.filter(pk=appointment.pk, video_url="").update(video_url=url)
        appointment.refresh_from_db(fields=["video_url"])
        return appointment.video_url

    def _create_meeting(self, appointment: Appointment) -> str:
        if not settings.VIDEO_API_URL:
            raise VideoUnavailable("DJANGO_VIDEO_API_URL is not set")
        body = {
            "reference": f"appointment-{appointment.pk}",
            "start_time": appointment.starts_at.astimezone(UTC).isoformat(),
            "duration": int((appointment.ends_at - appointment.starts_at).total_seconds() // 60),
        }
        request = urllib.request.Request(  # noqa: S310  (an https address from our settings)
            f"{settings.VIDEO_API_URL}/meetings",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Authorization": f"Bearer {settings.VIDEO_API_TOKEN}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.VIDEO_API_TIMEOUT) as response:  # noqa: S310
                join_url = json.load(response).get("join_url", "")
        except (urllib.error.URLError, TimeoutError, ValueError) as error:
            raise VideoUnavailable(f"the video provider did not answer: {error}") from error
        if not isinstance(join_url, str) or not join_url.startswith("https://"):
            raise VideoUnavailable("the video provider gave no https join address")
        return join_url


def backend() -> VideoBackend:
    return import_string(settings.VIDEO_BACKEND)()


def room_for(appointment: Appointment) -> str:
    """The room of a telehealth session, from the backend the settings choose."""
    return backend().room_for(appointment)
