import itertools
from dataclasses import FrozenInstanceError

import pytest

from intake import instruments
from intake.scoring import ScreenerScore, gad7, phq9

# Expected bands written as explicit ranges, independently of the module's threshold table.
PHQ9_EXPECTED = (
    {total: ("minimal", "Minimal") for total in range(5)}
    | {total: ("mild", "Mild") for total in range(5, 10)}
    | {total: ("moderate", "Moderate") for total in range(10, 15)}
    | {total: ("moderately_severe", "Moderately severe") for total in range(15, 20)}
    | {total: ("severe", "Severe") for total in range(20, 28)}
)
GAD7_EXPECTED = (
    {total: ("minimal", "Minimal") for total in range(5)}
    | {total: ("mild", "Mild") for total in range(5, 10)}
    | {total: ("moderate", "Moderate") for total in range(10, 15)}
    | {total: ("severe", "Severe") for total in range(15, 22)}
)


def answers_totalling(total: int, length: int) -> list[int]:
    """Fill answers with 3s from the front until the total is reached."""
    answers = []
    for _ in range(length):
        answer = min(3, total)
        answers.append(answer)
        total -= answer
    return answers


def test_expectation_tables_cover_every_possible_total():
    assert sorted(PHQ9_EXPECTED) == list(range(28))
    assert sorted(GAD7_EXPECTED) == list(range(22))


def test_every_phq9_answer_vector_scores_as_expected():
    for answers in itertools.product(range(4), repeat=9):
        result = phq9(answers)
        total = sum(answers)
        assert result == ScreenerScore(
            total=total,
            severity=PHQ9_EXPECTED[total][0],
            severity_label=PHQ9_EXPECTED[total][1],
            item9_positive=answers[8] != 0,
        ), answers


def test_every_gad7_answer_vector_scores_as_expected():
    for answers in itertools.product(range(4), repeat=7):
        result = gad7(answers)
        total = sum(answers)
        assert result == ScreenerScore(
            total=total,
            severity=GAD7_EXPECTED[total][0],
            severity_label=GAD7_EXPECTED[total][1],
            item9_positive=False,
        ), answers


@pytest.mark.parametrize(
    ("total", "severity", "label"),
    [
        (0, "minimal", "Minimal"),
        (4, "minimal", "Minimal"),
        (5, "mild", "Mild"),
        (9, "mild", "Mild"),
        (10, "moderate", "Moderate"),
        (14, "moderate", "Moderate"),
        (15, "moderately_severe", "Moderately severe"),
        (19, "moderately_severe", "Moderately severe"),
        (20, "severe", "Severe"),
        (27, "severe", "Severe"),
    ],
)
def test_phq9_band_boundaries(total, severity, label):
    result = phq9(answers_totalling(total, 9))
    assert (result.total, result.severity, result.severity_label) == (
        total,
        severity,
        label,
    )


@pytest.mark.parametrize(
    ("total", "severity", "label"),
    [
        (0, "minimal", "Minimal"),
        (4, "minimal", "Minimal"),
        (5, "mild", "Mild"),
        (9, "mild", "Mild"),
        (10, "moderate", "Moderate"),
        (14, "moderate", "Moderate"),
        (15, "severe", "Severe"),
        (21, "severe", "Severe"),
    ],
)
def test_gad7_band_boundaries(total, severity, label):
    result = gad7(answers_totalling(total, 7))
    assert (result.total, result.severity, result.severity_label) == (
        total,
        severity,
        label,
    )


def test_item9_is_flagged_for_any_answer_above_zero_even_when_total_is_minimal():
    assert phq9([0, 0, 0, 0, 0, 0, 0, 0, 1]) == ScreenerScore(
        total=1, severity="minimal", severity_label="Minimal", item9_positive=True
    )


def test_item9_is_not_flagged_when_only_other_items_are_high():
    assert phq9([3, 3, 3, 3, 3, 3, 3, 3, 0]).item9_positive is False


def test_gad7_never_flags_item9():
    assert gad7([3] * 7).item9_positive is False


def test_result_is_frozen():
    result = gad7([0] * 7)
    with pytest.raises(FrozenInstanceError):
        result.total = 5


def test_tuples_and_lists_are_both_accepted():
    assert phq9((1,) * 9) == phq9([1] * 9)


@pytest.mark.parametrize(
    ("score", "answers", "message"),
    [
        (phq9, [0] * 8, "exactly 9 answers, got 8"),
        (phq9, [0] * 10, "exactly 9 answers, got 10"),
        (phq9, [], "exactly 9 answers, got 0"),
        (gad7, [0] * 6, "exactly 7 answers, got 6"),
        (gad7, [0] * 9, "exactly 7 answers, got 9"),
        (phq9, [0] * 8 + [4], "answer 9 must be between 0 and 3, got 4"),
        (phq9, [-1] + [0] * 8, "answer 1 must be between 0 and 3, got -1"),
        (gad7, [0, 0, 4, 0, 0, 0, 0], "answer 3 must be between 0 and 3, got 4"),
        (gad7, [0, 0, 0, 0, 0, 0, -1], "answer 7 must be between 0 and 3, got -1"),
        (phq9, [0] * 8 + [1.0], "answer 9 must be an integer, got float"),
        (phq9, [0] * 8 + ["1"], "answer 9 must be an integer, got str"),
        (phq9, [0] * 8 + [None], "answer 9 must be an integer, got NoneType"),
        (gad7, [True] + [0] * 6, "answer 1 must be an integer, got bool"),
        (phq9, "000000000", "must be a list of integers"),
        (gad7, None, "must be a list of integers"),
    ],
)
def test_bad_answers_are_refused_with_a_clear_message(score, answers, message):
    with pytest.raises(ValueError, match=message):
        score(answers)


def test_instruments_match_the_scoring_lengths_and_values():
    assert len(instruments.PHQ9_ITEMS) == 9
    assert len(instruments.GAD7_ITEMS) == 7
    assert [value for _, value in instruments.ANSWER_OPTIONS] == [0, 1, 2, 3]
    assert len(instruments.PHQ9_DIFFICULTY_OPTIONS) == 4
    assert instruments.PHQ9_ITEMS[8].startswith("Thoughts that you would be better off dead")
