"""Who may open a page. Every view names its audience with one of these decorators."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, TypeGuard

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from practice.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind `login_required` or a role decorator receives.

    Only a type: Django still builds a plain HttpRequest, and the decorator is what makes
    `request.user` a logged-in practice User rather than possibly AnonymousUser.
    """

    user: User


type View = Callable[Concatenate[AuthenticatedHttpRequest, ...], HttpResponse]
type PublicView = Callable[Concatenate[HttpRequest, ...], HttpResponse]


def is_authenticated(request: HttpRequest) -> TypeGuard[AuthenticatedHttpRequest]:
    """True when a user is logged in, so views may treat `request.user` as a User."""
    return request.user.is_authenticated


def needs_second_factor(user: User) -> bool:
    """Staff see every client's records, so their accounts need a second factor."""
    return settings.REQUIRE_STAFF_MFA and user.is_practice_staff and not is_mfa_enabled(user)


def role_required(*roles: str) -> Callable[[View], PublicView]:
    """Log in first, then allow only these roles; anyone else gets 403."""

    def decorator(view: View) -> PublicView:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not is_authenticated(request) or request.user.role not in roles:
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
