"""Booking, the client's own sessions and the therapist's availability (scheduling: namespace)."""

from django.urls import path

from scheduling import availability_views, booking_views

urlpatterns = [
    path("book/<slug:slug>/", booking_views.book, name="book"),
    path("book/<slug:slug>/hold/", booking_views.hold_create, name="hold-create"),
    path("holds/<int:pk>/", booking_views.hold, name="hold"),
    path("holds/<int:pk>/confirm/", booking_views.hold_confirm, name="hold-confirm"),
    path("sessions/<int:pk>/booked/", booking_views.booked, name="booked"),
    path("sessions/<int:pk>/cancel/", booking_views.client_cancel, name="client-cancel"),
    path(
        "sessions/<int:pk>/reschedule/",
        booking_views.client_reschedule,
        name="client-reschedule",
    ),
    path("manage/<str:token>/", booking_views.manage, name="manage"),
    path("manage/<str:token>/cancel/", booking_views.manage_cancel, name="manage-cancel"),
    path(
        "manage/<str:token>/reschedule/",
        booking_views.manage_reschedule,
        name="manage-reschedule",
    ),
    path("availability/", availability_views.weekly_hours, name="availability"),
    path("availability/rules/", availability_views.booking_rules, name="booking-rules"),
    path("availability/time-off/", availability_views.time_off, name="time-off"),
    path(
        "availability/time-off/<int:pk>/delete/",
        availability_views.time_off_delete,
        name="time-off-delete",
    ),
    path("availability/days/", availability_views.date_exceptions, name="date-exceptions"),
    path(
        "availability/days/<int:pk>/delete/",
        availability_views.date_exception_delete,
        name="date-exception-delete",
    ),
]
