"""Canary sweep (part of issue 14): unique strings in a client's PHI fields never reach the logs.

A client whose names, e-mail, phone, intake answers and cancellation reason are canaries logs
in, fills in the intake, cancels a session, meets a 404 and a 500; every log record at DEBUG,
every task's arguments and every e-mail subject are then searched. A second sweep books,
cancels and sends every reminder, then searches every text's body (the README of
templates/emails allows no client detail in a text), the therapist's calendar feed, and every
URL the flows produced: redirects, the links and form targets of every page, and the links in
e-mails and texts (each followed, as the client would).
"""

import html
import logging
import re
from datetime import datetime, timedelta
from urllib.parse import quote, unquote_plus, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.signals import task_prerun
from django.test import Client
from django.utils import timezone

from intake.models import Questionnaire, QuestionnaireVersion
from intake.questionnaires import ensure_intake_questionnaire
from practice import outbox
from practice.models import OutboundMessage
from scheduling import reminders
from scheduling.models import CalendarFeed
from tests.factories import (
    INTAKE_ANSWERS,
    PASSWORD,
    make_appointment,
    make_client,
    make_contact_preference,
)
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

CANARY_ANSWERS = {**INTAKE_ANSWERS, **{k: v for k, v in CANARIES.items() if k in INTAKE_ANSWERS}}


def canary_client():
    fields = ("email", "first_name", "last_name", "preferred_name", "mobile_phone")
    return make_client(**{field: CANARIES[field] for field in fields})


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
    person = canary_client()
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
    fill_pages(browser, version, CANARY_ANSWERS)

    session = make_appointment(
        therapist=dana.therapist, client=person, starts_at=timezone.now() + timedelta(days=5)
    )
    response = browser.post(
        f"/scheduling/sessions/{session.pk}/cancel/", {"reason": CANARIES["cancel_reason"]}
    )
    assert response.status_code == 302
    assert browser.get("/scheduling/sessions/999999/cancel/").status_code == 404


# Texts, calendar feeds and URLs ---------------------------------------------------------------

DENVER = ZoneInfo("America/Denver")
BOOKED_AT = datetime(2030, 1, 2, 12, 0, tzinfo=DENVER)
SESSION_AT = datetime(2030, 1, 10, 10, 0, tzinfo=DENVER)
LINK = re.compile(r"""https?://[^\s"'<>]+|(?:href|action|src)="([^"]*)\"""")


class RecordingClient(Client):
    """Django's test client that keeps every URL a response named: its redirect, and the links
    and form targets of every page it rendered."""

    def __init__(self, **defaults) -> None:
        super().__init__(raise_request_exception=False, **defaults)
        self.urls: list[str] = []

    def request(self, **request):
        response = super().request(**request)
        if "Location" in response:
            self.urls.append(response["Location"])
        if response.get("Content-Type", "").startswith("text/html"):
            self.urls += urls_in(response.content.decode())
        return response


def urls_in(text: str) -> list[str]:
    return [match.group(1) or match.group(0) for match in LINK.finditer(html.unescape(text))]


def sent_texts(settings) -> list[str]:
    folder = settings.SMS_FILE_PATH
    # The FileBackend writes "To: <number>", a blank line, then the body the provider gets.
    return [path.read_text().split("\n\n", 1)[1] for path in sorted(folder.glob("*.txt"))]


def send_due(now: datetime) -> None:
    """Run what beat and a worker would at `now`: every due message is sent."""
    with time_machine.travel(now, tick=False):
        for message in OutboundMessage.objects.due():
            outbox.send_message(message.pk)


def test_no_canary_reaches_a_text_a_calendar_feed_or_a_url(
    settings, dana, mailoutbox, django_capture_on_commit_callbacks
):
    browser = RecordingClient()
    with time_machine.travel(BOOKED_AT, tick=False):
        person = canary_client()
        make_contact_preference(client=person, email=True, sms=True)
        browser.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
        ensure_intake_questionnaire()
        version = QuestionnaireVersion.objects.current_intake()
        browser.post("/intake/")
        fill_pages(browser, version, CANARY_ANSWERS)
        browser.post("/intake/check/")
        with django_capture_on_commit_callbacks(execute=True):
            kept = book_for(person, dana, SESSION_AT)
            cancelled = book_for(person, dana, SESSION_AT + timedelta(days=1))
            browser.post(
                f"/scheduling/sessions/{cancelled.pk}/cancel/",
                {"reason": CANARIES["cancel_reason"]},
            )
        browser.get("/portal/")
        browser.get(f"/scheduling/sessions/{kept.pk}/booked/")
        browser.get(f"/scheduling/sessions/{kept.pk}/reschedule/")
        token = CalendarFeed.issue(dana.therapist)
        feed = browser.get(f"/scheduling/feed/{token}.ics")
    for moment in (BOOKED_AT + timedelta(hours=2), SESSION_AT - timedelta(hours=48)):
        send_due(moment)
    send_due(SESSION_AT - timedelta(hours=24))

    texts = sent_texts(settings)
    mailed = [message.body for message in mailoutbox]
    mailed += [str(part[0]) for message in mailoutbox for part in message.alternatives]
    attachments = [str(a[1]) for message in mailoutbox for a in message.attachments]
    links = [url for text in [*mailed, *texts] for url in urls_in(text)]
    with time_machine.travel(BOOKED_AT + timedelta(minutes=30), tick=False):
        for link in links:  # follow each link the client was sent, as they would
            browser.get(urlsplit(link).path or "/")
    urls = browser.urls + links

    assert feed.status_code == 200 and b"BEGIN:VEVENT" in feed.content
    assert any(f"{SESSION_AT:%Y%m%d}" in text for text in attachments)  # calendar files sent
    assert texts and "/m/" in " ".join(urls) and "/portal/" in " ".join(urls)
    for field, canary in CANARIES.items():
        for text in texts:
            assert canary not in text, f"{field} reached a text: {text}"
        assert canary not in feed.content.decode(), f"{field} reached the calendar feed"
        for url in urls:
            assert canary not in unquote_plus(url), f"{field} reached a URL: {url}"
            assert quote(canary) not in url, f"{field} reached a URL: {url}"


def book_for(person, dana, starts_at: datetime):
    appointment = make_appointment(therapist=dana.therapist, client=person, starts_at=starts_at)
    reminders.schedule_appointment_messages(appointment)
    return appointment
