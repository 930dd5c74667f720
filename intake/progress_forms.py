from typing import Any

from django import forms

from intake import instruments
from intake.models import MeasureSchedule
from intake.screeners import INSTRUMENTS

CHOOSE_ONE = "Please choose one answer."


class StepForm(forms.Form):
    text = forms.CharField(
        label="A small step",
        max_length=300,
        help_text="Something small and concrete, for example “Walk around the block on Monday”.",
        error_messages={
            "required": "Please write the step.",
            "max_length": "Please keep a step under 300 characters.",
        },
    )

    def clean_text(self) -> str:
        return self.cleaned_data["text"].strip()


class ScheduleForm(forms.Form):
    every = forms.TypedChoiceField(
        label="Ask again every",
        choices=[(n, str(n)) for n in range(1, MeasureSchedule.MAX_EVERY + 1)],
        coerce=int,
        initial=4,
        error_messages={"invalid_choice": "Please choose a number from 1 to 52."},
    )
    unit = forms.ChoiceField(
        label="Counted in",
        choices=MeasureSchedule.Unit.choices,
        initial=MeasureSchedule.Unit.WEEKS,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose sessions or weeks."},
    )
    active = forms.BooleanField(
        label="Ask the PHQ-9 and GAD-7 again on this schedule", required=False, initial=True
    )
    shared = forms.BooleanField(
        label="Show the client their chart in their portal",
        required=False,
        help_text="Only once you have talked it over: the numbers need your words beside them.",
    )


class MeasureForm(forms.Form):
    """The PHQ-9 and GAD-7 in their published wording, every item required."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [(str(score), label) for label, score in instruments.ANSWER_OPTIONS]
        for screener in INSTRUMENTS.values():
            for key, text in zip(screener.item_keys, screener.items, strict=True):
                self.fields[key] = forms.TypedChoiceField(
                    label=text,
                    choices=options,
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={"required": CHOOSE_ONE, "invalid_choice": CHOOSE_ONE},
                )

    def sections(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """Each screener with its items' fields, in order."""
        return [
            (screener, [self[key] for key in screener.item_keys])
            for screener in INSTRUMENTS.values()
        ]

    def answers(self) -> dict[str, int]:
        return {key: value for key, value in self.cleaned_data.items() if isinstance(value, int)}
