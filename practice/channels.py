"""How a message reaches a person: e-mail through Django's backends, texts through a backend
chosen in settings. Rendering happens here, at send time, so a message always shows the
current state of what it is about."""

import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from practice.models import OutboundMessage, PracticeSettings


class TransientDeliveryError(Exception):
    """The provider could not take the message now; trying again later may work."""


class DeliverySkipped(Exception):
    """The message should not go out any more (its reason is the exception's text)."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None
    attachments: tuple[tuple[str, bytes, str], ...] = ()


TRANSIENT_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    socket.timeout,
    ConnectionError,
    smtplib.SMTPDataError,
    smtplib.SMTPHeloError,
)


ContextBuilder = Callable[[OutboundMessage], dict]
_context_builders: dict[str, ContextBuilder] = {}


def context_builder(template: str) -> Callable[[ContextBuilder], ContextBuilder]:
    """Register the function that reads, at send time, what a template needs.

    It may raise DeliverySkipped (a cancelled appointment's reminder, say) and may return
    "attachments" as (filename, bytes, mimetype) tuples.
    """

    def register(build: ContextBuilder) -> ContextBuilder:
        _context_builders[template] = build
        return build

    return register


def render(message: OutboundMessage) -> Rendered:
    """Render a message from templates/emails/<template>.{subject.txt,txt,html,sms.txt}."""
    build = _context_builders.get(message.template, lambda _message: {})
    context = {
        "recipient": message.recipient,
        "practice": PracticeSettings.load(),
        "site_url": settings.SITE_URL,
        **message.context,
        **build(message),
    }
    attachments = tuple(context.pop("attachments", ()))
    base = f"emails/{message.template}"
    if message.channel == OutboundMessage.Channel.SMS:
        text = render_to_string(f"{base}.sms.txt", context).strip()
        return Rendered(subject="", text=text, html=None)
    return Rendered(
        subject=" ".join(render_to_string(f"{base}.subject.txt", context).split()),
        text=render_to_string(f"{base}.txt", context),
        html=render_to_string(f"{base}.html", context),
        attachments=attachments,
    )


def deliver(message: OutboundMessage) -> str:
    """Send a rendered message; return the provider's id for it."""
    rendered = render(message)
    if message.channel == OutboundMessage.Channel.SMS:
        return import_string(settings.SMS_BACKEND)().send(to=message.to, body=rendered.text)
    return send_email(message, rendered)


def send_email(message: OutboundMessage, rendered: Rendered) -> str:
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[message.to],
        headers={"X-Practice-Message": message.key},
    )
    message_id = email.message()["Message-ID"]
    email.extra_headers["Message-ID"] = message_id
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    for attachment in rendered.attachments:
        email.attach(*attachment)
    try:
        email.send()
    except TRANSIENT_ERRORS as error:
        raise TransientDeliveryError(type(error).__name__) from error
    return message_id
