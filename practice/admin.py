from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse

from practice.audit import AuditEntry, record_access, record_list
from practice.models import OutboundMessage, PracticeSettings, Therapist, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records of what happened: staff may look, nobody may add, change or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):
    """An admin for a model that holds a client's records: every page of it is audited.

    A list page writes one row with no client and the number of rows that matched (a row per
    client listed would bury the looks that matter in each client's own list; the search
    itself is never written down, it may hold a name). Opening, changing or deleting one
    record writes a row about its client. `audit_client` is the lookup from a row to its
    person ("" for a User row itself); a person who is not a client leaves the row's client
    empty. `audit_record` names the record in words a client understands.
    """

    audit_client = "client"
    audit_record = ""

    def record_name(self) -> str:
        return self.audit_record or str(self.model._meta.verbose_name).capitalize()

    def client_of(self, obj: models.Model) -> User | None:
        person: Any = obj
        for step in filter(None, self.audit_client.split("__")):
            person = getattr(person, step)
        return person if isinstance(person, User) and person.is_client else None

    def _audit(self, request: HttpRequest, obj: models.Model | None, action: str) -> None:
        record_access(
            request,
            client=self.client_of(obj) if obj is not None else None,
            record=self.record_name(),
            record_id=obj.pk if obj is not None else "",
            action=action,
            detail="In the admin",
        )

    def _audit_page(self, request: HttpRequest, object_id: str, response: HttpResponse) -> None:
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                self._audit(request, obj, AuditEntry.Action.VIEWED)

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            record_list(
                request, record=f"{self.record_name()} (admin)", shown=changelist.result_count
            )
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_page(request, object_id, response)
        return response

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        response = super().delete_view(request, object_id, extra_context)
        self._audit_page(request, object_id, response)
        return response

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        response = super().history_view(request, object_id, extra_context)
        self._audit_page(request, object_id, response)
        return response

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, AuditEntry.Action.ADDED)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, AuditEntry.Action.CHANGED)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, obj, AuditEntry.Action.DELETED)
        return super().log_deletions(request, queryset)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    audit_client = ""
    audit_record = "Profile"
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
class OutboundMessageAdmin(AuditedAdmin, ReadOnlyAdmin):
    audit_client = "recipient"
    audit_record = "Message"
    list_display = ["template", "channel", "to", "due_at", "status", "status_reason", "attempts"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["to", "key"]
    date_hierarchy = "due_at"


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The audit log is read here and on the staff page; nobody adds, changes or removes a row."""

    list_display = ["created_at", "actor", "actor_role", "action", "record", "record_id", "client"]
    list_filter = ["action", "record", "actor_role"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "client"]
