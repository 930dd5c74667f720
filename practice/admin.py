from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
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
    # Only a superuser hands out powers or touches passwords. Staff see these fields read-only
    # (so a forged POST of is_superuser, is_staff, role or groups changes nothing), change
    # e-mail only through their account page (re-authenticated, with a notice), and invite
    # therapists and staff from the dashboard rather than adding users here.
    powers = ["role", "is_staff", "is_superuser", "groups", "user_permissions"]

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser or obj is None:
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [*self.powers, "email", "last_login", "date_joined"]
        return readonly

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Staff change clients' details and their own; other therapists' and staff accounts
        # (even deactivating one) are for a superuser.
        others_powered_account = (
            obj is not None and obj != request.user and not (obj.is_client and not obj.is_staff)
        )
        if others_powered_account and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


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
