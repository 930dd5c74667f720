from django.urls import include, path

from scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
]

urlpatterns += [path("", include("scheduling.booking_urls"))]
