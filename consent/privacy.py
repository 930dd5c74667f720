"""Consent's part of a client's download and of the retention purge (practice/privacy.py)."""

from django.db import connection, models

from consent.models import ContactPreference, Decline, Signature
from practice.models import User
from practice.privacy import Row


def signatures(client: User) -> list[Row]:
    """Each document the client signed, with the exact text they signed."""
    found = Signature.objects.filter(client=client).select_related("version__document")
    return [
        {
            "document": signature.version.title,
            "version": signature.version.number,
            "signed_at": signature.signed_at,
            "typed_name": signature.typed_name,
            "guardian_name": signature.guardian_name,
            "guardian_relationship": signature.guardian_relationship,
            "text_signed": signature.text_shown,
        }
        for signature in found.order_by("signed_at", "pk")
    ]


def declines(client: User) -> list[Row]:
    found = Decline.objects.filter(client=client).select_related("version")
    return [
        {
            "document": decline.version.title,
            "declined_at": decline.declined_at,
            "message": decline.message,
        }
        for decline in found.order_by("declined_at", "pk")
    ]


def contact_choices(client: User) -> list[Row]:
    found = ContactPreference.objects.filter(client=client).order_by("recorded_at", "pk")
    return [
        {
            "recorded_at": choice.recorded_at,
            "email_allowed": choice.email,
            "texts_allowed": choice.sms,
            "how": choice.get_source_display(),
        }
        for choice in found
    ]


def purge(client: User) -> int:
    """Signatures, declines and contact choices, which PostgreSQL otherwise never deletes.

    The triggers of migration 0002 refuse any change; since 0005 they let a DELETE through in
    a transaction that has set `practice.retention_purge`, which only this function does. The
    models' own guards are passed by deleting through plain querysets.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL practice.retention_purge = 'on'")
    removed = 0
    for model in (ContactPreference, Decline, Signature):
        count, _ = models.QuerySet(model).filter(client=client).delete()
        removed += count
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL practice.retention_purge = 'off'")
    return removed
