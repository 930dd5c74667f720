"""Who may open a page. Every view names its audience with one of these decorators."""

from collections.abc import Callable
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from practice.models import User

View = Callable[..., HttpResponse]


def needs_second_factor(user: User) -> bool:
    """Staff see every client's records, so their accounts need a second factor."""
    return settings.REQUIRE_STAFF_MFA and user.is_practice_staff and not is_mfa_enabled(user)


def role_required(*roles: str) -> Callable[[View], View]:
    """Log in first, then allow only these roles; anyone else gets 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in roles:
                raise PermissionDenied
            if needs_second_factor(request.user):
                messages.info(request, "Please set up two-factor authentication before continuing.")
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


client_required = role_required(User.Role.CLIENT)
therapist_required = role_required(User.Role.THERAPIST)
staff_required = role_required(User.Role.STAFF)
clinician_or_staff_required = role_required(User.Role.THERAPIST, User.Role.STAFF)
