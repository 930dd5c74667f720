from datetime import datetime, timedelta
from typing import cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from practice.locations import LOCATION_CHOICES, OUTSIDE_US, location_name
from practice.models import TIME_ZONE_CHOICES, Therapist
from scheduling.availability import bookable_session_types
from scheduling.matching import PARTS_OF_DAY
from scheduling.models import (
    AvailabilityException,
    BookingRules,
    SessionType,
    TimeOff,
    WeeklyAvailability,
)
from scheduling.wording import describe

DEFAULT_ZONE = "America/Denver"
CHOOSE_LISTED_SESSION = "Please choose one of the sessions listed."
CHOOSE_LISTED_TIME = "Please choose one of the times shown."


class SessionTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: SessionType) -> str:
        minutes = int(obj.duration.total_seconds() // 60)
        modality = obj.get_modality_display().lower()
        return f"{obj.name} · {minutes} minutes · {modality} · {obj.fee_label}"


ZONE_NAMES = frozenset(name for name, _label in TIME_ZONE_CHOICES)


class ZoneField(forms.CharField):
    """A time zone name. The page renders its own <select>; a ChoiceField would deep-copy the
    600 zones for every form on the busiest page of the site."""

    def validate(self, value: str) -> None:
        super().validate(value)
        if value and value not in ZONE_NAMES:
            raise forms.ValidationError("Please choose a time zone from the list.")


class BookingOptionsForm(forms.Form):
    """What the visitor is looking at: the kind of session, their zone and the week."""

    session_type = SessionTypeChoiceField(
        queryset=SessionType.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        label="Kind of session",
        error_messages={"invalid_choice": CHOOSE_LISTED_SESSION},
    )
    tz = ZoneField(label="Show times in", required=False)
    week = forms.DateField(required=False, widget=forms.HiddenInput)
    # The day shown on a phone (the day view); the first day with open times when not given.
    day = forms.DateField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, session_types: QuerySet[SessionType], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session_type"]).queryset = session_types


class FindOptionsForm(BookingOptionsForm):
    """The one-page chooser: a therapist (or whoever is free first) as well."""

    therapist = forms.ChoiceField(required=False, label="Therapist")

    def __init__(self, *args, therapists: list[Therapist], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Anyone: the first time available")]
        choices += [(t.slug, t.public_name) for t in therapists]
        cast(forms.ChoiceField, self.fields["therapist"]).choices = choices


class HelpChoosingForm(forms.Form):
    """The short questionnaire that suggests therapists; every answer is optional."""

    concern = forms.ChoiceField(label="What brings you here?", required=False)
    language = forms.ChoiceField(label="Language you would like to talk in", required=False)
    modality = forms.ChoiceField(
        label="In person or by video?",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", "Either"),
            (SessionType.Modality.IN_PERSON, "In person, at our office"),
            (SessionType.Modality.TELEHEALTH, "By video"),
        ],
    )
    times_of_day = forms.MultipleChoiceField(
        label="Times of day that suit you",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(PARTS_OF_DAY.items()),
    )
    payment = forms.ChoiceField(
        label="How will you pay?",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", "Not sure yet"),
            ("insurance", "With my health insurance"),
            ("self_pay", "I will pay for myself"),
        ],
    )

    def __init__(self, *args, therapists: list[Therapist], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        specialties = sorted({s for t in therapists for s in t.specialty_list})
        languages = sorted({language for t in therapists for language in t.language_list})
        cast(forms.ChoiceField, self.fields["concern"]).choices = [
            ("", "I am not sure, or would rather not say"),
            *((s, s) for s in specialties),
        ]
        cast(forms.ChoiceField, self.fields["language"]).choices = [
            ("", "No preference"),
            *((language, language) for language in languages),
        ]


class SlotChoiceForm(forms.Form):
    """One chosen start time (the buttons of the slot list), within the therapist's horizon."""

    starts_at = forms.DateTimeField(
        error_messages={"required": CHOOSE_LISTED_TIME, "invalid": CHOOSE_LISTED_TIME}
    )
    tz = ZoneField(required=False)

    def __init__(self, *args, horizon: timedelta, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.horizon = horizon

    def clean_starts_at(self) -> datetime:
        starts_at: datetime = self.cleaned_data["starts_at"]
        now = timezone.now()
        if starts_at <= now:
            raise forms.ValidationError(
                "That time has already passed. Please choose a time in the future."
            )
        if starts_at > now + self.horizon:
            raise forms.ValidationError(
                f"Sessions can be booked up to {describe(self.horizon)} ahead. "
                "Please choose an earlier time."
            )
        return starts_at


class HoldForm(SlotChoiceForm):
    session_type = forms.ModelChoiceField(
        queryset=SessionType.objects.none(),
        error_messages={"required": CHOOSE_LISTED_SESSION, "invalid_choice": CHOOSE_LISTED_SESSION},
    )
    location = forms.ChoiceField(
        label="Where will you be during the session?", choices=LOCATION_CHOICES, required=False
    )

    def __init__(
        self,
        *args,
        session_types: QuerySet[SessionType],
        horizon: timedelta,
        therapist: Therapist,
        **kwargs,
    ) -> None:
        super().__init__(*args, horizon=horizon, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session_type"]).queryset = session_types
        self.therapist = therapist

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        session_type = cleaned.get("session_type")
        if session_type is not None and session_type.is_telehealth:
            location = cleaned.get("location", "")
            if not location:
                self.add_error("location", "Please tell us where you will be during the session.")
            elif not self.therapist.sees_by_video_in(location):
                self.add_error("location", video_refusal(self.therapist, location))
        else:
            cleaned["location"] = ""
        return cleaned


def video_refusal(therapist: Therapist, location: str) -> str:
    """Why a video session cannot be booked from `location`, and what to do instead."""
    message = (
        f"We cannot book a video session while you are in {location_name(location)}. "
        f"{therapist.first_name} is licensed in {therapist.licensed_state_names} only, and the "
        "law lets a therapist meet a client by video only where the client is during the "
        "session. You can book an in-person session at our office instead, or call us and we "
        "will help you find care where you will be."
    )
    if location == OUTSIDE_US:
        message += (
            " If you are in crisis outside the United States, please know that 988 is a US line: "
            "call your local emergency number, or find a crisis line in your country at "
            "findahelpline.com."
        )
    return message


class CancelForm(forms.Form):
    """A client cancels their own session; the practice's form is PracticeCancelForm."""

    reason = forms.CharField(
        max_length=200,
        required=False,
        label="Anything you would like us to know? (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    late_understood = forms.BooleanField(required=False, widget=forms.HiddenInput)


# Therapist's own settings ---------------------------------------------------------------------


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self) -> None:
        super().__init__(format="%H:%M")


class WeeklyAvailabilityForm(forms.ModelForm):
    class Meta:
        model = WeeklyAvailability
        fields = ["weekday", "start", "end"]
        widgets = {"start": TimeInput(), "end": TimeInput()}


WeeklyAvailabilityFormSet = forms.modelformset_factory(
    WeeklyAvailability, form=WeeklyAvailabilityForm, extra=2, can_delete=True
)


class UnitDurationField(forms.IntegerField):
    """A duration typed as a whole number of hours, days or minutes."""

    def __init__(self, *, unit: timedelta, **kwargs) -> None:
        self.unit = unit
        super().__init__(min_value=0, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, timedelta):
            return int(value / self.unit)
        return value

    def to_python(self, value) -> timedelta | None:  # type: ignore[override]  # reads a whole number, cleans to a timedelta
        number = super().to_python(value)
        return None if number is None else number * self.unit

    def validate(self, value) -> None:
        forms.Field.validate(self, value)

    def run_validators(self, value) -> None:
        if value is not None and value < timedelta(0):
            raise forms.ValidationError("Please enter zero or more.")


class BookingRulesForm(forms.ModelForm):
    """The policy's own checks (BookingRules.clean) refuse contradictory settings."""

    minimum_notice = UnitDurationField(
        unit=timedelta(hours=1),
        label="Minimum notice, in hours",
        help_text="Clients cannot book a session that starts sooner than this.",
    )
    horizon = UnitDurationField(
        unit=timedelta(days=1),
        label="How far ahead clients can book, in days",
    )
    buffer = UnitDurationField(
        unit=timedelta(minutes=1),
        label="Buffer between sessions, in minutes",
        help_text="Free time kept before and after every session.",
    )

    class Meta:
        model = BookingRules
        fields = ["minimum_notice", "horizon", "buffer", "max_sessions_per_day"]
        labels = {"max_sessions_per_day": "Most sessions in a day"}


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class TimeOffForm(forms.ModelForm):
    class Meta:
        model = TimeOff
        fields = ["starts_at", "ends_at", "reason"]
        labels = {"starts_at": "From", "ends_at": "Until", "reason": "Reason (optional)"}
        widgets = {"starts_at": DateTimeLocalInput(), "ends_at": DateTimeLocalInput()}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class AvailabilityExceptionForm(forms.ModelForm):
    class Meta:
        model = AvailabilityException
        fields = ["date", "start", "end", "note"]
        labels = {
            "start": "Opens at (leave both times empty to close the whole day)",
            "end": "Closes at",
            "note": "Note (optional)",
        }
        widgets = {"date": DateInput(), "start": TimeInput(), "end": TimeInput()}


class WaitlistForm(forms.Form):
    """Who the client waits for, the kind of session and the times of day that suit them."""

    therapist = forms.ModelChoiceField(
        queryset=Therapist.objects.listed(),
        to_field_name="slug",
        required=False,
        empty_label="Anyone who offers it",
        label="With",
        error_messages={"invalid_choice": "Please choose one of the therapists listed."},
    )
    session_type = SessionTypeChoiceField(
        queryset=SessionType.objects.offered(),
        empty_label=None,
        widget=forms.RadioSelect,
        label="Kind of session",
        error_messages={"invalid_choice": CHOOSE_LISTED_SESSION},
    )
    parts_of_day = forms.MultipleChoiceField(
        choices=list(PARTS_OF_DAY.items()),
        widget=forms.CheckboxSelectMultiple,
        label="Times of day that suit you, on your own clock",
        error_messages={"required": "Please choose at least one time of day."},
    )
    weekdays = forms.TypedMultipleChoiceField(
        choices=WeeklyAvailability.Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Days that suit you",
        help_text="Leave them all unticked if any day suits you.",
    )

    def __init__(self, *args, client, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.client = client

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        therapist, session_type = cleaned.get("therapist"), cleaned.get("session_type")
        if session_type is None:
            return cleaned
        therapists = (
            [therapist] if therapist else session_type.therapists.filter(user__is_active=True)
        )
        if not any(
            bookable_session_types(t, self.client).filter(pk=session_type.pk).exists()
            for t in therapists
        ):
            self.add_error(
                "session_type",
                f"{therapist.first_name} does not offer that kind of session online. "
                "Please choose another kind, or anyone."
                if therapist
                else "None of our therapists offers that kind of session to you online. "
                "Please choose another kind.",
            )
        return cleaned
