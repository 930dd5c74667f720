"""Forms of the therapist's calendar and of staff booking on a client's behalf.

Times are entered as a date and a clock time in the therapist's own zone.
"""

from datetime import datetime
from typing import cast

from django import forms

from practice.clock import clock_skips, local_instant
from practice.locations import LOCATION_CHOICES
from practice.models import Therapist, User
from scheduling.models import SessionType
from scheduling.series import MAX_SESSIONS


class ClientChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        pronouns = f" ({obj.pronouns})" if obj.pronouns else ""
        return f"{obj.display_name} {obj.last_name}".strip() + pronouns


class PracticeCancelForm(forms.Form):
    """The practice cancels a session (never a fee): a reason for staff is required.

    A client cancelling their own session uses scheduling.forms.CancelForm instead: its reason
    is optional and it carries the late-cancellation acknowledgement.
    """

    reason = forms.CharField(
        max_length=200,
        label="Reason for cancelling",
        help_text="Shown to staff, not sent to the client. No clinical details, please.",
    )


class ClientLocationForm(forms.Form):
    """Where the client will be, asked when the practice books a video session for them."""

    location = forms.ChoiceField(
        label="Where will the client be during the session?",
        choices=[("", "Choose for a video session"), *LOCATION_CHOICES],
        required=False,
        help_text="For video sessions: ask the client. A therapist may meet a client by video "
        "only where the therapist is licensed.",
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        session_type = data.get("session_type")
        if session_type is None or not session_type.is_telehealth:
            data["location"] = ""
        elif not data.get("location"):
            self.add_error("location", "Please ask where the client will be during the session.")
        return data


class SeriesForm(ClientLocationForm):
    """A follow-up (one session) or a weekly series for one of the therapist's clients."""

    field_order = ["client", "session_type", "location", "first_date", "at", "count"]

    client = ClientChoiceField(queryset=User.objects.none(), empty_label="Choose a client")
    session_type = forms.ModelChoiceField(
        queryset=SessionType.objects.none(), empty_label="Choose a session type"
    )
    first_date = forms.DateField(
        label="Date of the first session", widget=forms.DateInput(attrs={"type": "date"})
    )
    at = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    count = forms.IntegerField(
        label="Number of weekly sessions",
        min_value=1,
        max_value=MAX_SESSIONS,
        initial=1,
        help_text=f"1 books a single follow-up; up to {MAX_SESSIONS} repeat it every week.",
    )

    def __init__(self, *args, therapist: Therapist, clients, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["client"]).queryset = clients
        cast(
            forms.ModelChoiceField, self.fields["session_type"]
        ).queryset = therapist.session_types.all()
        self.fields[
            "at"
        ].help_text = f"In your time zone ({therapist.time_zone.replace('_', ' ')})."


class SessionTimeForm(forms.Form):
    """A date and a clock time in the therapist's zone, turned into one instant."""

    day = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, therapist: Therapist | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Not `self.therapist`: StaffBookingForm has a field of that name.
        self.given_therapist = therapist

    def therapist_for_time(self) -> Therapist | None:
        return self.given_therapist

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        therapist = self.therapist_for_time()
        if therapist and data.get("day") and data.get("at"):
            if clock_skips(data["day"], data["at"], therapist.zone):
                self.add_error("at", "The clocks change that night: this time does not exist.")
            else:
                data["starts_at"] = local_instant(data["day"], data["at"], therapist.zone)
        return data

    @property
    def starts_at(self) -> datetime:
        return self.cleaned_data["starts_at"]


class StaffBookingForm(SessionTimeForm, ClientLocationForm):
    """Staff book a session for a client with any therapist who offers the session type."""

    field_order = ["client", "therapist", "session_type", "location", "day", "at"]

    client = ClientChoiceField(
        queryset=User.objects.filter(role=User.Role.CLIENT, is_active=True).order_by(
            "preferred_name", "first_name", "email"
        ),
        empty_label="Choose a client",
    )
    therapist = forms.ModelChoiceField(
        queryset=Therapist.objects.listed(), empty_label="Choose a therapist"
    )
    session_type = forms.ModelChoiceField(
        queryset=SessionType.objects.all(), empty_label="Choose a session type"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["at"].help_text = "In the therapist’s time zone."

    def therapist_for_time(self) -> Therapist | None:
        return self.cleaned_data.get("therapist")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        therapist, session_type = data.get("therapist"), data.get("session_type")
        if (
            therapist
            and session_type
            and not session_type.therapists.filter(pk=therapist.pk).exists()
        ):
            self.add_error("session_type", f"{therapist.first_name} does not offer this session.")
        return data


class CancelOnBehalfForm(PracticeCancelForm):
    """Staff cancel either because the client asked or because the practice must."""

    CLIENT, PRACTICE = "client", "practice"
    requested_by = forms.ChoiceField(
        label="Who is cancelling?",
        choices=[
            (CLIENT, "The client asked to cancel (the cancellation policy applies)"),
            (PRACTICE, "The practice is cancelling (never a fee)"),
        ],
        widget=forms.RadioSelect,
    )
    field_order = ["requested_by", "reason"]
