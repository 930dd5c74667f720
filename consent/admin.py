"""Staff write and publish consent documents here; what clients signed is shown read-only."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString

from consent.models import (
    ConsentDocument,
    ContactPreference,
    Decline,
    DocumentVersion,
    DocumentVersionQuerySet,
    Signature,
)
from practice.admin import AuditedAdmin, ReadOnlyAdmin


class VersionInline(admin.TabularInline):
    model = DocumentVersion
    fields = ("number", "title", "requires_resign", "published_at")
    readonly_fields = fields
    show_change_link = True
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "required_for", "position"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [VersionInline]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "requires_resign", "created_at", "published_at"]
    list_filter = ["document", "requires_resign"]
    list_select_related = ["document"]
    fields = ["document", "title", "body", "requires_resign", "preview"]
    readonly_fields = ["preview"]
    actions = ["publish", "copy_to_new_draft"]

    @admin.display(description="How clients will see it")
    def preview(self, obj: DocumentVersion) -> SafeString:
        if not obj.pk:
            return format_html("<p>{}</p>", "Save the draft to see a preview.")
        return format_html('<div class="consent-preview">{}</div>', obj.body_html)

    def get_readonly_fields(self, request: HttpRequest, obj: DocumentVersion | None = None):
        if obj is not None and obj.is_published:
            return [*self.fields, "number", "published_at"]
        return self.readonly_fields

    def get_fields(self, request: HttpRequest, obj: DocumentVersion | None = None):
        if obj is not None and obj.is_published:
            return ["document", "number", "published_at", "title", "body", "requires_resign"]
        return self.fields

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # A published version is what clients read: staff may view it, never change it.
        if isinstance(obj, DocumentVersion) and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        if isinstance(obj, DocumentVersion) and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(
        self, request: HttpRequest, action_location=admin.ActionLocation.CHANGE_LIST
    ) -> dict:
        # Bulk delete would reach published versions; drafts are deleted one at a time.
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Publish the selected drafts")
    def publish(self, request: HttpRequest, queryset: DocumentVersionQuerySet) -> None:
        published = [version for version in queryset.drafts().order_by("pk") if version.publish()]
        for version in published:
            self.message_user(request, f"Published {version}.", messages.SUCCESS)
        if not published:
            self.message_user(request, "Nothing to publish: choose a draft.", messages.WARNING)

    @admin.action(description="Start a new draft from the selected version")
    def copy_to_new_draft(self, request: HttpRequest, queryset: QuerySet[DocumentVersion]) -> None:
        for version in queryset:
            DocumentVersion.objects.create(
                document=version.document, title=version.title, body=version.body
            )
            self.message_user(
                request, f"A new draft of {version.document} is ready to edit.", messages.SUCCESS
            )


@admin.register(Signature)
class SignatureAdmin(AuditedAdmin, ReadOnlyAdmin):
    audit_record = "Consent signature"
    list_display = ["client", "version", "signed_at", "typed_name", "guardian_name", "matches"]
    list_filter = ["version__document"]
    list_select_related = ["client", "version__document"]
    search_fields = ["client__email", "client__last_name", "typed_name"]
    date_hierarchy = "signed_at"

    @admin.display(boolean=True, description="Text matches digest")
    def matches(self, obj: Signature) -> bool:
        return obj.text_matches


@admin.register(Decline)
class DeclineAdmin(AuditedAdmin, ReadOnlyAdmin):
    audit_record = "Consent decline"
    list_display = ["client", "version", "declined_at"]
    list_select_related = ["client", "version__document"]
    search_fields = ["client__email", "client__last_name"]


@admin.register(ContactPreference)
class ContactPreferenceAdmin(AuditedAdmin, ReadOnlyAdmin):
    audit_record = "Contact preferences"
    list_display = ["client", "email", "sms", "source", "recorded_at"]
    list_filter = ["source", "email", "sms"]
    list_select_related = ["client"]
    search_fields = ["client__email", "client__last_name"]
