"""The practice's intake questionnaire, as plain data.

A data migration turns this into model rows, so keep it free of Django imports.
Every question has the same keys. `choices` is an empty list except for the
choice kinds. `required` applies only while a question is shown: a question
with `show_if` is shown when the earlier answer to `show_if["key"]` equals
`show_if["equals"]`. "frequency" questions use the four screener answers
("Not at all" to "Nearly every day", see intake.instruments.ANSWER_OPTIONS).
"""

from typing import Literal, TypedDict

Kind = Literal[
    "short_text",
    "long_text",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "date",
    "number",
    "frequency",
]

CHOICE_KINDS: frozenset[str] = frozenset({"single_choice", "multiple_choice"})


class ShowIf(TypedDict):
    key: str
    equals: str | bool


class QuestionSpec(TypedDict):
    key: str
    kind: Kind
    text: str
    help: str
    required: bool
    choices: list[str]
    show_if: ShowIf | None


class SectionSpec(TypedDict):
    title: str
    intro: str
    questions: list[QuestionSpec]


class QuestionnaireSpec(TypedDict):
    title: str
    intro: str
    sections: list[SectionSpec]


def _question(
    key: str,
    kind: Kind,
    text: str,
    *,
    help_text: str = "",
    required: bool = False,
    choices: tuple[str, ...] = (),
    show_if: ShowIf | None = None,
) -> QuestionSpec:
    return {
        "key": key,
        "kind": kind,
        "text": text,
        "help": help_text,
        "required": required,
        "choices": list(choices),
        "show_if": show_if,
    }


def _when_yes(key: str) -> ShowIf:
    return {"key": key, "equals": True}


ABOUT_YOU: SectionSpec = {
    "title": "About you",
    "intro": "Let's start with the basics, so we know what to call you.",
    "questions": [
        _question(
            "legal_name",
            "short_text",
            "Your full legal name",
            help_text="As it appears on your ID or insurance card.",
            required=True,
        ),
        _question(
            "preferred_name",
            "short_text",
            "What would you like us to call you?",
            help_text="Leave this blank if it is the same as your legal name.",
        ),
        _question(
            "pronouns",
            "short_text",
            "Your pronouns",
            help_text="For example she/her, he/him or they/them. Optional.",
        ),
        _question("date_of_birth", "date", "Date of birth", required=True),
        _question(
            "under_18",
            "yes_no",
            "Are you under 18?",
            help_text=(
                "If so, we will ask for a parent or guardian's details. We will talk with "
                "you both about how consent and privacy work for young people in Colorado."
            ),
            required=True,
        ),
        _question(
            "guardian_name",
            "short_text",
            "Parent or guardian's full name",
            required=True,
            show_if=_when_yes("under_18"),
        ),
        _question(
            "guardian_relationship",
            "short_text",
            "How are they related to you?",
            help_text="For example mother, father, grandparent or legal guardian.",
            required=True,
            show_if=_when_yes("under_18"),
        ),
        _question(
            "guardian_phone",
            "short_text",
            "Parent or guardian's phone number",
            required=True,
            show_if=_when_yes("under_18"),
        ),
    ],
}

STAYING_IN_TOUCH: SectionSpec = {
    "title": "Staying in touch",
    "intro": (
        "Tell us how to reach you and which ways are comfortable. Our messages only "
        "ever give times and practical details, never anything about your care."
    ),
    "questions": [
        _question("phone", "short_text", "Your phone number", required=True),
        _question("email", "short_text", "Your e-mail address", required=True),
        _question(
            "contact_by_email",
            "yes_no",
            "May we e-mail you about appointments?",
            help_text="Ordinary e-mail is not encrypted, so we keep it to dates and times.",
            required=True,
        ),
        _question(
            "contact_by_text",
            "yes_no",
            "May we send you text messages about appointments?",
            help_text="You can reply STOP at any time to turn these off.",
            required=True,
        ),
        _question(
            "contact_by_voicemail",
            "yes_no",
            "May we leave you a voicemail?",
            help_text=(
                "We would say only our first name and a number to call back, "
                "never why we are calling."
            ),
            required=True,
        ),
        _question(
            "session_format",
            "single_choice",
            "How would you like to meet?",
            help_text=(
                "Your therapist sees your answer. When your therapist offers both and books "
                "a follow-up session for you, we will start from your choice. You choose for "
                "each session you book yourself; video works while you are in Colorado."
            ),
            required=True,
            choices=(
                "In person in Fort Collins",
                "Telehealth (video)",
                "Either is fine",
            ),
        ),
    ],
}

WHAT_BRINGS_YOU: SectionSpec = {
    "title": "What brings you here",
    "intro": (
        "There are no right or wrong answers. A few sentences is plenty; "
        "we will talk it through together at your first session."
    ),
    "questions": [
        _question(
            "reason_for_therapy",
            "long_text",
            "What brings you to therapy right now?",
            required=True,
        ),
        _question(
            "concern_duration",
            "single_choice",
            "How long has this been on your mind?",
            choices=(
                "Less than a month",
                "1 to 6 months",
                "6 months to a year",
                "More than a year",
                "I'm not sure",
            ),
        ),
        _question(
            "goals",
            "long_text",
            "What would you like to be different? Your goals, in your own words.",
            help_text=(
                "Big or small, clear or still forming. We will shape realistic, "
                "step-by-step goals with you, and adjust them as we go."
            ),
            required=True,
        ),
        _question(
            "previous_therapy",
            "yes_no",
            "Have you been in therapy or counseling before?",
            required=True,
        ),
        _question(
            "previous_therapy_experience",
            "long_text",
            "What helped, and what did not?",
            help_text="This helps us build on what worked for you and avoid what didn't.",
            show_if=_when_yes("previous_therapy"),
        ),
        _question(
            "therapy_worries",
            "long_text",
            "Is there anything that worries you about starting therapy?",
            help_text=(
                "Many people feel unsure at first. Telling us lets us explain things "
                "clearly and go at a pace that feels right to you."
            ),
        ),
    ],
}

WHO_YOU_ARE: SectionSpec = {
    "title": "Who you are",
    "intro": (
        "Your culture, identity and beliefs shape your life, and we want to respect "
        "them. Share only what you are comfortable sharing."
    ),
    "questions": [
        _question(
            "identity_to_understand",
            "multiple_choice",
            "Is there anything here you would like your therapist to understand or share?",
            help_text="Choose any that apply, or none.",
            choices=(
                "Cultural or ethnic background",
                "Faith or spirituality",
                "Gender identity",
                "Sexual orientation",
                "Language",
                "Disability or long-term health condition",
                "Military or veteran experience",
                "Something else",
            ),
        ),
        _question(
            "identity_details",
            "long_text",
            "Tell us more, if you like.",
            help_text=(
                "For example, traditions that matter to you, or whether you would "
                "prefer a therapist who shares part of your background."
            ),
        ),
        _question(
            "preferred_language",
            "short_text",
            "Which language are you most comfortable speaking in sessions?",
        ),
    ],
}

PEOPLE_IN_YOUR_CORNER: SectionSpec = {
    "title": "People in your corner",
    "intro": (
        "First, someone we can call in an emergency. Then, if you like, the people "
        "who support you day to day."
    ),
    "questions": [
        _question(
            "emergency_contact_name",
            "short_text",
            "Emergency contact's name",
            help_text="We would only call them if we were worried about your safety.",
            required=True,
        ),
        _question(
            "emergency_contact_relationship",
            "short_text",
            "How do you know them?",
            help_text="For example partner, parent, friend or roommate.",
            required=True,
        ),
        _question(
            "emergency_contact_phone",
            "short_text",
            "Emergency contact's phone number",
            required=True,
        ),
        _question(
            "has_support",
            "yes_no",
            "Do you have people who support you, such as family or friends?",
        ),
        _question(
            "support_people",
            "long_text",
            "Who are they?",
            help_text="First names and how you know them are enough.",
            show_if=_when_yes("has_support"),
        ),
        _question(
            "involve_support",
            "yes_no",
            "Would you like to involve any of them in your therapy at some point?",
            help_text=(
                "We never share anything with them without your written permission, "
                "and you can change your mind at any time."
            ),
            show_if=_when_yes("has_support"),
        ),
        _question(
            "involve_support_details",
            "long_text",
            "Who, and how would you like them involved?",
            help_text="For example, joining a session, or helping you practice skills at home.",
            show_if=_when_yes("involve_support"),
        ),
    ],
}

HEALTH: SectionSpec = {
    "title": "Your health",
    "intro": (
        "Your body and mind affect each other. This helps your therapist see the whole picture."
    ),
    "questions": [
        _question(
            "takes_medications",
            "yes_no",
            "Are you currently taking any medications?",
            help_text="Include anything prescribed for your physical or mental health.",
            required=True,
        ),
        _question(
            "medications",
            "long_text",
            "Which medications, and how much?",
            help_text="Write what you know. We can fill in the details together.",
            show_if=_when_yes("takes_medications"),
        ),
        _question(
            "prescriber",
            "short_text",
            "Who prescribes them?",
            help_text="A name and clinic is enough, for example your family doctor.",
            show_if=_when_yes("takes_medications"),
        ),
        _question(
            "substance_use",
            "frequency",
            "Over the last 2 weeks, how often have you used alcohol, cannabis or other drugs?",
            help_text="We ask everyone this. An honest answer helps us support you well.",
        ),
        _question(
            "health_conditions",
            "long_text",
            "Are there any health conditions or disabilities we should know about?",
            help_text="Including anything that would make sessions easier to attend.",
        ),
    ],
}

SAFETY: SectionSpec = {
    "title": "Your safety, and anything else",
    "intro": "We ask everyone this question, because your safety matters to us.",
    "questions": [
        _question(
            "self_harm_thoughts",
            "yes_no",
            "In the past month, have you had thoughts of harming yourself or that you "
            "would be better off dead?",
            help_text=(
                "Thank you for answering honestly. Your answer goes to our clinical "
                "staff so we can support you, and answering yes will not stop you from "
                "working with us. This form is not watched around the clock. If you are "
                "thinking about harming yourself now, please call or text 988 (Suicide "
                "& Crisis Lifeline), call 911, or go to your nearest emergency room."
            ),
            required=True,
        ),
        _question(
            "anything_else",
            "long_text",
            "Is there anything else you would like us to know before we meet?",
        ),
    ],
}

INTAKE_QUESTIONNAIRE: QuestionnaireSpec = {
    "title": "Getting to know you",
    "intro": (
        "Thank you for reaching out. These questions help your therapist get to know "
        "you before you meet, so your first session can be about you rather than "
        "paperwork. Answer in your own words. Questions marked required help us care "
        "for you safely; you may skip anything else and talk about it in person "
        "instead. Your answers are confidential and are read only by your therapist "
        "and our clinical staff. Most people finish in about 15 minutes."
    ),
    "sections": [
        ABOUT_YOU,
        STAYING_IN_TOUCH,
        WHAT_BRINGS_YOU,
        WHO_YOU_ARE,
        PEOPLE_IN_YOUR_CORNER,
        HEALTH,
        SAFETY,
    ],
}
