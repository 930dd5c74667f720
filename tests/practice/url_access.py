"""Who may open each practice and account URL: 200, 'login' (redirect to log in), 302, 403, 404.

alice and bob are clients, dana a therapist, sam staff.
"""

from tests.factories import make_message

PUBLIC = {"anonymous": "200", "alice": "200", "bob": "200", "dana": "200", "sam": "200"}
CLIENTS = {"anonymous": "login", "alice": "200", "bob": "200", "dana": "403", "sam": "403"}
STAFF = {"anonymous": "login", "alice": "403", "bob": "403", "dana": "403", "sam": "200"}
SIGNED_IN = {"anonymous": "login", "alice": "200", "bob": "200", "dana": "200", "sam": "200"}
# Log-in and sign-up pages send people who are already logged in to their home.
ENTRANCE = {"anonymous": "200", "alice": "302", "bob": "302", "dana": "302", "sam": "302"}
EVERYONE_REDIRECTED = {persona: "302" for persona in PUBLIC}
# Steps of a flow that has not started (a code to confirm, a password already set) send people on.
FLOW_STEP = {**EVERYONE_REDIRECTED, "anonymous": "login"}
# Two-factor pages for a method nobody has set up yet.
MFA_NOT_SET_UP = {"anonymous": "login", "alice": "404", "bob": "404", "dana": "404", "sam": "404"}

URL_ACCESS = {
    "practice:home": PUBLIC,
    "practice:therapist-list": PUBLIC,
    "practice:therapist-detail": {**PUBLIC, "kwargs": lambda w: {"slug": w.dana.therapist.slug}},
    "practice:what-to-expect": PUBLIC,
    "practice:privacy": PUBLIC,
    "practice:contact": PUBLIC,
    "practice:home-for-role": {**EVERYONE_REDIRECTED, "anonymous": "login"},
    "practice:portal": CLIENTS,
    "practice:security": SIGNED_IN,
    "practice:session-keepalive": {**{p: "204" for p in SIGNED_IN}, "anonymous": "login"},
    "practice:profile": CLIENTS,
    "practice:who-looked": CLIENTS,
    "practice:your-data": CLIENTS,
    # The download asks for the password again first (tests/practice/test_your_data.py).
    "practice:your-data-download": {
        **CLIENTS,
        "alice": "302",
        "bob": "302",
        "kwargs": lambda w: {"kind": "json"},
    },
    "practice:close-account": CLIENTS,
    "practice:audit-log": STAFF,
    "practice:closures": STAFF,
    "practice:staff-dashboard": STAFF,
    "practice:invite": STAFF,
    "practice:message-list": STAFF,
    "practice:message-resend": {
        **STAFF,
        "sam": "405",
        "kwargs": lambda w: {"pk": make_message(to=w.alice.email, recipient=w.alice).pk},
    },
    # Twilio's webhooks take only signed POSTs (tests/practice/test_text_replies.py).
    "practice:text-incoming": {persona: "405" for persona in PUBLIC},
    "practice:text-status": {persona: "405" for persona in PUBLIC},
    "account_login": ENTRANCE,
    "account_signup": ENTRANCE,
    "account_logout": {**SIGNED_IN, "anonymous": "302"},
    "account_inactive": PUBLIC,
    "account_reauthenticate": SIGNED_IN,
    "account_request_reauthentication_code": SIGNED_IN,
    "account_confirm_reauthentication_code": FLOW_STEP,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": FLOW_STEP,
    "account_change_password": SIGNED_IN,
    "account_set_password": FLOW_STEP,
    "account_reset_password": PUBLIC,
    "account_confirm_login_code": FLOW_STEP,
    "account_reset_password_from_key_done": PUBLIC,
    "account_reset_password_from_key": {**PUBLIC, "kwargs": lambda w: {"uidb36": "x", "key": "y"}},
    "account_reset_password_done": PUBLIC,
    "mfa_index": SIGNED_IN,
    "mfa_list_webauthn": SIGNED_IN,
    "mfa_add_webauthn": FLOW_STEP,
    "mfa_reauthenticate_webauthn": FLOW_STEP,
    "mfa_remove_webauthn": {**FLOW_STEP, "kwargs": lambda w: {"pk": 1}},
    "mfa_edit_webauthn": {**FLOW_STEP, "kwargs": lambda w: {"pk": 1}},
    "usersessions_list": SIGNED_IN,
    "mfa_authenticate": FLOW_STEP,
    "mfa_reauthenticate": FLOW_STEP,
    "mfa_activate_totp": FLOW_STEP,
    "mfa_deactivate_totp": MFA_NOT_SET_UP,
    "mfa_view_recovery_codes": MFA_NOT_SET_UP,
    "mfa_generate_recovery_codes": FLOW_STEP,
    "mfa_download_recovery_codes": MFA_NOT_SET_UP,
}
