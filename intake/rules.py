"""Show-if rules, evaluated on the server. The browser only mirrors them for comfort."""

from collections.abc import Iterable, Mapping


def answer_matches(value: object, expected: object) -> bool:
    """Whether an answer satisfies `equals`; a multiple-choice answer matches any chosen option."""
    if isinstance(value, list):
        return expected in value
    if isinstance(value, bool) or isinstance(expected, bool):
        # 1 == True in Python, but "Several days" is not a yes.
        return value is expected
    return value == expected


def visible_keys(
    questions: Iterable[tuple[str, Mapping | None]], answers: Mapping[str, object]
) -> set[str]:
    """The keys of the questions shown, given the answers so far.

    `questions` is every (key, show_if) of a version in order. A question is shown when it
    has no rule, or when the question it depends on is shown and answered as the rule says:
    a hidden answer never reveals anything.
    """
    visible: set[str] = set()
    for key, show_if in questions:
        if show_if is None or (
            show_if.get("key") in visible
            and answer_matches(answers.get(show_if["key"]), show_if.get("equals"))
        ):
            visible.add(key)
    return visible
