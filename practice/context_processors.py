from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from practice.middleware import session_idle_timeout
from practice.models import PracticeSettings


def practice(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        # Loaded when a template first reads it; a view that has loaded the settings already
        # passes its own "practice", which the template sees instead (one query, not two).
        "practice": SimpleLazyObject(PracticeSettings.load),
        # The page warns before this many idle seconds sign the person out (static/js/session.js).
        "session_idle_seconds": (
            session_idle_timeout(user) if user is not None and user.is_authenticated else None
        ),
    }
