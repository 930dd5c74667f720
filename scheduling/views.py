from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from practice.roles import therapist_required


@therapist_required
def calendar(request: HttpRequest) -> HttpResponse:
    return render(request, "scheduling/calendar.html")
