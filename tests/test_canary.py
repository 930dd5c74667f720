"""Canary sweep (part of issue 14): unique strings in a client's PHI fields never reach the logs.

A client whose names, e-mail, phone, intake answers and cancellation reason are canaries logs
in, fills in the intake, cancels a session, meets a 404 and a 500; every log record at DEBUG,
every task's arguments and every e-mail subject are then searched. Texts, feeds and URLs
are not swept here yet.
"""

import logging
from datetime import timedelta

import pytest
from celery.signals import task_prerun
from django.test import Client
from django.utils import timezone

from intake.models import Questionnaire, QuestionnaireVersion
from intake.questionnaires import ensure_intake_questionnaire
from tests.factories import INTAKE_ANSWERS, PASSWORD, make_appointment, make_client
from tests.intake.helpers import fill_pages

pytestmark = pytest.mark.django_db

CANARIES = {
    "first_name": "Canaryfirstqx",
    "last_name": "Canarylastqx",
    "preferred_name": "Canaryprefqx",
    "email": "canary-mail-qx@example.org",
    "mobile_phone": "+19705550187",
    "legal_name": "Canarylegalqx Person",
    "reason_for_therapy": "canary-reason-qx: I cannot sleep",
    "goals": "canary-goals-qx",
    "emergency_contact_name": "Canaryemergencyqx",
    "cancel_reason": "canary-cancel-qx: feeling worse",
}


def test_no_canary_reaches_logs_task_arguments_or_an_email_subject(
    caplog, dana, mailoutbox, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    task_calls = []

    def record_task(sender, args, kwargs, **_):
        task_calls.append(f"{sender.name} {args!r} {kwargs!r}")

    task_prerun.connect(record_task, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run_the_flows(dana)
    finally:
        task_prerun.disconnect(record_task)

    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    assert "Internal Server Error: /intake/" in logged  # the sweep does see the logs
    assert task_calls and mailoutbox  # ... and the tasks and e-mails
    subjects = " ".join(message.subject for message in mailoutbox)
    for field, canary in CANARIES.items():
        assert canary not in logged, f"{field} reached the logs"
        assert canary not in " ".join(task_calls), f"{field} reached a task's arguments"
        assert canary not in subjects, f"{field} reached an e-mail subject"


def run_the_flows(dana) -> None:
    person = make_client(
        email=CANARIES["email"],
        first_name=CANARIES["first_name"],
        last_name=CANARIES["last_name"],
        preferred_name=CANARIES["preferred_name"],
        mobile_phone=CANARIES["mobile_phone"],
    )
    browser = Client(raise_request_exception=False)
    response = browser.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    assert response.status_code == 302

    # A forced 500 with a canary in the body: no intake questionnaire is published for a moment.
    hidden = Questionnaire.objects.filter(slug=Questionnaire.INTAKE)
    hidden_pks = list(hidden.values_list("pk", flat=True))
    hidden.update(slug="intake-hidden-by-the-canary-test")
    response = browser.post("/intake/", {"note": CANARIES["reason_for_therapy"]})
    assert response.status_code == 500
    Questionnaire.objects.filter(pk__in=hidden_pks).update(slug=Questionnaire.INTAKE)

    ensure_intake_questionnaire()
    version = QuestionnaireVersion.objects.current_intake()
    assert browser.post("/intake/").status_code == 302
    answers = {**INTAKE_ANSWERS, **{k: v for k, v in CANARIES.items() if k in INTAKE_ANSWERS}}
    fill_pages(browser, version, answers)

    session = make_appointment(
        therapist=dana.therapist, client=person, starts_at=timezone.now() + timedelta(days=5)
    )
    response = browser.post(
        f"/scheduling/sessions/{session.pk}/cancel/", {"reason": CANARIES["cancel_reason"]}
    )
    assert response.status_code == 302
    assert browser.get("/scheduling/sessions/999999/cancel/").status_code == 404
