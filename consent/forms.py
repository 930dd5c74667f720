from django import forms
from django.http import QueryDict

from consent.models import DocumentVersion
from practice.phones import InvalidPhone, normalise_phone

YES_NO = [("yes", "Yes"), ("no", "No")]
GUARDIAN_NEEDED = (
    "You are under 18, so a parent or guardian signs with you: please ask them to tick this "
    "box and give their name and how they are related to you."
)


class SignatureForm(forms.Form):
    """Signing one version: "I have read and agree", a typed name, and for a minor a guardian."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    digest = forms.CharField(widget=forms.HiddenInput, max_length=64)
    agree = forms.BooleanField(
        label="I have read and agree",
        error_messages={"required": "Please tick the box to say you have read and agree."},
    )
    typed_name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text=(
            "Typing your full name is your signature. A parent or guardian types the "
            "client's full name here and their own name below."
        ),
        error_messages={"required": "Please type your full name to sign."},
    )
    as_guardian = forms.BooleanField(
        label="I am a parent or guardian signing for a client under 18",
        required=False,
        widget=forms.CheckboxInput(attrs={"data-guardian-toggle": ""}),
    )
    guardian_name = forms.CharField(
        label="Parent or guardian's full name", max_length=200, required=False
    )
    guardian_relationship = forms.CharField(
        label="Relationship to the client",
        max_length=80,
        required=False,
        help_text="For example mother, father, grandparent or legal guardian.",
    )

    def __init__(
        self, data: QueryDict | None = None, *, version: DocumentVersion, minor: bool = False
    ) -> None:
        initial = {"version": version.pk, "digest": version.digest, "as_guardian": minor}
        super().__init__(data, initial=initial)
        self.minor = minor
        if version.document.is_contact_consent:
            self.fields["email_ok"] = forms.ChoiceField(
                label="May we send you e-mail about appointments and documents?",
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose yes or no for e-mail."},
            )
            self.fields["sms_ok"] = forms.ChoiceField(
                label="May we send you text messages about appointments?",
                choices=YES_NO,
                widget=forms.RadioSelect,
                error_messages={"required": "Please choose yes or no for text messages."},
            )

    def clean_typed_name(self) -> str:
        name = " ".join(self.cleaned_data["typed_name"].split())
        if not name:
            raise forms.ValidationError("Please type your full name to sign.")
        return name

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("as_guardian"):
            for field, message in [
                ("guardian_name", "Please type your own full name as parent or guardian."),
                ("guardian_relationship", "Please say how you are related to the client."),
            ]:
                value = " ".join(data.get(field, "").split())
                data[field] = value
                if not value:
                    self.add_error(field, message)
        elif self.minor:
            self.add_error("as_guardian", GUARDIAN_NEEDED)
        else:
            data["guardian_name"] = data["guardian_relationship"] = ""
        return data

    @property
    def contact_choice(self) -> tuple[bool, bool] | None:
        if "email_ok" not in self.fields:
            return None
        return self.cleaned_data["email_ok"] == "yes", self.cleaned_data["sms_ok"] == "yes"


class DeclineForm(forms.Form):
    message = forms.CharField(
        label="Your message to the practice",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "Tell us what you would like to change or ask about. A member of our team will "
            "read it and get back to you."
        ),
        error_messages={"required": "Please write a few words so we know how to help."},
    )

    def clean_message(self) -> str:
        message = self.cleaned_data["message"].strip()
        if not message:
            raise forms.ValidationError("Please write a few words so we know how to help.")
        return message


class ContactPreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label="E-mail about appointments and documents",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose yes or no for e-mail."},
    )
    sms = forms.ChoiceField(
        label="Text messages about appointments",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose yes or no for text messages."},
    )

    mobile_phone = forms.CharField(
        label="Mobile number for text messages",
        required=False,
        max_length=20,
        help_text="Only needed if you would like texts, e.g. (970) 555-0123.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, may_turn_on: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.may_turn_on = may_turn_on
        self.current = {key: value for key, value in (self.initial or {}).items()}

    def clean_mobile_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["mobile_phone"])
        except InvalidPhone:
            raise forms.ValidationError("Please enter a phone number with its area code.") from None

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("sms") == "yes" and not data.get("mobile_phone") and "mobile_phone" in data:
            self.add_error("mobile_phone", "Please give us a mobile number to text.")
        if self.may_turn_on:
            return data
        # Without a signed Consent to Contact a client can only switch channels off.
        for field, name in [("email", "e-mail"), ("sms", "text messages")]:
            if data.get(field) == "yes" and self.current.get(field) != "yes":
                self.add_error(
                    field,
                    f"To allow {name}, please sign the Consent to Contact first.",
                )
        return data
