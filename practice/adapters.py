from allauth.account.adapter import DefaultAccountAdapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.html import strip_tags

from practice import services
from practice.models import PracticeSettings, User


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        # Sign-up is for clients only; therapists and staff are invited by staff.
        user.role = User.Role.CLIENT
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Through the outbox like every other e-mail: a mail server that is down delays the
        # code, never breaks the page, and a worker sends it once the server answers.
        rendered = self.render_mail(
            template_prefix, email, {"practice": PracticeSettings.load(), **context}
        )
        text, html = rendered.body, ""
        if rendered.content_subtype == "html":
            text, html = strip_tags(rendered.body), rendered.body
        for content, mimetype in getattr(rendered, "alternatives", []):
            if mimetype == "text/html":
                html = str(content)
        services.send_account_email(
            to=email,
            kind=template_prefix.rsplit("/", 1)[-1],
            subject=rendered.subject,
            text=text,
            html=html,
        )

    def logout(self, request: HttpRequest) -> None:
        # Logging out ends every session of the person, so a computer or phone left signed in
        # elsewhere does not stay open on client records.
        user = request.user
        super().logout(request)
        if user.is_authenticated:
            for session in UserSession.objects.filter(user=user):
                session.end()

    def send_account_already_exists_mail(self, email: str) -> None:
        # A new sign-up hashes a password, which is most of its time; hashing one here too makes
        # a known e-mail answer as slowly as a new one, so timing does not tell who is a client.
        make_password(get_random_string(32))
        # The sign-up page says the same to everyone; this e-mail tells the owner what happened
        # and how to get in (links to the site's own address, like every message we send).
        links = {"login_url": "account_login", "password_reset_url": "account_reset_password"}
        context = {name: f"{settings.SITE_URL}{reverse(url)}" for name, url in links.items()}
        self.send_mail("account/email/account_already_exists", email, context)
