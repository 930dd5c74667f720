from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from practice.models import OutboundMessage, PracticeSettings, Therapist, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: staff may look, nobody may add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name", "preferred_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Person",
            {"fields": ["first_name", "last_name", "preferred_name", "pronouns", "time_zone"]},
        ),
        ("Role", {"fields": ["role", "is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "role", "password1", "password2"]})]


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):
    list_display = ["public_name", "credentials", "time_zone", "accepting_new_clients"]
    list_filter = ["accepting_new_clients"]
    prepopulated_fields = {"slug": ["public_name"]}
    search_fields = ["public_name"]
    autocomplete_fields = ["user"]


@admin.register(PracticeSettings)
class PracticeSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not PracticeSettings.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ["template", "channel", "to", "due_at", "status", "status_reason", "attempts"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["to", "key"]
    date_hierarchy = "due_at"
