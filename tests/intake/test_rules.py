from intake.rules import answer_matches, visible_keys
from intake.screeners import is_urgent_answer

QUESTIONS = [
    ("has_support", None),
    ("support_people", {"key": "has_support", "equals": True}),
    ("involve_support", {"key": "has_support", "equals": True}),
    ("involve_details", {"key": "involve_support", "equals": True}),
    ("format", None),
    ("video_tips", {"key": "format", "equals": "Telehealth (video)"}),
    ("identity", None),
    ("faith_details", {"key": "identity", "equals": "Faith or spirituality"}),
]
ALWAYS = {"has_support", "format", "identity"}


def test_questions_without_a_rule_are_always_shown():
    assert visible_keys(QUESTIONS, {}) == ALWAYS


def test_a_yes_shows_its_follow_ups():
    shown = visible_keys(QUESTIONS, {"has_support": True})
    assert shown == ALWAYS | {"support_people", "involve_support"}


def test_a_chain_of_follow_ups_opens_one_step_at_a_time():
    answers = {"has_support": True, "involve_support": True}
    assert "involve_details" in visible_keys(QUESTIONS, answers)


def test_a_hidden_answer_reveals_nothing():
    # involve_support is still stored as yes, but has_support is now no.
    answers = {"has_support": False, "involve_support": True}
    assert visible_keys(QUESTIONS, answers) == ALWAYS


def test_a_single_choice_must_match_exactly():
    assert "video_tips" in visible_keys(QUESTIONS, {"format": "Telehealth (video)"})
    assert "video_tips" not in visible_keys(QUESTIONS, {"format": "Either is fine"})


def test_a_multiple_choice_matches_any_option_chosen():
    answers = {"identity": ["Language", "Faith or spirituality"]}
    assert "faith_details" in visible_keys(QUESTIONS, answers)
    assert "faith_details" not in visible_keys(QUESTIONS, {"identity": ["Language"]})


def test_yes_is_not_the_number_one():
    assert answer_matches(True, True)
    assert not answer_matches(1, True)
    assert not answer_matches(True, 1)
    assert not answer_matches(None, False)


def test_a_rule_pointing_at_a_later_question_never_shows():
    questions = [("a", {"key": "b", "equals": True}), ("b", None)]
    assert visible_keys(questions, {"b": True}) == {"b"}


def test_only_phq9_item_9_above_zero_and_a_yes_to_self_harm_are_urgent():
    assert [is_urgent_answer("phq9_9", value) for value in range(4)] == [False, True, True, True]
    assert not is_urgent_answer("phq9_9", True)
    assert not is_urgent_answer("phq9_8", 3)
    assert is_urgent_answer("self_harm_thoughts", True)
    assert not is_urgent_answer("self_harm_thoughts", False)
    assert not is_urgent_answer("self_harm_thoughts", "yes")
