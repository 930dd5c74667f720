"""The site's URLs plus a bare view, for the benchmark's baseline (never in production)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from practice.urls import urlpatterns as site_patterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_patterns]
