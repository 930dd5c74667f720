"""Rules that hold for every request, whichever view answers it."""

from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control

from practice.mfa import second_factor_required

type GetResponse = Callable[[HttpRequest], HttpResponse]

# The account pages and the Security page hold no client data and include setting up a second
# factor, the re-authentication that precedes it, and logging out.
SECOND_FACTOR_EXEMPT_PREFIXES = ("/accounts/", "/security/", "/static/")


class SecondFactorMiddleware:
    """Therapists and staff without a second factor are sent to set one up, admin included.

    One place instead of a decorator per view, so a new page (or the admin) cannot forget it.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path_info.startswith(SECOND_FACTOR_EXEMPT_PREFIXES)
            and second_factor_required(user)
            and not is_mfa_enabled(user)
        ):
            messages.info(request, "Please set up two-factor authentication before continuing.")
            return redirect("mfa_activate_totp")
        return self.get_response(request)


# Pages anyone may read that hold nobody's data: a shared cache or the browser may keep them.
PUBLIC_URL_NAMES = frozenset(
    {
        "practice:home",
        "practice:therapist-list",
        "practice:therapist-detail",
        "practice:what-to-expect",
        "practice:privacy",
        "practice:contact",
    }
)


class NoStoreMiddleware:
    """Every response but an anonymous visitor's public page says Cache-Control: no-store.

    Denying by default means a new page (an intake answer, a signed copy, a held time reached
    through the visitor's session, a signed e-mail link) is never left in a shared or back-button
    cache because someone forgot a decorator.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        match = request.resolver_match
        public = (
            user is not None
            and not user.is_authenticated
            and match is not None
            and match.view_name in PUBLIC_URL_NAMES
        )
        if not public:
            patch_cache_control(response, no_store=True, private=True)
        return response
