"""The second factor: who must have one, and how its secrets are kept."""

from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings

from practice.models import User


def second_factor_required(user: User) -> bool:
    """Therapists and staff read client records, so their accounts need a second factor."""
    reads_client_records = user.is_therapist or user.is_practice_staff or user.is_staff
    return settings.REQUIRE_MFA and (reads_client_records or user.is_superuser)


def _fernet() -> MultiFernet:
    # The first key encrypts; every key decrypts, so a key can be rotated without a lockout.
    return MultiFernet([Fernet(key) for key in settings.MFA_ENCRYPTION_KEYS])


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Recovery codes alone are not a second factor one can keep signing in with.
        user = authenticator.user
        if not second_factor_required(user):
            return True
        others = Authenticator.objects.filter(user=user).exclude(pk=authenticator.pk)
        return others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists()
