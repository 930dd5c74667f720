"""Who may open a page. Every view names its audience with one of these decorators."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from practice.models import User

View = Callable[..., HttpResponse]


def role_required(*roles: str) -> Callable[[View], View]:
    """Log in first, then allow only these roles; anyone else gets 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


client_required = role_required(User.Role.CLIENT)
therapist_required = role_required(User.Role.THERAPIST)
staff_required = role_required(User.Role.STAFF)
clinician_or_staff_required = role_required(User.Role.THERAPIST, User.Role.STAFF)
