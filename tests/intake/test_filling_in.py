from datetime import timedelta

import pytest
from django.utils import timezone

from intake.models import Answer, ScreenerResult, Submission
from intake.status import clients_missing_intake
from tests.factories import (
    INTAKE_ANSWERS,
    PASSWORD,
    make_appointment,
    make_intake,
)
from tests.intake.helpers import fill_pages, page_keys, post_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("intake_version")]

CHECK = "/intake/check/"


def answers_of(submission: Submission) -> dict[str, object]:
    return dict(Answer.objects.filter(submission=submission).values_list("question__key", "value"))


def test_the_portal_invites_a_new_client_to_start(client, alice):
    client.force_login(alice)
    response = client.get("/portal/")
    assert "Your intake questionnaire" in response.text
    assert 'href="/intake/"' in response.text and "Start your intake questionnaire" in response.text


def test_starting_makes_one_draft_and_opens_the_first_page(client, alice, intake_version):
    client.force_login(alice)
    assert "Start the questionnaire" in client.get("/intake/").text

    response = client.post("/intake/")
    assert response.url == "/intake/section/1/"
    assert client.post("/intake/").url == "/intake/section/1/"  # a second click makes no second
    submission = Submission.objects.get()
    assert (submission.client, submission.version, submission.status) == (
        alice,
        intake_version,
        "draft",
    )
    page = client.get("/intake/section/1/")
    assert "About you" in page.text and "step 1 of 10" in page.text
    assert page.wsgi_request.sensitive_post_parameters == "__ALL__"


def test_a_page_before_starting_sends_the_client_to_the_start(client, alice):
    client.force_login(alice)
    assert client.get("/intake/section/1/").url == "/intake/"
    assert client.get("/intake/check/").url == "/intake/"
    assert client.get("/intake/sent/").url == "/intake/"


def test_a_page_number_that_does_not_exist_is_404(client, alice):
    make_intake(client=alice)
    client.force_login(alice)
    assert client.get("/intake/section/99/").status_code == 404
    assert client.post("/intake/section/0/draft/").status_code == 404


def test_a_missing_answer_is_explained_beside_the_question_and_what_was_typed_stays(client, alice):
    make_intake(client=alice)
    client.force_login(alice)
    response = client.post(
        "/intake/section/1/",
        {"action": "next", "preferred_name": "Ali", "date_of_birth": "1990-04-15"},
    )
    assert response.status_code == 200
    html = response.text
    assert "Please check 2 answers" in html
    assert html.count("<li>Please answer this question.</li>") == 2  # legal name and under 18
    assert 'href="#id_legal_name">Your full legal name: Please answer this question.' in html
    assert 'id="id_legal_name_error"' in html and 'aria-invalid="true"' in html
    assert 'value="Ali"' in html and 'value="1990-04-15"' in html
    assert Answer.objects.count() == 0


def test_an_impossible_date_gets_a_plain_message_and_keeps_the_text(client, alice):
    make_intake(client=alice)
    client.force_login(alice)
    response = client.post(
        "/intake/section/1/",
        {"action": "next", "legal_name": "Alice Moreno", "date_of_birth": "31/31/1990"},
    )
    assert "Please enter a whole date, for example 04/15/1990." in response.text
    assert 'value="31/31/1990"' in response.text
    assert 'value="Alice Moreno"' in response.text


def test_next_saves_the_page_and_moves_on(client, alice, intake_version):
    submission = make_intake(client=alice)
    client.force_login(alice)
    first_page = page_keys(intake_version)[0]
    response = client.post("/intake/section/1/", post_data(first_page, INTAKE_ANSWERS))
    assert response.url == "/intake/section/2/"
    assert answers_of(submission) == {
        "legal_name": "Alice Moreno",
        "date_of_birth": "1990-04-15",
        "under_18": False,
    }
    submission.refresh_from_db()
    assert submission.resume_step == 2


def test_back_saves_without_asking_for_required_answers(client, alice):
    submission = make_intake(client=alice)
    client.force_login(alice)
    response = client.post("/intake/section/3/", {"action": "back", "goals": "Sleep better"})
    assert response.url == "/intake/section/2/"
    assert answers_of(submission) == {"goals": "Sleep better"}


def test_save_and_finish_later_keeps_the_answers_and_goes_to_the_portal(client, alice):
    submission = make_intake(client=alice)
    client.force_login(alice)
    response = client.post("/intake/section/2/", {"action": "later", "phone": "970 555 0100"})
    assert response.url == "/portal/"
    assert answers_of(submission) == {"phone": "970 555 0100"}
    submission.refresh_from_db()
    assert submission.resume_step == 2
    assert "Continue your intake questionnaire" in client.get("/portal/").text


def test_the_draft_timer_saves_what_is_valid_and_leaves_the_rest(client, alice):
    submission = make_intake(client=alice, answers={"date_of_birth": "1990-04-15"})
    client.force_login(alice)
    response = client.post(
        "/intake/section/1/draft/", {"legal_name": "Alice M", "date_of_birth": "not a date"}
    )
    assert response.status_code == 200
    assert "Saved a draft at" in response.text
    assert "<html" not in response.text  # only the status line, for the page to show
    # The bad date is not saved over the good one; the page still shows what they typed.
    assert answers_of(submission) == {"legal_name": "Alice M", "date_of_birth": "1990-04-15"}


def test_the_draft_timer_refuses_once_the_intake_is_sent(client, alice):
    make_intake(client=alice, answers=INTAKE_ANSWERS, status="new")
    client.force_login(alice)
    response = client.post("/intake/section/1/draft/", {"legal_name": "Changed"})
    assert response.status_code == 409
    assert not Answer.objects.filter(value="Changed").exists()


def test_a_client_who_logs_out_halfway_comes_back_to_the_same_place_with_every_answer(
    client, alice, intake_version
):
    client.force_login(alice)
    client.post("/intake/")
    fill_pages(client, intake_version, INTAKE_ANSWERS, pages=4)
    client.post("/accounts/logout/")
    assert client.get("/intake/").url.startswith("/accounts/login/")

    assert client.login(email="alice@example.org", password=PASSWORD)
    start = client.get("/intake/")
    assert "Continue where you left off" in start.text
    assert client.post("/intake/").url == "/intake/section/5/"
    earlier = client.get("/intake/section/3/").text
    assert "I keep putting off things that matter to me." in earlier
    assert "Finish what I start." in earlier
    assert 'value="no" id="id_previous_therapy_1" checked' in earlier


def test_a_follow_up_question_is_required_only_when_it_applies(client, alice):
    make_intake(client=alice)
    client.force_login(alice)
    base = {"action": "next", "legal_name": "Alice Moreno", "date_of_birth": "2010-02-03"}

    under_18 = client.post("/intake/section/1/", {**base, "under_18": "yes"})
    assert under_18.status_code == 200
    # the guardian's details
    assert under_18.text.count("<li>Please answer this question.</li>") == 3

    adult = client.post(
        "/intake/section/1/", {**base, "under_18": "no", "guardian_name": "Typed by mistake"}
    )
    assert adult.url == "/intake/section/2/"
    assert not Answer.objects.filter(question__key="guardian_name").exists()


def test_a_follow_up_answer_is_removed_when_the_answer_it_follows_changes(client, alice):
    submission = make_intake(
        client=alice,
        answers={"has_support": True, "support_people": "Rosa", "involve_support": True},
    )
    client.force_login(alice)
    client.post("/intake/section/5/", {"action": "later", "has_support": "no"})
    assert answers_of(submission) == {"has_support": False}


def test_a_follow_up_hidden_by_an_earlier_page_is_not_shown(client, alice):
    make_intake(client=alice, answers={"takes_medications": False})
    client.force_login(alice)
    page = client.get("/intake/section/6/").text
    # On the same page as the question it follows: rendered, hidden until it applies.
    assert 'id="question-medications" data-show-if-key="takes_medications"' in page
    assert 'data-show-if-value="yes" hidden' in page


def test_the_check_page_lists_what_is_still_missing_with_links_to_change_it(client, alice):
    make_intake(client=alice, answers={"legal_name": "Alice Moreno"})
    client.force_login(alice)
    page = client.get(CHECK).text
    assert "A few required questions still need an answer" in page
    assert "Alice Moreno" in page
    assert "Date of birth" in page and 'href="/intake/section/1/"' in page

    response = client.post(CHECK)
    assert response.status_code == 200
    assert "A few required questions still need an answer" in response.text
    assert Submission.objects.get().status == "draft"


def test_sending_scores_the_screeners_on_the_server_and_joins_the_queue(client, alice):
    submission = make_intake(client=alice)
    client.force_login(alice)
    fill_pages(client, submission.version, INTAKE_ANSWERS)
    # A total posted by the browser means nothing: scores come from the stored answers.
    response = client.post(CHECK, {"phq9_total": "0", "total": "0", "severity": "minimal"})
    assert response.url == "/intake/sent/"

    submission.refresh_from_db()
    assert submission.status == "new" and submission.submitted_at is not None
    results = {
        r.instrument: (r.total, r.severity, r.item9_positive)
        for r in ScreenerResult.objects.filter(submission=submission)
    }
    assert results == {"phq9": (8, "mild", False), "gad7": (14, "moderate", False)}
    assert clients_missing_intake([alice.pk]) == set()


def test_sending_twice_changes_nothing_the_second_time(client, alice):
    submission = make_intake(client=alice, answers=INTAKE_ANSWERS)
    client.force_login(alice)
    assert client.post(CHECK).url == "/intake/sent/"
    sent_at = Submission.objects.get().submitted_at
    assert client.post(CHECK).url == "/intake/sent/"
    assert Submission.objects.get().submitted_at == sent_at
    assert ScreenerResult.objects.filter(submission=submission).count() == 2


def test_after_sending_the_client_can_read_but_not_change_their_answers(client, alice):
    make_intake(client=alice, answers=INTAKE_ANSWERS)
    client.force_login(alice)
    client.post(CHECK)

    sent = client.get("/intake/sent/")
    assert "What happens next" in sent.text
    assert "I keep putting off things that matter to me." in sent.text
    assert "<form" not in sent.text.split('id="main"')[1]
    assert client.get("/intake/section/3/").url == "/intake/sent/"
    assert client.get("/intake/").url == "/intake/sent/"
    assert client.post("/intake/section/3/", {"goals": "Something else"}).url == "/intake/sent/"
    assert Answer.objects.get(question__key="goals").value == "Finish what I start."
    assert "Read what you sent" in client.get("/portal/").text


def test_answers_that_no_longer_apply_are_dropped_when_sending(client, alice):
    answers = {**INTAKE_ANSWERS, "support_people": "Rosa"}  # but has_support is unanswered
    submission = make_intake(client=alice, answers=answers)
    client.force_login(alice)
    client.post(CHECK)
    assert "support_people" not in answers_of(submission)


def test_sending_assigns_the_therapist_of_the_booked_first_session(client, alice, dana):
    submission = make_intake(client=alice, answers=INTAKE_ANSWERS)
    make_appointment(
        therapist=dana.therapist, client=alice, starts_at=timezone.now() + timedelta(days=3)
    )
    client.force_login(alice)
    client.post(CHECK)
    submission.refresh_from_db()
    assert submission.assigned_therapist == dana.therapist


def test_answers_never_reach_the_logs(client, alice, caplog):
    make_intake(client=alice)
    client.force_login(alice)
    with caplog.at_level("DEBUG"):
        client.post("/intake/section/3/", {"action": "next", "goals": "Zebra-striped secret"})
        client.post("/intake/section/3/draft/", {"goals": "Zebra-striped secret"})
        client.post("/intake/section/99/", {"goals": "Zebra-striped secret"})  # a 404
    assert caplog.records  # the requests were logged...
    assert "Zebra-striped secret" not in caplog.text  # ...without what was typed


def test_clients_missing_intake_asks_the_database_once(alice, bob, django_assert_num_queries):
    make_intake(client=alice, answers=INTAKE_ANSWERS, status="new")
    make_intake(client=bob)
    with django_assert_num_queries(1):
        assert clients_missing_intake([alice.pk, bob.pk, 999]) == {bob.pk, 999}
    with django_assert_num_queries(0):
        assert clients_missing_intake([]) == set()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "/intake/"),
        ("delete", "/intake/section/1/"),
        ("get", "/intake/section/1/draft/"),
        ("put", "/intake/check/"),
        ("post", "/intake/sent/"),
    ],
)
def test_wrong_methods_are_refused(client, alice, method, path):
    make_intake(client=alice)
    client.force_login(alice)
    assert getattr(client, method)(path).status_code == 405


def test_the_intakes_contact_answers_become_the_consent_to_contact_choice(client, alice, dana):
    from consent.models import ContactPreference
    from consent.status import allowed_channels

    make_intake(
        client=alice, answers={**INTAKE_ANSWERS, "contact_by_email": False, "contact_by_text": True}
    )
    client.force_login(alice)

    assert client.post(CHECK).url == "/intake/sent/"

    choice = ContactPreference.objects.in_force_for(alice)
    assert choice is not None and choice.get_source_display() == "Answered in the intake"
    assert allowed_channels(alice) == {"sms"}  # her intake answer rules from now on


def test_sending_the_intake_writes_the_name_pronouns_and_language_to_the_profile(
    client, alice, dana
):
    answers = {
        **INTAKE_ANSWERS,
        "preferred_name": "Ali",
        "pronouns": "they/them",
        "preferred_language": "Spanish",
    }
    make_intake(client=alice, answers=answers)
    client.force_login(alice)

    assert client.post("/intake/check/").url == "/intake/sent/"

    alice.refresh_from_db()
    assert (alice.preferred_name, alice.pronouns, alice.language) == ("Ali", "they/them", "Spanish")
    assert "Ali" in client.get("/portal/").text  # one answer rules on every page


def test_a_blank_intake_answer_keeps_what_the_profile_says(client, alice):
    alice.pronouns = "she/her"
    alice.save()
    make_intake(client=alice, answers={**INTAKE_ANSWERS, "pronouns": ""})
    client.force_login(alice)

    client.post("/intake/check/")

    alice.refresh_from_db()
    assert alice.pronouns == "she/her"
