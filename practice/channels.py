"""How a message reaches a person: e-mail through Django's backends, texts through a backend
chosen in settings. Rendering happens here, at send time, so a message always shows the
current state of what it is about.

Sending is split in two so the outbox can tell outcomes apart: render() may say "skip" or
"this can never be sent" before anything leaves; transmit() hands the message to the
provider and says "not now, try again" only when the provider certainly did not take it.
"""

import smtplib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string

from practice.models import OutboundMessage, PracticeSettings


class TransientDeliveryError(Exception):
    """The provider certainly did not take the message now; trying again later may work."""


class DeliveryFailed(Exception):
    """The message can never be sent as it is (a refused address, a text too long)."""


class MessageUndefined(DeliveryFailed):
    """The code cannot make this kind of message: nothing fills it in, or a template is missing.

    A fault in the software, never the recipient's: sending it would send an empty message.
    """


class RecipientOptedOut(DeliveryFailed):
    """The provider will not text this number: its owner unsubscribed (replied STOP to it)."""


class DeliverySkipped(Exception):
    """The message should not go out any more (its reason is the exception's text)."""


class DeliveryDeferred(Exception):
    """The message should go out later, at `until` (at night for the client, say)."""

    def __init__(self, reason: str, *, until: datetime) -> None:
        super().__init__(reason)
        self.until = until


def wait_for_sending_hours(zone: ZoneInfo) -> None:
    """Defer a message that falls due in the recipient's night until their morning."""
    night = PracticeSettings.load().quiet_hours_around(timezone.now(), zone)
    if night is not None:
        raise DeliveryDeferred("waiting for the client's sending hours", until=night[1])


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None
    attachments: tuple[tuple[str, bytes, str], ...] = ()


ContextBuilder = Callable[[OutboundMessage], dict]
_context_builders: dict[str, ContextBuilder] = {}

SMS_SEGMENT = 160
# GSM 03.38: the basic set costs one of the 160 characters, the extension set two. Anything
# else turns the whole text into UCS-2 with 70 characters a segment, so it is replaced.
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€"
SMS_REPLACEMENTS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
# Latin letters that have no decomposition to a plain one.
SMS_LETTERS = str.maketrans(
    {
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ħ": "H",
        "ħ": "h",
        "ı": "i",
        "Œ": "OE",
        "œ": "oe",
        "Þ": "Th",
        "þ": "th",
        "ð": "d",
        "ŀ": "l",
        "Ŀ": "L",
        "ĸ": "k",
        "ŉ": "n",
        "Ŋ": "N",
        "ŋ": "n",
    }
)
UCS2_SEGMENT = 70
# Shorter wordings a text may have beside <name>.sms.txt, tried in this order.
SMS_SHORTER_WORDINGS = ("short", "shorter", "shortest")


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
    build = _context_builders.get(message.template)
    if build is None:
        # Its templates would render with blanks where the link or the time should be.
        raise MessageUndefined(
            f"nothing fills in {message.template} messages (a fault in the software)"
        )
    context = {
        "recipient": message.recipient,
        "practice": PracticeSettings.load(),
        "site_url": settings.SITE_URL,
        **message.context,
        **build(message),
    }
    attachments = tuple(context.pop("attachments", ()))
    try:
        return _render_templates(message, context, attachments)
    except TemplateDoesNotExist as missing:
        raise MessageUndefined(
            f"the template {missing} is missing (a fault in the software)"
        ) from missing


def _render_templates(
    message: OutboundMessage, context: dict, attachments: tuple[tuple[str, bytes, str], ...]
) -> Rendered:
    base = f"emails/{message.template}"
    if message.channel == OutboundMessage.Channel.SMS:
        # An answer to the person's own text says itself what to reply.
        is_reply = message.template.startswith("text_reply_")
        stop = "" if is_reply else render_to_string("emails/_sms_stop.txt", context)
        return Rendered(
            subject="", text=sms_text(_sms_wordings(base, context), stop=stop), html=None
        )
    return Rendered(
        subject=" ".join(render_to_string(f"{base}.subject.txt", context).split()),
        text=render_to_string(f"{base}.txt", context),
        html=render_to_string(f"{base}.html", context),
        attachments=attachments,
    )


def _sms_wordings(base: str, context: dict) -> list[str]:
    """The text's wordings, longest first: <name>.sms.txt, then any shorter ones that exist."""
    wordings: list[str] = [render_to_string(f"{base}.sms.txt", context)]
    for shorter in SMS_SHORTER_WORDINGS:
        try:
            wordings.append(render_to_string(f"{base}.{shorter}.sms.txt", context))
        except TemplateDoesNotExist:
            continue
    return wordings


def sms_text(wordings: Sequence[str], *, stop: str) -> str:
    """The first wording that fits one text with how to stop texts; never nothing.

    GSM-7 fits 160 characters; a letter with no GSM-7 form (a name in another script) makes
    the whole text UCS-2, which fits 70. If no wording fits either way, the shortest is sent
    in GSM-7 with what has no GSM-7 form left out. Emoji and symbols are always left out.
    """
    texts = [_join(wording, stop) for wording in wordings]
    for text in texts:
        gsm = _gsm_text(text, keep_letters=True)
        if gsm is not None and sms_length(gsm) <= SMS_SEGMENT:
            return gsm
        if gsm is None and len(text.encode("utf-16-le")) // 2 <= UCS2_SEGMENT:
            return text
    last = _gsm_text(texts[-1], keep_letters=False)
    assert last is not None  # without keep_letters every character has a form or is dropped
    if sms_length(last) > SMS_SEGMENT:
        raise DeliveryFailed(f"even the shortest text is {sms_length(last)} characters")
    return last


def sms_length(text: str) -> int:
    return sum(2 if character in GSM_EXTENSION else 1 for character in text)


def _join(body: str, stop: str) -> str:
    parts = (" ".join(body.split()), " ".join(stop.split()))
    text = unicodedata.normalize("NFC", " ".join(part for part in parts if part))
    # Emoji, symbols, their variation selectors and invisible joiners say nothing a text needs.
    kept = "".join(c for c in text.translate(SMS_REPLACEMENTS) if _worth_sending(c))
    return " ".join(kept.split())


def _worth_sending(character: str) -> bool:
    if character in GSM_BASIC or character in GSM_EXTENSION:
        return True
    if "\ufe00" <= character <= "\ufe0f":
        return False
    return unicodedata.category(character)[0] in "LMNPZ"


def _gsm_text(text: str, *, keep_letters: bool) -> str | None:
    """The text in GSM-7: letters reduced (Łukasz -> Lukasz). None if keep_letters and a
    letter has no GSM-7 form; otherwise such a letter is left out."""
    out = []
    for character in text:
        if character in GSM_BASIC or character in GSM_EXTENSION:
            out.append(character)
            continue
        plain = unicodedata.normalize("NFKD", character.translate(SMS_LETTERS))
        plain = "".join(c for c in plain if not unicodedata.combining(c))
        if plain and all(c in GSM_BASIC for c in plain):
            out.append(plain)
        elif keep_letters and unicodedata.category(character)[0] in "LN":
            return None
    return " ".join("".join(out).split())


def transmit(message: OutboundMessage, rendered: Rendered) -> str:
    """Hand a rendered message to its provider; return the provider's id for it."""
    if message.channel == OutboundMessage.Channel.SMS:
        try:
            backend = import_string(settings.SMS_BACKEND)()
        except ImproperlyConfigured as error:
            # Nothing was handed over: staff see why beside the message (check --deploy too).
            raise DeliveryFailed(f"texts are not set up: {error}") from error
        return backend.send(to=message.to, body=rendered.text)
    return send_email(message, rendered)


def send_email(message: OutboundMessage, rendered: Rendered) -> str:
    message_id = make_msgid(domain=settings.MESSAGE_ID_DOMAIN)
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        to=[message.to],
        headers={"X-Practice-Message": message.key, "Message-ID": message_id},
    )
    if rendered.html:
        email.attach_alternative(rendered.html, "text/html")
    for attachment in rendered.attachments:
        email.attach(*attachment)
    connection = mail.mailers.default
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as error:
        # Nothing was handed over yet: safe to try again.
        raise TransientDeliveryError(f"could not reach the mail server ({_name(error)})") from error
    try:
        connection.send_messages([email])
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        _raise_for_reply(min(codes, default=550), error)
    except (smtplib.SMTPResponseException, smtplib.SMTPSenderRefused) as error:
        _raise_for_reply(error.smtp_code, error)
    # Any other error (the connection dropped after the data went out, a timeout) leaves us
    # not knowing whether the server took the message: it propagates and the row stays
    # "sending", which staff see as unknown. A person decides; nothing resends it by itself.
    finally:
        connection.close()
    return message_id


def _raise_for_reply(code: int, error: Exception) -> None:
    # A 4xx reply is the server saying "not now": it did not take the message.
    if 400 <= code < 500:
        raise TransientDeliveryError(f"the mail server said try later ({code})") from error
    raise DeliveryFailed(f"the mail server refused the message ({code})") from error


def _name(error: Exception) -> str:
    return type(error).__name__
