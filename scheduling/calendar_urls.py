"""URLs of the therapist's calendar, the private feed and staff scheduling on a client's behalf.

Included from scheduling/urls.py, so the names live in the "scheduling" namespace.
"""

from django.urls import path, re_path

from scheduling import calendar_views, staff_views

urlpatterns = [
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
]
