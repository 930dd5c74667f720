"""Published wording of the PHQ-9 and GAD-7 screeners.

The PHQ-9 and GAD-7 were developed by Drs. Robert L. Spitzer, Janet B. W. Williams,
Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission
is required to reproduce, translate, display or distribute them. Keep the wording
verbatim: the scores are only valid for the questions as published.
"""

# Values are the item scores used by intake.scoring.
ANSWER_OPTIONS: tuple[tuple[str, int], ...] = (
    ("Not at all", 0),
    ("Several days", 1),
    ("More than half the days", 2),
    ("Nearly every day", 3),
)

PHQ9_STEM = (
    "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
)

PHQ9_ITEMS: tuple[str, ...] = (
    "Little interest or pleasure in doing things",
    "Feeling down, depressed, or hopeless",
    "Trouble falling or staying asleep, or sleeping too much",
    "Feeling tired or having little energy",
    "Poor appetite or overeating",
    (
        "Feeling bad about yourself \u2014 or that you are a failure or have let "
        "yourself or your family down"
    ),
    "Trouble concentrating on things, such as reading the newspaper or watching television",
    (
        "Moving or speaking so slowly that other people could have noticed? "
        "Or the opposite \u2014 being so fidgety or restless that you have been "
        "moving around a lot more than usual"
    ),
    "Thoughts that you would be better off dead or of hurting yourself in some way",
)

# Asked after the nine items; it is not part of the PHQ-9 total.
PHQ9_DIFFICULTY_QUESTION = (
    "If you checked off any problems, how difficult have these problems made "
    "it for you to do your work, take care of things at home, or get along "
    "with other people?"
)

PHQ9_DIFFICULTY_OPTIONS: tuple[str, ...] = (
    "Not difficult at all",
    "Somewhat difficult",
    "Very difficult",
    "Extremely difficult",
)

# The published GAD-7 form says "the following problems" (no "any of").
GAD7_STEM = "Over the last 2 weeks, how often have you been bothered by the following problems?"

GAD7_ITEMS: tuple[str, ...] = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
)
