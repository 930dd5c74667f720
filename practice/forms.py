from functools import lru_cache

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from practice.models import TIME_ZONE_CHOICES, User
from practice.phones import InvalidPhone, normalise_phone
from practice.validators import validate_no_bidi_controls

# The names people type about themselves, which a password must not resemble.
PERSONAL_ATTRIBUTES = ("email", "first_name", "last_name", "preferred_name")

NAME_VALIDATORS = [validate_no_bidi_controls]


# The zones most of a Colorado practice's clients are in. Pages viewed again and again (the
# open times) offer these and the zone chosen; the whole list of 600 is one link away.
COMMON_ZONES = frozenset(
    {
        "America/Anchorage",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "America/New_York",
        "America/Phoenix",
        "Pacific/Honolulu",
    }
)


@lru_cache(maxsize=64)
def zone_options(selected: str, *, every: bool = True) -> SafeString:
    """The <option>s of a time zone <select>, with `selected` chosen (built once per zone):
    every zone, or the common ones and `selected`."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (name, " selected" if name == selected else "", label)
            for name, label in TIME_ZONE_CHOICES
            if every or name in COMMON_ZONES or name == selected
        ),
    )


def time_zone_choices() -> list[tuple[str, str]]:
    """The zones a <select> offers, handed over as a function: a form copies its fields for
    each instance, and copying 600 choices took a few milliseconds of every page with one."""
    return TIME_ZONE_CHOICES


class ZoneSelect(forms.Select):
    """A time zone <select> whose 600 options are written once per chosen zone.

    Django's widget templates render each option on its own, which took most of the hold
    page's time (about 45 ms of its 60 ms in a test).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html(
            "<select{}>{}</select>", flatatt(final_attrs), zone_options(str(value or ""))
        )


class ClientSignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: how we should address the new client."""

    first_name = forms.CharField(
        max_length=150,
        label="First name",
        validators=NAME_VALIDATORS,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        max_length=150,
        label="Last name",
        validators=NAME_VALIDATORS,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    preferred_name = forms.CharField(
        max_length=80,
        required=False,
        validators=NAME_VALIDATORS,
        label="Name you would like us to use (optional)",
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    pronouns = forms.CharField(max_length=40, required=False, label="Pronouns (optional)")
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        initial="America/Denver",
        label="Your time zone",
        help_text="We show every appointment time in this zone.",
        widget=ZoneSelect(attrs={"data-detect-time-zone": ""}),
    )

    field_order = ["first_name", "last_name", "preferred_name", "pronouns", "email", "time_zone"]

    def clean(self) -> dict:
        # allauth checks the password against a user holding only the e-mail; the names typed
        # on this same form count too.
        cleaned = super().clean() or {}
        password = cleaned.get("password1")
        if password:
            person = User(**{name: cleaned.get(name) or "" for name in PERSONAL_ATTRIBUTES})
            validator = UserAttributeSimilarityValidator(user_attributes=PERSONAL_ATTRIBUTES)
            try:
                validator.validate(password, person)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def signup(self, request, user: User) -> None:
        for field in ("first_name", "last_name", "preferred_name", "pronouns", "time_zone"):
            setattr(user, field, self.cleaned_data[field])
        user.role = User.Role.CLIENT
        user.save()


class LoginForm(AllauthLoginForm):
    """allauth's login form, in the practice's words."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:
            self.fields["remember"].label = "Stay logged in when I close the browser"
            self.fields["remember"].help_text = "Not on a computer that others use."


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


class ProfileForm(forms.ModelForm):
    """The details a person keeps up to date themselves. E-mail and password have allauth's
    own pages, which confirm a new address and ask for the old password."""

    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        label="Your time zone",
        help_text="Every time on this site and in our messages is shown in this zone.",
        widget=ZoneSelect(),
    )

    class Meta:
        model = User
        fields = [
            "preferred_name",
            "pronouns",
            "time_zone",
            "mobile_phone",
            "language",
            "date_of_birth",
        ]
        labels = {
            "preferred_name": "Name you would like us to use",
            "pronouns": "Pronouns",
            "mobile_phone": "Phone number",
            "language": "Language you would like us to use",
            "date_of_birth": "Date of birth",
        }
        help_texts = {
            "preferred_name": "Leave empty to use your first name.",
            "pronouns": "Optional, e.g. she/her, they/them. Your therapist sees them.",
            "mobile_phone": "With its area code, e.g. (970) 555-0123. We call it if a video "
            "session drops, and text it only if you allow texts.",
            "language": "Optional, e.g. Spanish.",
            "date_of_birth": "Under 18? A parent or guardian signs the consent documents with you.",
        }
        widgets = {
            "preferred_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "mobile_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "language": forms.TextInput(attrs={"autocomplete": "language"}),
            "date_of_birth": forms.DateInput(
                attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"
            ),
        }

    def clean_mobile_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["mobile_phone"])
        except InvalidPhone:
            raise forms.ValidationError("Please enter a phone number with its area code.") from None


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.display_name} ({obj.email})"


class AuditFilterForm(forms.Form):
    """The staff audit page's filters; each left empty shows every row."""

    person = PersonChoiceField(
        User.objects.exclude(role=User.Role.CLIENT).order_by("first_name", "last_name"),
        required=False,
        label="Person who looked",
    )
    # A number, not a list: a practice's every client would be tens of thousands of options
    # (and an e-mail address would put a client in the address bar and the access log).
    # Each client's name in the list links to their rows.
    client = forms.IntegerField(
        required=False,
        min_value=1,
        label="Client number",
        help_text="Choose a client's name in the list to see only their rows.",
    )
    record = forms.CharField(required=False, max_length=60, label="Record")
    record_id = forms.CharField(required=False, max_length=40, label="Record number")
    start = forms.DateField(
        required=False, label="From (day)", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="Until (day)", widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise ValidationError("The last day comes before the first. Please swap them.")
        return data
