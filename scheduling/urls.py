from django.urls import include, path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    # The therapist's calendar pages, the private feed and staff booking on behalf.
    path("", include("scheduling.calendar_urls")),
]

urlpatterns += [path("", include("scheduling.booking_urls"))]
