"""Staff manage session types and can look at (and correct) availability in the admin.

Appointments are read-only here: booking, cancelling and moving go through the services,
which keep the rules, the history and the messages consistent.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from practice.admin import AuditedAdmin, ReadOnlyAdmin
from scheduling import services
from scheduling.models import (
    Appointment,
    AvailabilityException,
    BookingRules,
    GoodFaithEstimate,
    SessionType,
    TimeOff,
    WeeklyAvailability,
)


@admin.register(SessionType)
class SessionTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "duration", "modality", "fee", "new_clients_may_book"]
    list_filter = ["modality", "new_clients_may_book"]
    filter_horizontal = ["therapists"]


@admin.register(BookingRules)
class BookingRulesAdmin(admin.ModelAdmin):
    list_display = ["therapist", "minimum_notice", "horizon", "buffer", "max_sessions_per_day"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["therapist", "starts_at", "ends_at", "reason"]
    list_filter = ["therapist"]
    date_hierarchy = "starts_at"


@admin.register(AvailabilityException)
class AvailabilityExceptionAdmin(admin.ModelAdmin):
    list_display = ["therapist", "date", "start", "end", "note"]
    list_filter = ["therapist"]
    date_hierarchy = "date"


@admin.register(WeeklyAvailability)
class WeeklyAvailabilityAdmin(admin.ModelAdmin):
    list_display = ["therapist", "weekday", "start", "end"]
    list_filter = ["therapist", "weekday"]


@admin.register(Appointment)
class AppointmentAdmin(AuditedAdmin, ReadOnlyAdmin):
    audit_record = "Session"
    list_display = ["starts_at", "therapist", "client", "session_type", "status"]
    list_filter = ["status", "therapist"]
    date_hierarchy = "starts_at"
    list_select_related = ["therapist", "client", "session_type"]


@admin.register(GoodFaithEstimate)
class GoodFaithEstimateAdmin(AuditedAdmin, ReadOnlyAdmin):
    """Issued estimates are records: staff never edit one, they issue a new version."""

    audit_record = "Good Faith Estimate"

    list_display = ["__str__", "client", "issued_at", "due_by", "keep_until"]
    search_fields = ["client__email", "client__last_name"]
    actions = ["issue_new_version"]

    @admin.action(description="Issue a new version with today's fees and details")
    def issue_new_version(self, request: HttpRequest, queryset: QuerySet) -> None:
        for estimate in queryset.select_related("appointment__client"):
            services.issue_estimate(appointment=estimate.appointment, now=timezone.now())
        self.message_user(request, "New versions issued; the earlier ones are kept.")
