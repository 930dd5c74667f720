"""Deployment checks (`manage.py check --deploy`): settings that would quietly mislead clients.

Each is an error, so a release with one stops: texts or e-mails written to files show staff
"Sent" for messages nobody received, and a loopback site address sends every link to nowhere.
"""

import ipaddress
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

DEFAULT_SITE_URL = "http://127.0.0.1:8000"
NOT_SENDING_EMAIL = ("filebased", "console", "locmem", "dummy")


@checks.register(checks.Tags.security, deploy=True)
def check_messages_really_go_out(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    sms_backend = settings.SMS_BACKEND
    if sms_backend.rsplit(".", 1)[-1] in ("FileBackend", "ConsoleBackend"):
        errors.append(
            checks.Error(
                f"DJANGO_SMS_BACKEND is {sms_backend}: texts would be written, never sent.",
                hint="Use practice.sms.TwilioBackend (the production default).",
                id="practice.E001",
            )
        )
    else:
        try:
            import_string(sms_backend)()
        except ImproperlyConfigured as error:
            errors.append(checks.Error(str(error), id="practice.E002"))
    email_backend = settings.MAILERS["default"]["BACKEND"]
    if any(f".{name}." in email_backend for name in NOT_SENDING_EMAIL):
        errors.append(
            checks.Error(
                f"DJANGO_EMAIL_BACKEND is {email_backend}: e-mails would never leave the server.",
                hint="Use django.core.mail.backends.smtp.EmailBackend (the production default).",
                id="practice.E003",
            )
        )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def check_links_and_message_ids_are_the_practices(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    site_host = urlsplit(settings.SITE_URL).hostname or ""
    if settings.SITE_URL == DEFAULT_SITE_URL or _is_local(site_host):
        errors.append(
            checks.Error(
                f"DJANGO_SITE_URL is {settings.SITE_URL}: every link in e-mails and texts would "
                "point at this server itself.",
                hint="Set it to the practice's public address, e.g. https://book.example.org.",
                id="practice.E004",
            )
        )
    domain = settings.MESSAGE_ID_DOMAIN.lower()
    sender = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >").lower()
    if _is_local(domain) or not any(_same_site(domain, ours) for ours in (sender, site_host)):
        errors.append(
            checks.Error(
                f"The Message-ID domain {domain!r} is not the practice's "
                f"({sender} or {site_host}).",
                hint="Set DJANGO_MESSAGE_ID_DOMAIN to the practice's domain, or leave it unset.",
                id="practice.E005",
            )
        )
    return errors


def _is_local(host: str) -> bool:
    if host in ("", "localhost") or host.endswith((".localhost", ".local", ".localdomain")):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return "." not in host  # a bare machine name
    return address.is_loopback or address.is_unspecified or address.is_private


def _same_site(domain: str, ours: str) -> bool:
    """The same domain, or one inside the other (mail.example.org and example.org)."""
    ours = ours.lower()
    return bool(ours) and (
        domain == ours or domain.endswith(f".{ours}") or ours.endswith(f".{domain}")
    )
