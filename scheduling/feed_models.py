"""The therapist's private calendar feed: a secret address any calendar app can subscribe to."""

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Self

from django.db import models, transaction

from practice.scoping import scoped

if TYPE_CHECKING:
    from practice.models import Therapist, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def for_user(self, user: "User") -> Self:
        """What this person may see: a therapist their own feed's settings, staff all."""
        return scoped(self, user, therapist="therapist__user")

    def for_token(self, token: str) -> "CalendarFeed | None":
        """The live feed this token opens, or None (unknown, turned off or replaced).

        The token, not a user, is the credential: calendar apps fetch the feed logged out.
        """
        digest = _digest(token)
        feed = self.select_related("therapist").filter(token_hash=digest).first()
        # Only the digest is stored, so a leaked database opens no feed; comparing digests in
        # constant time keeps the check free of timing differences too.
        if feed is None or not hmac.compare_digest(feed.token_hash, digest):
            return None
        return feed


class CalendarFeed(models.Model):
    """One live feed address per therapist. Replacing it or turning it off kills the old one."""

    therapist = models.OneToOneField(
        "practice.Therapist", on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        app_label = "scheduling"

    def __str__(self) -> str:
        return f"Calendar feed of {self.therapist}"

    @classmethod
    def issue(cls, therapist: "Therapist") -> str:
        """Give the therapist a new feed address and return its token (shown once, never stored)."""
        token = secrets.token_urlsafe(32)  # 256 bits
        with transaction.atomic():
            # Lock the therapist so a double click leaves one feed, not a unique-key error.
            type(therapist).objects.select_for_update().filter(pk=therapist.pk).first()
            cls.objects.filter(therapist=therapist).delete()
            cls.objects.create(therapist=therapist, token_hash=_digest(token))
        return token

    @classmethod
    def revoke(cls, therapist: "Therapist") -> bool:
        """Turn the therapist's feed off; True if there was one."""
        deleted, _ = cls.objects.filter(therapist=therapist).delete()
        return bool(deleted)
