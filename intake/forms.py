import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django import forms

from intake import instruments
from intake.flow import Intake, Page, is_blank
from intake.models import Question, Submission
from practice.models import Therapist

REQUIRED_MESSAGE = "Please answer this question."
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


# The questions about the client themselves: the browser may fill them in (WCAG 1.3.5), and a
# phone or e-mail gets the keyboard that types it. Someone else's phone is a phone, not "tel".
PERSONAL_INPUTS: dict[str, dict[str, str]] = {
    "legal_name": {"autocomplete": "name"},
    "preferred_name": {"autocomplete": "nickname"},
    "date_of_birth": {"autocomplete": "bday"},
    "phone": {"type": "tel", "autocomplete": "tel"},
    "email": {"type": "email", "autocomplete": "email"},
    "preferred_language": {"autocomplete": "language"},
    "guardian_name": {"autocomplete": "off"},
    "guardian_phone": {"type": "tel", "autocomplete": "off"},
    "emergency_contact_name": {"autocomplete": "off"},
    "emergency_contact_phone": {"type": "tel", "autocomplete": "off"},
}


def field_for(question: Question) -> forms.Field:
    """The form field that asks one question; every field is optional until `clean` decides."""
    common: dict[str, Any] = {"label": question.text, "help_text": question.help, "required": False}
    choice_errors = {"invalid_choice": "Please choose one of the options."}
    kind = question.kind
    if kind == Question.Kind.SHORT_TEXT:
        return forms.CharField(
            widget=forms.TextInput(attrs=PERSONAL_INPUTS.get(question.key, {})),
            max_length=300,
            error_messages={"max_length": "Please keep this under 300 characters."},
            **common,
        )
    if kind == Question.Kind.LONG_TEXT:
        return forms.CharField(
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
            error_messages={"max_length": "Please keep this under 5,000 characters."},
            **common,
        )
    if kind == Question.Kind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=[(choice, choice) for choice in question.choices],
            widget=forms.RadioSelect,
            error_messages=choice_errors,
            **common,
        )
    if kind == Question.Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(choice, choice) for choice in question.choices],
            widget=forms.CheckboxSelectMultiple,
            error_messages=choice_errors,
            **common,
        )
    if kind == Question.Kind.YES_NO:
        return forms.TypedChoiceField(
            choices=YES_NO_CHOICES,
            coerce=lambda value: value == "yes",
            empty_value=None,
            widget=forms.RadioSelect,
            error_messages=choice_errors,
            **common,
        )
    if kind == Question.Kind.DATE:
        return forms.DateField(
            widget=forms.DateInput(
                attrs={"type": "date", **PERSONAL_INPUTS.get(question.key, {})}, format="%Y-%m-%d"
            ),
            input_formats=["%Y-%m-%d", "%m/%d/%Y"],
            error_messages={"invalid": "Please enter a whole date, for example 04/15/1990."},
            **common,
        )
    if kind == Question.Kind.NUMBER:
        return forms.DecimalField(
            max_digits=12,
            decimal_places=2,
            error_messages={"invalid": "Please enter a number, for example 3."},
            **common,
        )
    return forms.TypedChoiceField(
        choices=[(str(score), label) for label, score in instruments.ANSWER_OPTIONS],
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        error_messages=choice_errors,
        **common,
    )


def to_stored(value: object) -> object:
    """A cleaned value as stored in Answer.value (JSON)."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, str):
        value = value.strip()
    return None if is_blank(value) else value


def to_initial(question: Question, value: object) -> object:
    if question.kind == Question.Kind.YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    if question.kind == Question.Kind.FREQUENCY and isinstance(value, int):
        return str(value)
    return value


class SectionForm(forms.Form):
    """One page of the intake. Required answers are enforced only for questions shown.

    Whether a question is shown is decided here, on the server, from this page's input and
    the answers already stored; the browser's show/hide is only a comfort.
    """

    def __init__(
        self,
        data: Any = None,
        *,
        intake: Intake,
        page: Page,
        enforce_required: bool = True,
    ) -> None:
        self.intake = intake
        self.page = page
        self.enforce_required = enforce_required
        self.questions = intake.shown_questions(page)
        initial = {q.key: to_initial(q, intake.answers.get(q.key)) for q in self.questions}
        super().__init__(data, initial=initial)
        for question in self.questions:
            self.fields[question.key] = field_for(question)
        self.visible = intake.visible

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        merged = dict(self.intake.answers)
        for question in self.questions:
            if question.key in self.errors:
                continue
            value = to_stored(cleaned.get(question.key))
            if value is None:
                merged.pop(question.key, None)
            else:
                merged[question.key] = value
        self.visible = self.intake.visible_with(merged)
        for question in self.questions:
            # A question that does not apply cannot be wrong: its input is dropped.
            if question.key not in self.visible:
                self.errors.pop(question.key, None)
        if self.enforce_required:
            for question in self.questions:
                if (
                    question.required
                    and question.key in self.visible
                    and question.key not in self.errors
                    and is_blank(merged.get(question.key))
                ):
                    self.add_error(question.key, REQUIRED_MESSAGE)
        return cleaned

    def answers(self) -> dict[Question, object]:
        """What to store for each valid field on this page; None means remove the answer.

        A field with an error keeps its stored answer untouched; a hidden question's answer
        is removed, since it no longer applies.
        """
        cleaned = getattr(self, "cleaned_data", {})
        return {
            question: to_stored(cleaned.get(question.key)) if question.key in self.visible else None
            for question in self.questions
            if question.key not in self.errors
        }

    def rows(self) -> list["QuestionRow"]:
        return [
            QuestionRow(question=q, field=self[q.key], hidden=q.key not in self.visible)
            for q in self.questions
        ]


@dataclass(frozen=True)
class QuestionRow:
    """One question as the page template shows it."""

    question: Question
    field: forms.BoundField
    hidden: bool

    @property
    def show_if_key(self) -> str:
        return (self.question.show_if or {}).get("key", "")

    @property
    def show_if_value(self) -> str:
        """The rule's answer as the browser's form would post it."""
        expected = (self.question.show_if or {}).get("equals")
        if isinstance(expected, bool):
            return "yes" if expected else "no"
        return str(expected)


class QueueFilterForm(forms.Form):
    UNASSIGNED = "none"

    status = forms.ChoiceField(
        required=False,
        choices=[("", "Waiting and urgent")] + list(Submission.Status.choices),
    )
    therapist = forms.ChoiceField(required=False, label="Therapist")
    sent_from = forms.DateField(
        required=False,
        label="Sent on or after",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Please enter a whole date, for example 04/15/2026."},
    )
    sent_to = forms.DateField(
        required=False,
        label="Sent on or before",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Please enter a whole date, for example 04/15/2026."},
    )

    def __init__(self, *args: Any, therapists: list[Therapist], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["therapist"]).choices = [
            ("", "Any therapist"),
            (self.UNASSIGNED, "Not assigned yet"),
        ] + [(str(therapist.pk), therapist.public_name) for therapist in therapists]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("sent_from"), cleaned.get("sent_to")
        if start and end and start > end:
            self.add_error("sent_to", "Choose a date on or after the first date.")
        return cleaned


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in Submission.Status.choices
            if value != Submission.Status.DRAFT
        ],
        label="New status",
    )
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        label="Note",
        help_text="Required when referring out: where to, and why. Clients never see notes.",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if (
            cleaned.get("status") == Submission.Status.REFERRED_OUT
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", "Please add a note saying where you referred them, and why.")
        return cleaned


class AssignForm(forms.Form):
    therapist = forms.ModelChoiceField(
        queryset=Therapist.objects.listed(),
        required=False,
        empty_label="Nobody yet",
        label="Assigned therapist",
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        label="Add an internal note",
        help_text="Seen by staff and the assigned therapist, never by the client.",
        error_messages={"required": "Please write the note first."},
    )
