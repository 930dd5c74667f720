"""One way to page a staff list: 50 rows a page, numbered, the list's filters kept.

Staff lists grow with the practice (every message, every intake, every client), so none is
shown whole; each page costs the same two queries (the count and the rows) at any size, with
the list's order and filters served by an index.
"""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of[M: Model](
    request: HttpRequest, rows: QuerySet[M, Any], *, per_page: int = PAGE_SIZE
) -> Page:
    """The page of `rows` that `?page=` asks for (the last for a number past the end)."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    """The request's query string minus `page`, so page links keep the list's filters."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
