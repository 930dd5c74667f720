"""Every scheduling URL, in the "scheduling" namespace."""

from django.urls import path, re_path

from scheduling import (
    availability_views,
    booking_views,
    calendar_views,
    checkin_views,
    choosing_views,
    staff_views,
    video_views,
    views,
    waitlist_views,
)

app_name = "scheduling"

urlpatterns = [
    # The therapist's calendar, the private feed and staff booking on a client's behalf.
    path("calendar/", views.calendar, name="calendar"),
    path(
        "calendar/appointments/<int:pk>/",
        calendar_views.appointment_detail,
        name="calendar-appointment",
    ),
    path(
        "calendar/appointments/<int:pk>/attended/",
        calendar_views.mark_attended,
        name="calendar-mark-attended",
    ),
    path(
        "calendar/appointments/<int:pk>/no-show/",
        calendar_views.mark_no_show,
        name="calendar-mark-no-show",
    ),
    path(
        "calendar/appointments/<int:pk>/cancel/",
        calendar_views.cancel_by_practice,
        name="calendar-cancel",
    ),
    path(
        "calendar/appointments/<int:pk>/checkins/<int:checkin_pk>/acknowledge/",
        checkin_views.acknowledge,
        name="checkin-acknowledge",
    ),
    path(
        "calendar/appointments/<int:pk>/worries/answer/",
        checkin_views.answer_worries,
        name="worries-answer",
    ),
    path("calendar/book/", calendar_views.book_series, name="calendar-book"),
    path("calendar/feed/", calendar_views.feed_settings, name="calendar-feed"),
    path("calendar/feed/new/", calendar_views.feed_issue, name="calendar-feed-issue"),
    path("calendar/feed/off/", calendar_views.feed_revoke, name="calendar-feed-revoke"),
    re_path(
        r"^feed/(?P<token>[A-Za-z0-9_-]{16,128})\.ics$",
        calendar_views.feed_ics,
        name="calendar-feed-ics",
    ),
    path("staff/calendar/", staff_views.staff_calendar, name="staff-calendar"),
    path("staff/book/", staff_views.staff_book, name="staff-book"),
    path("staff/appointments/<int:pk>/", staff_views.staff_appointment, name="staff-appointment"),
    path("staff/appointments/<int:pk>/move/", staff_views.staff_move, name="staff-move"),
    path("staff/appointments/<int:pk>/cancel/", staff_views.staff_cancel, name="staff-cancel"),
    path(
        "staff/appointments/<int:pk>/waive/",
        staff_views.staff_waive_late_change,
        name="staff-waive-late-change",
    ),
    # Booking and the client's own sessions.
    path("fees/", booking_views.fees, name="fees"),
    path("book/", booking_views.find, name="find"),
    path("help-choosing/", choosing_views.help_choosing, name="help-choosing"),
    path("book/<slug:slug>/", booking_views.book, name="book"),
    path("book/<slug:slug>/hold/", booking_views.hold_create, name="hold-create"),
    path("book/<slug:slug>/first-times/", booking_views.first_times, name="first-times"),
    path("holds/<int:pk>/", booking_views.hold, name="hold"),
    path("holds/<int:pk>/confirm/", booking_views.hold_confirm, name="hold-confirm"),
    path("holds/<int:pk>/sign-up/", booking_views.hold_sign_up, name="hold-sign-up"),
    path("holds/<int:pk>/code/", booking_views.hold_code, name="hold-code"),
    path("holds/<int:pk>/log-in/", booking_views.hold_log_in, name="hold-log-in"),
    path("sessions/<int:pk>/booked/", booking_views.booked, name="booked"),
    path("sessions/<int:pk>/join/", video_views.join, name="join"),
    path("sessions/<int:pk>/estimate/", booking_views.estimate, name="estimate"),
    path("sessions/<int:pk>/cancel/", booking_views.client_cancel, name="client-cancel"),
    path(
        "sessions/<int:pk>/reschedule/",
        booking_views.client_reschedule,
        name="client-reschedule",
    ),
    path("check-in/<str:token>/", checkin_views.checkin, name="checkin"),
    path("manage/<str:token>/", booking_views.manage, name="manage"),
    path("manage/<str:token>/cancel/", booking_views.manage_cancel, name="manage-cancel"),
    path(
        "manage/<str:token>/reschedule/",
        booking_views.manage_reschedule,
        name="manage-reschedule",
    ),
    # The waitlist.
    path("waitlist/join/", waitlist_views.join, name="waitlist-join"),
    path("waitlist/<int:pk>/leave/", waitlist_views.leave, name="waitlist-leave"),
    path("waitlist/offers/<str:token>/", waitlist_views.offer, name="waitlist-offer"),
    path("waitlist/offers/<str:token>/book/", waitlist_views.offer_book, name="waitlist-book"),
    path(
        "waitlist/offers/<str:token>/decline/",
        waitlist_views.offer_decline,
        name="waitlist-decline",
    ),
    path("staff/waitlist/", waitlist_views.staff_waitlist, name="staff-waitlist"),
    # The therapist's availability.
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
