"""The second factor: who must have one, and how its secrets are kept."""

from allauth.mfa.adapter import DefaultMFAAdapter, get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.views import RemoveWebAuthnView
from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

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


class RemovePasskeyView(RemoveWebAuthnView):
    """allauth's passkey removal, which (unlike TOTP's) does not ask the adapter first."""

    def form_valid(self, form) -> HttpResponse:
        if not get_adapter().can_delete_authenticator(self.get_object()):
            messages.error(
                self.request,
                "This is your last second factor, and your account needs one. "
                "Add another before removing it.",
            )
            return redirect("mfa_list_webauthn")
        return super().form_valid(form)


remove_passkey = RemovePasskeyView.as_view()
