"""Logs and error reports carry no tokens, admin searches, form bodies or cookies."""

import logging
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import RequestFactory
from django.views.debug import ExceptionReporter
from gunicorn.config import Config

from practice.gunicorn_logging import RedactingLogger
from practice.log_filters import RedactSecretsFilter

pytestmark = pytest.mark.django_db

TOKEN = "Zk3p9QwErTy7UiOpAsDfGhJk"
SECRET_PATHS = [
    f"/scheduling/manage/{TOKEN}/",
    f"/scheduling/manage/{TOKEN}/cancel/",
    f"/scheduling/feed/{TOKEN}.ics",
    f"/scheduling/check-in/{TOKEN}/",
    f"/scheduling/waitlist/offers/{TOKEN}/book/",
    f"/accounts/password/reset/key/1-{TOKEN}/",
]


def filtered(record: logging.LogRecord) -> str:
    assert RedactSecretsFilter().filter(record) is True  # masked, never dropped
    return record.getMessage()


def request_record(logger: str, msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord(logger, logging.INFO, __file__, 1, msg, args, None)


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_runserver_access_lines_never_hold_a_token(path):
    record = request_record("django.server", '"%s" %s %s', f"GET {path} HTTP/1.1", 200, 512)
    message = filtered(record)
    assert TOKEN not in message
    assert "[token]" in message or "[key]" in message


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_request_warnings_never_hold_a_token(path):
    assert TOKEN not in filtered(request_record("django.request", "Not Found: %s", path))


def test_admin_searches_are_masked_but_the_rest_of_the_line_kept():
    line = "GET /admin/practice/user/?o=1&q=alice+moreno%40example.org HTTP/1.1"
    message = filtered(request_record("django.server", '"%s" %s %s', line, 200, 512))
    assert message == '"GET /admin/practice/user/?o=1&q=[search] HTTP/1.1" 200 512'


def test_ordinary_paths_are_logged_as_they_are():
    line = "GET /therapists/dana-whitfield/?week=2030-01-07 HTTP/1.1"
    assert filtered(request_record("django.server", "%s", line)) == line


def test_the_filter_is_on_every_handler_that_writes_requests(settings):
    handlers = settings.LOGGING["handlers"]
    assert all("redact_secrets" in handler["filters"] for handler in handlers.values())
    assert settings.LOGGING["loggers"]["django.server"]["handlers"] == ["django.server"]


def test_a_real_404_for_an_expired_manage_link_is_logged_without_its_token(client, caplog):
    caplog.set_level(logging.WARNING, logger="django.request")
    response = client.get(f"/scheduling/manage/{TOKEN}/")
    assert response.status_code == 404
    handler = logging.getLogger().handlers[0]
    lines = [handler.format(record) for record in caplog.records if handler.filter(record)]
    assert lines and all(TOKEN not in line for line in lines)


def test_gunicorns_access_log_never_holds_a_token_or_search():
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/scheduling/manage/{TOKEN}/",
        "PATH_INFO": f"/scheduling/manage/{TOKEN}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://book.example.org/admin/practice/user/?q=alice",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = logger.atoms(response, request, environ, timedelta(seconds=0.01))
    assert TOKEN not in str(atoms) and "q=alice" not in str(atoms)

    search = {**environ, "RAW_URI": "/admin/practice/user/?q=alice", "QUERY_STRING": "q=alice"}
    search["PATH_INFO"] = "/admin/practice/user/"
    atoms = logger.atoms(response, request, search, timedelta(seconds=0.01))
    assert atoms["q"] == "q=[search]" and "alice" not in atoms["r"]


# Error reports --------------------------------------------------------------------------------


def error_report(request) -> str:
    try:
        answers = "I have been feeling hopeless"  # noqa: F841 (a local the report must hide)
        raise ValueError("boom")
    except ValueError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    return reporter.get_traceback_text()


def test_error_reports_hold_no_form_body_cookie_or_local_variables():
    request = RequestFactory().post("/intake/section/3/", {"q9": "I have been feeling hopeless"})
    request.COOKIES = {"sessionid": "s3ss10n-v4lu3", "csrftoken": "csrf-v4lu3"}
    report = error_report(request)
    assert "hopeless" not in report
    assert "s3ss10n-v4lu3" not in report and "csrf-v4lu3" not in report
    assert "boom" in report  # still useful: what failed and where


# sensitive_post_parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/intake/section/1/", "/intake/check/", "/consent/documents/any/", "/consent/contact/"]
)
def test_client_forms_mark_every_posted_field_sensitive(client, alice, url):
    client.force_login(alice)
    response = client.post(url, {})
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"


def test_login_marks_the_password_sensitive(client):
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert "password" in response.wsgi_request.sensitive_post_parameters


def test_the_invitation_form_marks_every_field_sensitive(client, sam):
    client.force_login(sam)
    response = client.post("/staff/invite/", {"email": "new@example.org"})
    assert response.wsgi_request.sensitive_post_parameters == "__ALL__"
