"""The practice's error pages, including the ones that must render without the database.

400, 500 and 503 use `error_base.html`, which needs no database row and no user: the name and
phone come from settings. 403, 404 and 405 use the site's own layout.
"""

import sys
from collections.abc import Callable, Sequence

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template import loader

# Methods any page of ours answers; everything else (PUT, DELETE, TRACE, ...) is refused
# before it reaches a view. Each view narrows this further with its own decorator.
ALLOWED_METHODS = ("GET", "HEAD", "POST")
DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 120


def _static_page(template_name: str, status: int) -> HttpResponse:
    context = {"practice_name": settings.PRACTICE_NAME, "practice_phone": settings.PRACTICE_PHONE}
    return HttpResponse(loader.render_to_string(template_name, context), status=status)


def database_unavailable() -> HttpResponse:
    response = _static_page("503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _static_page("400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. Django calls it inside its `except`, so the error being handled is known:
    a database that is down (noticed in a middleware, say) answers 503, not 500."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable()
    return _static_page("500.html", status=500)


def method_not_allowed(request: HttpRequest, permitted: Sequence[str]) -> HttpResponse:
    return HttpResponseNotAllowed(permitted, loader.render_to_string("405.html", request=request))


class ErrorPageMiddleware:
    """Refuse unknown methods, give every 405 the practice's page, and answer a database
    outage in a view with the 503 page instead of a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ALLOWED_METHODS:
            return method_not_allowed(request, ALLOWED_METHODS)
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            permitted = [method.strip() for method in response["Allow"].split(",")]
            return method_not_allowed(request, permitted)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            return database_unavailable()
        return None
