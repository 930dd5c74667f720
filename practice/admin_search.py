"""Admin searches by POST: a search term never in a URL, an access log or a Referer header.

An admin search is a client's name, e-mail or phone. Django's changelist searches by GET, so
the term lands in the address bar, the browser history, the access log and the Referer of the
next request. Here the search form posts; the term is kept in the staff member's session under
a random reference, and the changelist is redirected to `?_s=<reference>`. Every link the
changelist builds (pages, sorting, filters, the way back from a record) carries the reference,
never the term. Every registered admin with search fields gets this (`practice/urls.py`, once
every app has registered its admins), Django's and allauth's included, so none can forget it.
The log filter still masks `?q=` for a search typed into the address bar by hand.
"""

import secrets
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR, ChangeList
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict

SEARCH_REF = "_s"
POSTED = "_search"  # the search form's marker, so an action's POST is never taken for a search
SESSION_KEY = "admin_searches"
KEPT = 20  # searches remembered per session; an older reference shows the whole list


class PostedSearchChangeList(ChangeList):
    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.search_ref: str = getattr(request, "admin_search_ref", "")
        super().__init__(request, *args, **kwargs)

    def get_query_string(
        self, new_params: dict | None = None, remove: Iterable[str] | None = None
    ) -> str:
        params = {**(new_params or {}), SEARCH_VAR: None, SEARCH_REF: self.search_ref or None}
        return super().get_query_string(params, remove)


class SearchByPostMixin:
    """Mixed into a ModelAdmin: its changelist search posts and the term stays in the session."""

    search_by_post = True

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _posted(super().get_changelist(request, **kwargs))  # type: ignore[misc]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        if request.method == "POST" and POSTED in request.POST:
            return _remember_search(request)
        _recall_search(request)
        return super().changelist_view(request, extra_context)  # type: ignore[misc]

    def get_preserved_filters(self, request: HttpRequest) -> str:
        # Django preserves the changelist's own query string; that is the reference, not the term.
        asked = getattr(request, "admin_search_get", None)
        if asked is None:
            return super().get_preserved_filters(request)  # type: ignore[misc]
        recalled, request.GET = request.GET, asked
        try:
            return super().get_preserved_filters(request)  # type: ignore[misc]
        finally:
            request.GET = recalled


@cache
def _posted(changelist: type[ChangeList]) -> type[ChangeList]:
    """The admin's own changelist class (Django's, or an app's subclass) with the posted search."""
    if issubclass(changelist, PostedSearchChangeList):
        return changelist
    return type(changelist.__name__, (PostedSearchChangeList, changelist), {})


def _remember_search(request: HttpRequest) -> HttpResponseRedirect:
    # "N total" beside the results posts _all: the whole list again.
    term = "" if "_all" in request.POST else request.POST.get(SEARCH_VAR, "").strip()
    params = request.GET.copy()
    params.pop(SEARCH_REF, None)
    params.pop(SEARCH_VAR, None)
    params.pop("p", None)  # a new search starts at its first page
    if term:
        ref = secrets.token_urlsafe(9)
        searches = dict(list(request.session.get(SESSION_KEY, {}).items())[-(KEPT - 1) :])
        request.session[SESSION_KEY] = {**searches, ref: term}
        params[SEARCH_REF] = ref
    query = params.urlencode()
    return HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)


def _recall_search(request: HttpRequest) -> None:
    """Put the referenced term where Django's changelist reads it, in this request only."""
    ref = request.GET.get(SEARCH_REF)
    if ref is None:
        return
    asked: QueryDict = request.GET
    params = asked.copy()
    del params[SEARCH_REF]
    term = request.session.get(SESSION_KEY, {}).get(ref)
    if term:
        params[SEARCH_VAR] = term
        request.admin_search_ref = ref  # type: ignore[attr-defined]
    request.admin_search_get = asked  # type: ignore[attr-defined]
    params._mutable = False
    request.GET = params  # type: ignore[assignment]  # an immutable QueryDict, as Django's own


def search_by_post_everywhere(site: admin.AdminSite) -> None:
    """Give every registered admin that has search fields the posted search."""
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if model_admin.search_fields and not issubclass(cls, SearchByPostMixin):
            posted = type(cls.__name__, (SearchByPostMixin, cls), {"__module__": cls.__module__})
            site._registry[model] = posted(model, site)
