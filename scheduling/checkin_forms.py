"""The client's check-in, and the therapist's two short notes (what we changed; an answer)."""

from django import forms

from scheduling.checkin_models import CHECKIN_ITEMS, ITEM_FIELDS, MAX_SCORE

SCALE = [(n, str(n)) for n in range(MAX_SCORE + 1)]


class CheckInForm(forms.Form):
    """Four items from 0 (not at all) to 10 (completely), and an optional note."""

    note = forms.CharField(
        label="Anything you'd like your therapist to know?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: it goes to your therapist with your answers.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        items = {
            field: forms.TypedChoiceField(
                label=wording,
                choices=SCALE,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose a number from 0 to 10."},
            )
            for field, wording, _summary in CHECKIN_ITEMS
        }
        self.fields = {**items, "note": self.fields["note"]}

    def item_fields(self) -> list[forms.BoundField]:
        return [self[field] for field in ITEM_FIELDS]

    def scores(self) -> dict[str, int]:
        return {field: self.cleaned_data[field] for field in ITEM_FIELDS}


class AcknowledgeForm(forms.Form):
    """One per open flag on the page, each under its own prefix (so ids stay unique)."""

    def __init__(self, *args, checkin_pk: int, **kwargs) -> None:
        kwargs["prefix"] = f"flag-{checkin_pk}"
        super().__init__(*args, **kwargs)

    change_note = forms.CharField(
        label="What we changed (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="If you write something, your client reads it on their next check-in, "
        "after “You told us …”.",
    )


class WorryAnswerForm(forms.Form):
    text = forms.CharField(
        label="Your answer",
        max_length=1500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Your client reads it in their portal before you meet. The e-mail they get "
        "says only that a note is waiting.",
        error_messages={"required": "Please write your answer before sending it."},
    )
