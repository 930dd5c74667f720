"""Questionnaires as data: the installed intake, versioning in the admin, and the audit trail."""

import json

import pytest

from intake import instruments
from intake.models import (
    Answer,
    Question,
    QuestionnaireVersion,
    Section,
    Submission,
    VersionLocked,
)
from practice.audit import AuditEntry
from tests.factories import make_intake

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_version")]


def section_post(section: Section, *, texts: dict[str, str] | None = None, **fields) -> dict:
    """The admin's change form for a section and its questions, as posted, with edits."""
    questions = list(section.questions.all())
    data = {
        "position": section.position,
        "title": section.title,
        "intro": section.intro,
        "questions-TOTAL_FORMS": len(questions),
        "questions-INITIAL_FORMS": len(questions),
        "questions-MIN_NUM_FORMS": 0,
        "questions-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for number, question in enumerate(questions):
        prefix = f"questions-{number}-"
        data |= {
            f"{prefix}id": question.pk,
            f"{prefix}section": section.pk,
            f"{prefix}position": question.position,
            f"{prefix}key": question.key,
            f"{prefix}kind": question.kind,
            f"{prefix}text": (texts or {}).get(question.key, question.text),
            f"{prefix}help": question.help,
            f"{prefix}choices": json.dumps(question.choices),
            # The admin page posts a hidden copy of a callable default's first value.
            f"initial-{prefix}choices": json.dumps(question.choices),
            f"{prefix}show_if": json.dumps(question.show_if) if question.show_if else "",
        }
        if question.required:
            data[f"{prefix}required"] = "on"
    return data


def version_post(version: QuestionnaireVersion, **fields) -> dict:
    sections = list(version.sections.all())
    data = {
        "title": version.title,
        "intro": version.intro,
        "sections-TOTAL_FORMS": len(sections),
        "sections-INITIAL_FORMS": len(sections),
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for number, section in enumerate(sections):
        data |= {
            f"sections-{number}-id": section.pk,
            f"sections-{number}-version": version.pk,
            f"sections-{number}-position": section.position,
            f"sections-{number}-title": section.title,
        }
    return data


def about_you(version: QuestionnaireVersion) -> Section:
    return version.sections.get(title="About you")


def test_the_installed_intake_carries_the_published_screeners_word_for_word(intake_version):
    phq9 = intake_version.sections.get(instrument="phq9")
    gad7 = intake_version.sections.get(instrument="gad7")
    assert phq9.intro == instruments.PHQ9_STEM and gad7.intro == instruments.GAD7_STEM
    items = list(phq9.questions.filter(kind="frequency").values_list("text", flat=True))
    assert tuple(items) == instruments.PHQ9_ITEMS
    assert tuple(gad7.questions.values_list("text", flat=True)) == instruments.GAD7_ITEMS
    assert phq9.questions.get(key="phq9_difficulty").choices == list(
        instruments.PHQ9_DIFFICULTY_OPTIONS
    )
    keys = list(
        Question.objects.filter(section__version=intake_version).values_list("key", flat=True)
    )
    assert len(keys) == len(set(keys))
    assert "self_harm_thoughts" in keys


def test_editing_an_answered_version_in_the_admin_makes_a_new_version(
    client, alice, bob, sam, intake_version
):
    submission = make_intake(client=alice, answers={"legal_name": "Alice Moreno"})
    section = about_you(intake_version)
    old_question = section.questions.get(key="legal_name")
    client.force_login(sam)

    response = client.post(
        f"/admin/intake/section/{section.pk}/change/",
        section_post(section, texts={"legal_name": "Your full name, as on your ID"}),
        follow=True,
    )
    assert "already has answers, so it stays as it was" in response.text

    new_version = QuestionnaireVersion.objects.current_intake()
    assert new_version.number == intake_version.number + 1
    assert new_version.based_on == intake_version
    assert about_you(new_version).questions.get(key="legal_name").text == (
        "Your full name, as on your ID"
    )
    assert new_version.sections.count() == intake_version.sections.count()
    # The old answer keeps the old wording, and Alice carries on with the version she began.
    old_question.refresh_from_db()
    assert old_question.text == "Your full legal name"
    assert Answer.objects.get(submission=submission).question == old_question
    client.force_login(alice)
    assert "Your full legal name" in client.get("/intake/section/1/").text
    # Someone starting now gets the new wording.
    client.force_login(bob)
    client.post("/intake/")
    assert Submission.objects.get(client=bob).version == new_version
    assert "Your full name, as on your ID" in client.get("/intake/section/1/").text


def test_editing_an_unanswered_version_changes_it_in_place(client, sam, intake_version):
    section = about_you(intake_version)
    client.force_login(sam)
    client.post(
        f"/admin/intake/section/{section.pk}/change/",
        section_post(section, texts={"pronouns": "Pronouns you use"}),
    )
    assert QuestionnaireVersion.objects.current_intake() == intake_version
    assert section.questions.get(key="pronouns").text == "Pronouns you use"


def test_editing_the_title_of_an_answered_version_makes_a_new_version(
    client, alice, sam, intake_version
):
    make_intake(client=alice, answers={"legal_name": "Alice Moreno"})
    client.force_login(sam)
    client.post(
        f"/admin/intake/questionnaireversion/{intake_version.pk}/change/",
        version_post(intake_version, title="Before we meet"),
    )
    new_version = QuestionnaireVersion.objects.current_intake()
    assert new_version != intake_version and new_version.title == "Before we meet"
    intake_version.refresh_from_db()
    assert intake_version.title == "Getting to know you"


def test_saving_an_answered_version_without_changes_makes_no_copy(
    client, alice, sam, intake_version
):
    make_intake(client=alice, answers={"legal_name": "Alice Moreno"})
    section = about_you(intake_version)
    client.force_login(sam)
    client.post(f"/admin/intake/section/{section.pk}/change/", section_post(section))
    assert QuestionnaireVersion.objects.count() == 1


def test_the_admin_action_makes_a_new_version(client, sam, intake_version):
    client.force_login(sam)
    client.post(
        "/admin/intake/questionnaireversion/",
        {"action": "make_new_version", "_selected_action": [intake_version.pk]},
    )
    copy = QuestionnaireVersion.objects.current_intake()
    assert copy.number == 2 and copy.based_on == intake_version
    assert (
        Question.objects.filter(section__version=copy).count()
        == Question.objects.filter(section__version=intake_version).count()
    )


def test_a_screeners_published_wording_cannot_be_edited_in_the_admin(client, sam, intake_version):
    phq9 = intake_version.sections.get(instrument="phq9")
    client.force_login(sam)
    page = client.get(f"/admin/intake/section/{phq9.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.text
    response = client.post(
        f"/admin/intake/section/{phq9.pk}/change/",
        section_post(phq9, texts={"phq9_1": "Something else"}),
    )
    assert response.status_code == 403
    assert phq9.questions.get(key="phq9_1").text == instruments.PHQ9_ITEMS[0]


def test_an_answered_version_refuses_changes_in_code_too(alice, intake_version):
    make_intake(client=alice, answers={"legal_name": "Alice Moreno"})
    question = Question.objects.get(section__version=intake_version, key="legal_name")
    question.text = "Changed"
    with pytest.raises(VersionLocked):
        question.save()
    with pytest.raises(VersionLocked):
        Question.objects.get(section__version=intake_version, key="pronouns").delete()
    with pytest.raises(VersionLocked):
        about_you(intake_version).save()


def test_a_show_if_rule_must_point_to_an_earlier_question(client, sam, intake_version):
    section = about_you(intake_version)
    client.force_login(sam)
    data = section_post(section)
    data["questions-0-show_if"] = json.dumps({"key": "guardian_phone", "equals": True})
    response = client.post(f"/admin/intake/section/{section.pk}/change/", data)
    assert "“guardian_phone” must be a question that comes earlier." in response.text
    data["questions-0-show_if"] = json.dumps({"when": "under_18"})
    response = client.post(f"/admin/intake/section/{section.pk}/change/", data)
    assert "Write it as" in response.text


def test_opening_an_intake_writes_an_intake_row_in_the_practice_log(client, alice, sam):
    submission = make_intake(client=alice, status="new")
    client.force_login(sam)
    client.get(f"/intake/submissions/{submission.pk}/")
    entry = AuditEntry.objects.get(record="Intake")
    assert (entry.record, entry.record_id, entry.client, entry.actor) == (
        "Intake",
        str(submission.pk),
        alice,
        sam,
    )
