from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
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
