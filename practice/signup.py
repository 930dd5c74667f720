"""Signing up inside another page (the held time): allauth's own sign-up and e-mail code, so
the account, its rate limits and its checks are exactly those of /accounts/signup/.

allauth answers each step with a redirect to its own pages; a page that keeps the visitor
where they are calls these instead and shows the next step itself.
"""

from contextlib import suppress
from enum import Enum

from allauth.account import app_settings
from allauth.account.forms import ConfirmEmailVerificationCodeForm, SignupForm
from allauth.account.internal import flows
from allauth.account.internal.flows.email_verification_by_code import (
    EMAIL_VERIFICATION_CODE_SESSION_KEY,
    EmailVerificationProcess,
)
from allauth.account.internal.stagekit import clear_login
from allauth.account.stages import EmailVerificationStage, LoginStageController
from allauth.core import ratelimit
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.utils import get_form_class
from django import forms
from django.http import HttpRequest, QueryDict


class CodeResult(Enum):
    VERIFIED = "verified"
    WRONG = "wrong"
    # Too many wrong codes, or nothing is waiting for a code: start again from the login page.
    ENDED = "ended"


def sign_up_form(data: QueryDict | None = None, *, time_zone: str) -> forms.Form:
    """allauth's sign-up form (with ours mixed in) from one password typed once."""
    form_class = get_form_class(app_settings.FORMS, "signup", SignupForm)
    if data is not None:
        data = data.copy()
        data["password2"] = data.get("password1", "")
        data.setdefault("time_zone", time_zone)
    form = form_class(data, initial={"time_zone": time_zone})
    for name, label, autocomplete in (
        ("first_name", "First name", "given-name"),
        ("last_name", "Last name", "family-name"),
        ("email", "E-mail address", "email"),
        ("password1", "Choose a password", "new-password"),
    ):
        form.fields[name].label = label
        form.fields[name].widget.attrs.update(autocomplete=autocomplete, placeholder="")
    return form


def start_sign_up(request: HttpRequest, form: forms.Form, *, redirect_url: str) -> bool:
    """Create the account (or, for a known address, e-mail its owner) and send the code.

    False when the visitor has signed up too often lately (allauth's "signup" rate limit).
    """
    if not ratelimit.consume(request, action="signup"):
        return False
    user, _response = form.try_save(request)  # type: ignore[attr-defined]
    if user is not None:
        # The login stages stop at the code, with a redirect this page does not follow: it
        # asks for the code itself.
        with suppress(ImmediateHttpResponse):
            flows.signup.complete_signup(request, user=user, redirect_url=redirect_url)
    return True


def code_awaited_for(request: HttpRequest) -> str | None:
    """The address a code was sent to in this browser session, while one is awaited."""
    if request.user.is_authenticated:
        return None
    process = EmailVerificationProcess.resume(request)
    return process.email if process else None


def give_up_code(request: HttpRequest) -> None:
    """Leave a sign-up that waits for its code, so the login page logs in instead of asking
    for it again (an address that already has an account never gets one)."""
    clear_login(request)
    request.session.pop(EMAIL_VERIFICATION_CODE_SESSION_KEY, None)


def code_form() -> forms.Form:
    return ConfirmEmailVerificationCodeForm()


def verify_code(request: HttpRequest, data: QueryDict) -> tuple[CodeResult, forms.Form]:
    """Check the code typed; when right, the new client is verified and logged in."""
    process = EmailVerificationProcess.resume(request)
    stage = LoginStageController.enter(request, EmailVerificationStage.key)
    if process is None or stage is None:
        return CodeResult.ENDED, ConfirmEmailVerificationCodeForm()
    form = ConfirmEmailVerificationCodeForm(
        data, code=process.code, user=process.user, email=process.email
    )
    if not form.is_valid() or "user_id" not in process.state:
        if form.is_valid():
            # An address that already has an account: its owner got an e-mail, not a code.
            form.add_error("code", "That code is not right. Please check the e-mail we sent.")
        return (CodeResult.WRONG if process.record_invalid_attempt() else CodeResult.ENDED), form
    if process.finish() is None:
        stage.abort()
        return CodeResult.ENDED, form
    stage.exit()
    return CodeResult.VERIFIED, form
