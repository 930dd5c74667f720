"""The rule that orders therapists for a visitor who asked for help choosing (pure)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from scheduling.matching import Answers, Candidate, OpenTime, rank_therapists

DENVER = ZoneInfo("America/Denver")


def at(day: int, hour: int, modality: str = "in_person") -> OpenTime:
    return OpenTime(datetime(2030, 1, day, hour, tzinfo=DENVER), modality, 1)


def candidate(slug: str, *times: OpenTime, specialties=("Anxiety",), languages=("English",)):
    return Candidate(
        slug=slug,
        name=slug.title(),
        specialties=tuple(specialties),
        languages=tuple(languages),
        open_times=times,
    )


def slugs(matches) -> list[str]:
    return [match.candidate.slug for match in matches]


def test_without_answers_the_earliest_open_time_comes_first():
    later, sooner = candidate("later", at(9, 10)), candidate("sooner", at(8, 15))
    assert slugs(rank_therapists([later, sooner], Answers())) == ["sooner", "later"]


def test_a_language_asked_for_is_a_must():
    english = candidate("english", at(8, 9))
    spanish = candidate("spanish", at(20, 9), languages=("English", "Spanish"))
    assert slugs(rank_therapists([english, spanish], Answers(language="Spanish"))) == ["spanish"]


def test_who_works_with_the_concern_comes_before_an_earlier_time():
    soon = candidate("soon", at(8, 9), specialties=("Anxiety",))
    fits = candidate("fits", at(20, 9), specialties=("Depression", "Stress at work"))
    ranked = rank_therapists([soon, fits], Answers(concern="Depression"))
    assert slugs(ranked) == ["fits", "soon"]
    assert [m.works_with_concern for m in ranked] == [True, False]


def test_a_time_that_fits_comes_before_the_concern():
    # Mornings only: "evening" works with the concern but has only evening times.
    evening = candidate("evening", at(8, 18), specialties=("Depression",))
    morning = candidate("morning", at(9, 9), at(9, 18))
    ranked = rank_therapists(
        [evening, morning], Answers(concern="Depression", times_of_day=frozenset({"morning"}))
    )
    assert slugs(ranked) == ["morning", "evening"]
    assert [t.starts_at.hour for t in ranked[0].fitting_times] == [9]
    assert ranked[1].fitting_times == ()  # listed, with no time that fits


def test_video_or_in_person_filters_the_times_shown():
    both = candidate("both", at(8, 9, "telehealth"), at(8, 10), at(8, 11, "telehealth"))
    [match] = rank_therapists([both], Answers(modality="telehealth"))
    assert [t.starts_at.hour for t in match.fitting_times] == [9, 11]


def test_at_most_three_first_times_are_shown_in_time_order():
    busy = candidate("busy", *(at(9, hour) for hour in (16, 9, 13, 10, 11)))
    [match] = rank_therapists([busy], Answers())
    assert [t.starts_at.hour for t in match.fitting_times] == [9, 10, 11]


def test_payment_does_not_change_the_order():
    a, b = candidate("a", at(8, 9)), candidate("b", at(8, 10))
    assert slugs(rank_therapists([a, b], Answers(payment="self_pay"))) == ["a", "b"]
