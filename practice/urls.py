from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import TemplateView

from practice import mfa, privacy_views, views
from practice.admin_search import search_by_post_everywhere

# allauth's documented way to send admin logins through its own (rate-limited, MFA) login.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Practice administration"
# Every app's admins are registered by now: their searches post, so no URL carries the term.
search_by_post_everywhere(admin.site)


page = TemplateView.as_view

practice_patterns = [
    path("", views.home, name="home"),
    path("therapists/", views.therapist_list, name="therapist-list"),
    path("therapists/<slug:slug>/", views.therapist_detail, name="therapist-detail"),
    path(
        "first-session/", page(template_name="practice/what_to_expect.html"), name="what-to-expect"
    ),
    path("privacy/", views.privacy, name="privacy"),
    path("contact/", page(template_name="practice/contact.html"), name="contact"),
    # Uploaded media in every environment (WhiteNoise serves only collected static files):
    # only the photos of listed therapists, never any other upload.
    path("media/therapists/<str:name>", views.therapist_photo, name="therapist-photo"),
    path("home/", views.home_for_role, name="home-for-role"),
    path("security/", views.security, name="security"),
    path("session/keep-alive/", views.session_keepalive, name="session-keepalive"),
    path("portal/", views.portal, name="portal"),
    path("portal/details/", views.profile, name="profile"),
    path("portal/who-opened-my-records/", privacy_views.who_looked, name="who-looked"),
    path("portal/your-data/", privacy_views.your_data, name="your-data"),
    path(
        "portal/your-data/download.<str:kind>",
        privacy_views.download,
        name="your-data-download",
    ),
    path("portal/close-account/", privacy_views.close_account, name="close-account"),
    path("staff/", views.staff_dashboard, name="staff-dashboard"),
    path("staff/audit/", privacy_views.audit_log, name="audit-log"),
    path("staff/closed-accounts/", privacy_views.closures, name="closures"),
    path("staff/invite/", views.invite, name="invite"),
    path("staff/messages/", views.message_list, name="message-list"),
    path("staff/messages/<int:pk>/resend/", views.message_resend, name="message-resend"),
    path("texts/twilio/incoming/", views.text_incoming, name="text-incoming"),
    path("texts/twilio/status/", views.text_status, name="text-status"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include((practice_patterns, "practice"))),
    path("scheduling/", include("scheduling.urls")),
    # A text's short link to a session (scheduling/links.py): every character counts there.
    path("m/", include("scheduling.text_urls")),
    path("intake/", include("intake.urls")),
    path("consent/", include("consent.urls")),
    # Before allauth's own, which they replace: staff may not remove their last passkey, and the
    # login page leaves a sign-up that waits for a code.
    path(
        "accounts/2fa/webauthn/keys/<int:pk>/remove/",
        mfa.remove_passkey,
        name="mfa_remove_webauthn",
    ),
    path("accounts/login/", views.login, name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "practice.errors.bad_request"
handler500 = "practice.errors.server_error"
