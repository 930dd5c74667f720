"""What the text provider tells us: texts people send to the practice, and delivery receipts.

Each inbound text is kept once by its provider id, so a webhook the provider calls again
acts once. STOP (and the carriers' synonyms) withdraws texts, START restores them for a
client who had agreed to texts before, HELP answers with the practice's name and phone;
anything else waits for staff on the message page, with no automatic answer.

The Consent to Contact belongs to the consent app, above this one: it hands down the function
that records a text reply's choice (`sms.record_text_choice_with`, in ConsentConfig.ready()).
"""

import re

from django.db import IntegrityError, transaction

from practice import channels, outbox
from practice.models import InboundText, OutboundMessage, User
from practice.sms import e164, record_text_choice

Kind = InboundText.Kind
Status = OutboundMessage.Status
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP"})
REPLY_TEMPLATES: dict[str, str] = {Kind.STOP: "text_reply_stop", Kind.START: "text_reply_start"}
# Delivery receipt statuses that settle a text, and Twilio's words for its error codes.
RECEIPT_STATUSES = {
    "delivered": Status.DELIVERED,
    "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
}
CARRIER_ERRORS = {
    30003: "the phone was unreachable",
    30004: "the recipient blocked texts",
    30005: "the number does not exist",
    30006: "the number is a landline or cannot take texts",
    30007: "the carrier filtered it",
    30008: "the carrier gave no reason",
}


def kind_of(body: str) -> str:
    """STOP, START or HELP when the text is just that word (any case, any punctuation)."""
    word = re.sub(r"[^A-Za-z]", "", body).upper()
    if word in STOP_WORDS:
        return Kind.STOP
    if word in START_WORDS:
        return Kind.START
    if word in HELP_WORDS:
        return Kind.HELP
    return Kind.OTHER


def clients_texting_from(number: str) -> list[User]:
    """The clients whose mobile number is this one (a family may share a phone)."""
    wanted = e164(number)
    if wanted is None:
        return []
    clients = User.objects.filter(role=User.Role.CLIENT, is_active=True).exclude(mobile_phone="")
    return [client for client in clients.order_by("pk") if e164(client.mobile_phone) == wanted]


def receive_text(*, provider_id: str, from_number: str, body: str) -> InboundText | None:
    """Keep one text someone sent us and act on it once; None if it was already received."""
    kind = kind_of(body)
    senders = clients_texting_from(from_number)
    with transaction.atomic():
        try:
            with transaction.atomic():
                text = InboundText.objects.create(
                    provider_id=provider_id[:64],
                    from_number=from_number[:32],
                    sender=senders[0] if senders else None,
                    body=body,
                    kind=kind,
                )
        except IntegrityError:
            if InboundText.objects.filter(provider_id=provider_id[:64]).exists():
                return None  # the provider called again: we acted the first time
            raise
        text.outcome = _act_on(text, senders)
        text.save(update_fields=["outcome"])
    return text


def _act_on(text: InboundText, senders: list[User]) -> str:
    if text.kind == Kind.OTHER:
        return "kept for staff"
    if text.kind == Kind.HELP:
        _reply(text, "text_reply_help", senders)
        return "answered with the practice's name and phone"
    texts = text.kind == Kind.START
    changed = [client for client in senders if record_text_choice(client, texts=texts)]
    if not changed:
        if texts:
            return "not restored: no client with this number had agreed to texts"
        return "no client has this number"
    _reply(text, REPLY_TEMPLATES[text.kind], changed)
    return "texts restored" if texts else "texts withdrawn"


def _reply(text: InboundText, template: str, senders: list[User]) -> None:
    outbox.schedule_message(
        key=f"text-reply:{text.provider_id}",
        template=template,
        to=text.from_number,
        recipient=senders[0] if senders else None,
        channel=OutboundMessage.Channel.SMS,
        about=text,
    )


def record_delivery_receipt(*, provider_id: str, status: str, error_code: str = "") -> bool:
    """Move a sent text to delivered, not delivered or failed; False if nothing changed."""
    settled = RECEIPT_STATUSES.get(status)
    if settled is None or not provider_id:
        return False  # queued, sending, sent: the text is still on its way
    reason = ""
    if settled != Status.DELIVERED:
        code = int(error_code) if error_code.isdigit() else 0
        words = CARRIER_ERRORS.get(code, "the provider gave no reason" if not code else "")
        reason = f"{words} (error {code})" if words else f"error {code}"
    updated = OutboundMessage.objects.filter(
        provider_id=provider_id,
        channel=OutboundMessage.Channel.SMS,
        # A receipt also settles a text whose worker stopped before recording it as sent.
        status__in=[Status.SENT, Status.UNKNOWN],
    ).update(status=settled, status_reason=reason[:200])
    return bool(updated)


@channels.context_builder("text_reply_stop")
@channels.context_builder("text_reply_start")
@channels.context_builder("text_reply_help")
def text_reply_context(message: OutboundMessage) -> dict:
    # An answer to the person's own text, sent whatever their choices: nothing to add.
    return {}
