"""The intake's questions on worries about therapy and on the people in the client's corner."""

import pytest

from intake.models import Answer, Submission
from tests.factories import INTAKE_ANSWERS, make_intake

pytestmark = pytest.mark.django_db

CHECK = "/intake/check/"
WORRY = "That I will be judged for needing help."


def sent_answers(submission: Submission) -> dict[str, object]:
    return dict(Answer.objects.filter(submission=submission).values_list("question__key", "value"))


def test_a_worry_about_therapy_is_optional_and_reaches_the_people_who_review(
    client, alice, bob, sam
):
    without = {key: value for key, value in INTAKE_ANSWERS.items() if key != "therapy_worries"}
    make_intake(client=alice, answers=without)
    client.force_login(alice)
    assert client.post(CHECK).url == "/intake/sent/"  # sending needs no answer to it

    worried = make_intake(client=bob, answers={**INTAKE_ANSWERS, "therapy_worries": WORRY})
    client.force_login(bob)
    client.post(CHECK)
    client.force_login(sam)
    page = client.get(f"/intake/submissions/{worried.pk}/").text
    assert "Is there anything that worries you about starting therapy?" in page
    assert WORRY in page


def test_an_emergency_contact_is_required(client, alice):
    answers = {k: v for k, v in INTAKE_ANSWERS.items() if not k.startswith("emergency_contact")}
    make_intake(client=alice, answers=answers)
    client.force_login(alice)
    response = client.post(CHECK)
    assert response.status_code == 200
    assert "A few required questions still need an answer" in response.text
    assert "Emergency contact" in response.text
    assert Submission.objects.get().status == "draft"


def test_supporters_are_kept_only_when_the_client_says_they_have_some(client, alice, bob):
    supported = {**INTAKE_ANSWERS, "has_support": True, "support_people": "Sam, my brother"}
    submission = make_intake(client=alice, answers=supported)
    client.force_login(alice)
    client.post(CHECK)
    assert sent_answers(submission)["support_people"] == "Sam, my brother"

    changed_mind = make_intake(client=bob, answers={**supported, "has_support": False})
    client.force_login(bob)
    client.post(CHECK)
    assert "support_people" not in sent_answers(changed_mind)  # a hidden answer is dropped
