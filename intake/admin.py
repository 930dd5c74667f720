"""Staff edit questionnaires here. A version with answers is never changed in place: saving
an edit to it writes the edit into a new version, so every answer keeps its wording.

Submissions are not in the admin on purpose: staff read them on the intake pages, where
every view is written to the audit log.
"""

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from intake.models import Question, Questionnaire, QuestionnaireVersion, Section


class VersionCopy:
    """The copy made for one admin save, and how old rows map to the copied ones."""

    def __init__(self, version: QuestionnaireVersion) -> None:
        self.version, self.sections, self.questions = version.clone()


def _copy_for(request: HttpRequest) -> VersionCopy | None:
    return getattr(request, "_intake_version_copy", None)


def _copy_if_answered(request: HttpRequest, version_pk: int) -> VersionCopy | None:
    """Copy an answered version once per request, and tell the person what happened."""
    version = QuestionnaireVersion.objects.get(pk=version_pk)
    if not version.has_answers():
        return None
    copy = VersionCopy(version)
    request._intake_version_copy = copy  # type: ignore[attr-defined]
    messages.warning(
        request,
        f"Version {version.number} already has answers, so it stays as it was. Your changes "
        f"were saved as version {copy.version.number}, which new clients will now fill in.",
    )
    return copy


def _save_inline_formset(request: HttpRequest, formset: BaseInlineFormSet, fk: str) -> None:
    """Save an inline formset, pointing its rows at the copy if the parent was copied."""
    copy = _copy_for(request)
    if copy is not None:
        mapping = copy.sections if formset.model is Section else copy.questions
        parent_pk = formset.instance.pk
        for form in formset.forms:
            if form.instance.pk is not None:
                form.instance.pk = mapping[form.instance.pk]
                form.instance._state.adding = False
            setattr(form.instance, f"{fk}_id", parent_pk)
    formset.save()


class SectionInline(admin.TabularInline):
    model = Section
    fields = ["position", "title", "kind", "instrument"]
    readonly_fields = ["kind", "instrument"]
    extra = 0
    show_change_link = True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "created_at", "in_use"]
    list_filter = ["questionnaire"]
    fields = ["questionnaire", "number", "title", "intro", "based_on"]
    readonly_fields = ["questionnaire", "number", "based_on"]
    inlines = [SectionInline]
    actions = ["make_new_version"]

    @admin.display(boolean=True, description="Has answers")
    def in_use(self, obj: QuestionnaireVersion) -> bool:
        return obj.has_answers()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # new versions are copies of an existing one

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Make a new version from the selected version")
    def make_new_version(self, request: HttpRequest, queryset: QuerySet) -> None:
        for version in queryset:
            copy, _sections, _questions = version.clone()
            messages.success(request, f"Made version {copy.number} from version {version.number}.")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not change:
            obj.save()
        # An edit is saved in save_related, once it is known whether anything changed.

    @transaction.atomic
    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        if change and (form.has_changed() or any(fs.has_changed() for fs in formsets)):
            obj = form.instance
            copy = _copy_if_answered(request, obj.pk)
            if copy is not None:
                obj.pk, obj.number = copy.version.pk, copy.version.number
                obj.based_on_id = copy.version.based_on_id
                obj._state.adding = False
            obj.save()
        for formset in formsets:  # saves nothing when nothing changed
            _save_inline_formset(request, formset, fk="version")


class QuestionForm(ModelForm):
    class Meta:
        model = Question
        fields = ["position", "key", "kind", "text", "help", "required", "choices", "show_if"]


class QuestionInline(admin.StackedInline):
    model = Question
    form = QuestionForm
    extra = 0

    def _is_screener(self, obj: Section | None) -> bool:
        return obj is not None and obj.is_screener

    # The published wording of a screener is fixed: nobody edits, adds or removes its items.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._is_screener(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._is_screener(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._is_screener(obj) and super().has_delete_permission(request, obj)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "position", "kind"]
    list_filter = ["version"]
    fields = ["version", "position", "title", "intro", "kind", "instrument"]
    readonly_fields = ["version", "kind", "instrument"]
    inlines = [QuestionInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sections are added from their version's page

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The published wording of a screener is fixed: its page can be read, not saved.
        if obj is not None and obj.is_screener:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        if not change:
            obj.save()

    @transaction.atomic
    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: list, change: bool
    ) -> None:
        if change and (form.has_changed() or any(fs.has_changed() for fs in formsets)):
            obj = form.instance
            copy = _copy_if_answered(request, obj.version_id)
            if copy is not None:
                obj.pk, obj.version_id = copy.sections[obj.pk], copy.version.pk
                obj._state.adding = False
            obj.save()
        for formset in formsets:  # saves nothing when nothing changed
            _save_inline_formset(request, formset, fk="section")


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    readonly_fields = ["slug"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
