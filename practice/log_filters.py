"""Keep secrets out of the logs: tokens in paths and staff searches in the admin.

A manage link's, a waitlist offer's or a calendar feed's token is as good as a password for
days (a check-in link's names a check-in, though it still asks for login), and an admin search
(`?q=`) is a client's name, e-mail or phone. Access logs and Django's request warnings
("Not Found: <path>") would otherwise keep them.
"""

import logging
import re
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter

_STOP = r"[^/?#&\s\"']"
REDACTIONS = [
    (re.compile(rf"(/manage/){_STOP}+"), r"\1[token]"),
    (re.compile(rf"(/check-in/){_STOP}+"), r"\1[token]"),
    (re.compile(rf"(/waitlist/offers/){_STOP}+"), r"\1[token]"),
    (re.compile(rf"(/feed/){_STOP}+?(\.ics)"), r"\1[token]\2"),
    (re.compile(rf"(/password/reset/key/){_STOP}+"), r"\1[key]"),
    (re.compile(r"(/admin/[^?#\s\"']*\?(?:[^#\s\"']*&)?(?:q|term)=)[^&#\s\"']*"), r"\1[search]"),
]
# A changelist search typed into the address bar (the admin's own form posts, admin_search.py),
# and what is typed into an autocomplete box (`/admin/autocomplete/?term=`).
ADMIN_SEARCH = re.compile(r"(^|&)(q|term)=[^&]*")


def redact(text: str) -> str:
    for pattern, replacement in REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


def redact_query(path: str, query: str) -> str:
    """A query string logged apart from its path (gunicorn's %(q)s)."""
    return ADMIN_SEARCH.sub(r"\1\2=[search]", query) if "/admin/" in path else query


def redact_value(value: object) -> object:
    return redact(value) if isinstance(value, str) else value


class RedactSecretsFilter(logging.Filter):
    """Masks tokens and admin searches in a record's message and arguments; drops nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: redact_value(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(redact_value(value) for value in record.args)
        return True


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports without what a person typed or their cookies.

    Django hides only the POST fields a view marks as sensitive; here every form is (intake
    answers, notes, names), so a report never carries a body, a cookie or a frame's locals.
    """

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, str]:
        if request is not None and self.is_active(request) and request.method == "POST":
            return {"(request body)": self.cleansed_substitute}
        return {}

    def get_safe_cookies(self, request: HttpRequest) -> dict[str, str]:
        cookies = getattr(request, "COOKIES", {})
        return (
            {name: self.cleansed_substitute for name in cookies}
            if self.is_active(request)
            else cookies
        )

    def get_traceback_frame_variables(self, request: HttpRequest | None, tb_frame: Any) -> Any:
        if self.is_active(request):
            return [("(local variables)", self.cleansed_substitute)]
        return super().get_traceback_frame_variables(request, tb_frame)
