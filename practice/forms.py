from django import forms

from practice.models import TIME_ZONE_CHOICES, User
from practice.validators import validate_no_bidi_controls

NAME_VALIDATORS = [validate_no_bidi_controls]


class ClientSignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: how we should address the new client."""

    first_name = forms.CharField(max_length=150, label="First name", validators=NAME_VALIDATORS)
    last_name = forms.CharField(max_length=150, label="Last name", validators=NAME_VALIDATORS)
    preferred_name = forms.CharField(
        max_length=80,
        required=False,
        validators=NAME_VALIDATORS,
        label="Name you would like us to use (optional)",
    )
    pronouns = forms.CharField(max_length=40, required=False, label="Pronouns (optional)")
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES,
        initial="America/Denver",
        label="Your time zone",
        help_text="We show every appointment time in this zone.",
        widget=forms.Select(attrs={"data-detect-time-zone": ""}),
    )

    field_order = ["first_name", "last_name", "preferred_name", "pronouns", "email", "time_zone"]

    def signup(self, request, user: User) -> None:
        for field in ("first_name", "last_name", "preferred_name", "pronouns", "time_zone"):
            setattr(user, field, self.cleaned_data[field])
        user.role = User.Role.CLIENT
        user.save()


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    first_name = forms.CharField(max_length=150, validators=NAME_VALIDATORS)
    last_name = forms.CharField(max_length=150, validators=NAME_VALIDATORS)
    role = forms.ChoiceField(
        choices=[(User.Role.THERAPIST, "Therapist"), (User.Role.STAFF, "Staff")]
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError("Someone with this e-mail address already has an account.")
        return email
