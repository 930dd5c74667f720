"""Who may open each intake URL (see tests/practice/url_access.py for the notation).

A client's own intake has no id in its URLs; before they start, its pages send them to the
start (302). Staff pages take an intake of alice's assigned to dana.
"""

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
}
