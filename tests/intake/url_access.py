"""Who may open each intake URL (see tests/practice/url_access.py for the notation).

A client's own intake has no id in its URLs; before they start, its pages send them to the
start (302). Staff pages take an intake of alice's assigned to dana.
"""

from intake import services
from intake.models import Goal, GoalStep
from tests.factories import make_intake

OWN_INTAKE = {"anonymous": "login", "alice": "200", "bob": "200", "dana": "403", "sam": "403"}
NOT_STARTED = {**OWN_INTAKE, "alice": "302", "bob": "302"}
CLIENT_POST = {**OWN_INTAKE, "alice": "405", "bob": "405"}
CLINICIANS = {"anonymous": "login", "alice": "403", "bob": "403", "dana": "200", "sam": "200"}
CLINICIAN_POST = {**CLINICIANS, "dana": "405", "sam": "405"}
STAFF = {"anonymous": "login", "alice": "403", "bob": "403", "dana": "403", "sam": "200"}
STAFF_POST = {**STAFF, "sam": "405"}


def alices_intake(w) -> dict:
    return {"pk": make_intake(client=w.alice, status="new", therapist=w.dana.therapist).pk}


# A goal of alice's: alice, her therapist dana and staff; bob gets a 404 (test_progress.py).
OWN_GOAL = {"anonymous": "login", "alice": "200", "bob": "404", "dana": "200", "sam": "200"}
SIGNED_IN_POST = {"anonymous": "login", "alice": "405", "bob": "405", "dana": "405", "sam": "405"}
# No questionnaire is waiting (or was answered), so a client is sent back to the portal.
NOTHING_WAITING = {**OWN_INTAKE, "alice": "302", "bob": "302"}


def alices_goal(w) -> dict:
    submission = make_intake(client=w.alice, status="new", therapist=w.dana.therapist)
    services.write_goals(submission, "Sleep before midnight")
    return {"pk": Goal.objects.get(submission=submission).pk}


def alices_step(w) -> dict:
    goal = Goal.objects.get(pk=alices_goal(w)["pk"])
    return {"pk": GoalStep.objects.create(goal=goal, text="Walk", added_by=w.alice).pk}


URL_ACCESS = {
    "intake:start": OWN_INTAKE,
    "intake:section": {**NOT_STARTED, "kwargs": lambda w: {"step": 1}},
    "intake:save-draft": {**CLIENT_POST, "kwargs": lambda w: {"step": 1}},
    "intake:check": NOT_STARTED,
    "intake:submitted": NOT_STARTED,
    "intake:queue": CLINICIANS,
    "intake:submission-detail": {**CLINICIANS, "kwargs": alices_intake},
    "intake:submission-status": {**STAFF_POST, "kwargs": alices_intake},
    "intake:submission-assign": {**STAFF_POST, "kwargs": alices_intake},
    "intake:submission-note": {**CLINICIAN_POST, "kwargs": alices_intake},
    "intake:submission-acknowledge": {**STAFF_POST, "kwargs": alices_intake},
    "intake:step-add": {**OWN_GOAL, "kwargs": alices_goal},
    "intake:step-done": {**SIGNED_IN_POST, "kwargs": alices_step},
    "intake:measure-schedule": {**CLINICIANS, "kwargs": alices_intake},
    "intake:measure-answer": NOTHING_WAITING,
    "intake:measure-answered": NOTHING_WAITING,
}
