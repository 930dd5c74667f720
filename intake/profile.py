"""Intake questions the client's details already answer: shown as known, never asked again.

Questionnaire versions are frozen data, so this rule is by question key, not in a version: any
version with one of these keys gets the answer from the client's details (the profile, and the
Consent to Contact choice) while they hold one, and every page that reads the intake (the
client's, staff's and the therapist's) shows that answer. It changes on "Your details". An
answer the details do not know yet is asked, and sending the intake writes what it learns back
(`profile_updates`), so one answer rules everywhere.
"""

import datetime
from dataclasses import dataclass

from django.db.models import DateField, Field

from consent import status as consent_status
from practice.models import User

DETAILS_URL = "/portal/details/"


@dataclass(frozen=True)
class ProfileField:
    field: str  # the User field that holds the answer
    # False when the intake never writes it: the sign-in address changes only through the
    # account pages, and a new mobile number only with the password again (and a landline
    # given in the intake is not a mobile number).
    learned: bool = True


PROFILE_FIELDS = {
    "preferred_name": ProfileField("preferred_name"),
    "pronouns": ProfileField("pronouns"),
    "preferred_language": ProfileField("language"),
    "date_of_birth": ProfileField("date_of_birth"),
    "phone": ProfileField("mobile_phone", learned=False),
    "email": ProfileField("email", learned=False),
}
# "May we e-mail / text you?" is the Consent to Contact's question: its choice in force answers.
CONTACT_KEYS = {"contact_by_email": "email", "contact_by_text": "sms"}


def known_answers(client: User) -> dict[str, object]:
    """The answers the client's details already give, by question key, as the intake stores
    them (a date as ISO text, yes/no as a boolean). Blank details are left out: those are asked.
    """
    known: dict[str, object] = {}
    for key, spec in PROFILE_FIELDS.items():
        value = getattr(client, spec.field)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        if value:
            known[key] = value
    chosen = consent_status.chosen_channels(client)
    if chosen is not None:
        known.update({key: channel in chosen for key, channel in CONTACT_KEYS.items()})
    return known


def profile_updates(answers: dict[str, object]) -> dict[str, object]:
    """What the intake's own answers teach the profile (field: value); a blank answer teaches
    nothing."""
    learned: dict[str, object] = {}
    for key, spec in PROFILE_FIELDS.items():
        answer = answers.get(key)
        if not spec.learned or not isinstance(answer, str) or not answer.strip():
            continue
        model_field = User._meta.get_field(spec.field)
        if isinstance(model_field, DateField):
            learned[spec.field] = datetime.date.fromisoformat(answer)
        elif isinstance(model_field, Field):
            learned[spec.field] = answer.strip()[: model_field.max_length]
    return learned
