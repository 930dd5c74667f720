"""Who may open a page. Every view names its audience with one of these decorators."""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, TypeGuard

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

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


def role_required(*roles: str) -> Callable[[View], PublicView]:
    """Log in first, then allow only these roles; anyone else gets 403.

    The second factor is not checked here but for every page in practice/middleware.py.
    """

    def decorator(view: View) -> PublicView:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not is_authenticated(request) or request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


client_required = role_required(User.Role.CLIENT)
therapist_required = role_required(User.Role.THERAPIST)
staff_required = role_required(User.Role.STAFF)
clinician_or_staff_required = role_required(User.Role.THERAPIST, User.Role.STAFF)
