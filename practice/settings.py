"""Settings for the practice site, read from the environment.

The defaults are safe for production except where DJANGO_DEBUG=true turns on the zero-setup
development values (SQLite, an embedded Celery broker, e-mail written to files). Every
variable is listed in .env.example and in the README.
"""

from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEMO_SECRET_KEY = "insecure-demo-key-for-make-run-only"  # noqa: S105  (refused in production)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEMO_SECRET_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", DEMO_SECRET_KEY):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a long random value when DJANGO_DEBUG is false."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("DJANGO_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# The practice's own apps, each after the ones it may read (README, Architecture): the demo
# seed runs each app's demo module in this order.
INSTALLED_APPS = [
    "practice",
    "consent",
    "intake",
    "scheduling",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",  # allauth's session list uses it
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
]

MIDDLEWARE = [
    "practice.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages compress to a fifth of their size. Outside everything that writes the body; Django
    # pads each compressed page at random, which defeats BREACH-style length guessing of the
    # CSRF token. Static files come precompressed from WhiteNoise.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside everything that answers a request, so redirects and errors get it too.
    "practice.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "practice.middleware.SessionTimeoutMiddleware",
    # After authentication: therapists and staff without a second factor reach only the
    # account pages where they set one up (practice/middleware.py).
    "practice.middleware.SecondFactorMiddleware",
    # Times of day on the visitor's own clock (24-hour for a German browser).
    "practice.middleware.ClockStyleMiddleware",
    # Last, so it sees the user for its 405 page and is the first to see a view's exception.
    "practice.errors.ErrorPageMiddleware",
]

ROOT_URLCONF = "practice.urls"
WSGI_APPLICATION = "practice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "practice.context_processors.practice",
                "practice.shared_pages.csrf_placeholder",
            ],
        },
    },
]

# Forms render with the Jinja2 copies of its form templates that Django ships: the same HTML
# in about a fifth less time on a page with a form (practice/form_renderer.py).
FORM_RENDERER = "practice.form_renderer.FormRenderer"

# Database
# SQLite is only the zero-setup default of `make run`; tests and production use PostgreSQL,
# where the constraints that protect bookings and messages live.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'practice.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at BEGIN, so check-then-write stays safe on SQLite.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: allauth's rate limits must be shared between processes, so production uses Redis
# (a different database from the broker's); the single-process demo keeps it in memory.
CACHES = {
    "default": env.cache(
        "CACHE_URL", default="locmemcache://" if DEBUG else "redis://127.0.0.1:6379/1"
    )
}
# Public pages kept rendered for visitors who are not signed in, in each web process's own
# memory (practice/shared_pages.py): nothing to fetch over the network, gone with the process.
# Versions keep them right; the timeout and the cap only bound the memory (at most 200 pages
# of about 50 KB), since pages with open times are filed under the minute.
CACHES["pages"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "shared-pages",
    "TIMEOUT": 300,
    "OPTIONS": {"MAX_ENTRIES": 200},
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # With Redis down, log-in, sign-up and password reset carry on without rate limits (and
    # log that they do) instead of answering 500; a short timeout keeps a hung Redis from
    # holding every request.
    CACHES["default"]["BACKEND"] = "practice.cache.FailOpenRedisCache"
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}

# Authentication
AUTH_USER_MODEL = "practice.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "first_name", "last_name", "preferred_name"]},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "practice:home-for-role"
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# allauth
ACCOUNT_ADAPTER = "practice.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_SIGNUP_FORM_CLASS = "practice.forms.ClientSignupForm"
ACCOUNT_FORMS = {"login": "practice.forms.LoginForm"}
# Changing e-mail, password, mobile number or a second factor asks for the password (or a code)
# again unless the person confirmed it within the last 5 minutes, and each change e-mails a
# notice that says what changed and from where, with no health information.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Rate limits, set on purpose rather than left at allauth's defaults. Failed log-ins slow down
# in steps per account (5 a minute, 10 in ten minutes, 20 an hour) instead of locking the
# account for a fixed time, and a password reset (the e-mailed unlock link) clears them, so a
# stranger who knows a client's e-mail cannot keep them out. Per address the limits are loose
# enough for a clinic or family behind one address. Addresses come from X-Forwarded-For as far
# as DJANGO_TRUSTED_PROXY_COUNT says.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "30/m/ip,5/m/key,10/10m/key,20/h/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "confirm_email": "1/10s/key",
}
# Sign-up and password reset say the same thing whether or not the e-mail has an account; the
# adapter evens out the time too (practice/adapters.py).
ACCOUNT_PREVENT_ENUMERATION = True
# Behind a reverse proxy, the client's address (rate limits, consent signatures) comes from
# X-Forwarded-For, trusting only as many hops as there are proxies of ours.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
# People see and end their own sessions at /accounts/sessions/ (allauth.usersessions). Each is
# recorded at sign-in; tracking activity too would write a row on every request.
USERSESSIONS_TRACK_ACTIVITY = False
MFA_ADAPTER = "practice.mfa.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# Passkeys need a secure origin; browsers count http://127.0.0.1 as one, allauth does not.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Poudre Valley Behavior Therapy"
# Therapists and staff read client records, so they need a second factor before any page but
# the account pages (practice/middleware.py); clients may add one from their Security page.
REQUIRE_MFA = env.bool("DJANGO_REQUIRE_MFA", default=not DEBUG)
# TOTP secrets and recovery-code seeds are encrypted with this Fernet key (not SECRET_KEY, so a
# leaked SECRET_KEY or database dump alone reveals no second factor). Comma-separated to
# rotate: the first encrypts, all decrypt. Generate one with
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.
DEMO_MFA_ENCRYPTION_KEY = "ZGVtby1vbmx5LW1mYS1rZXktZm9yLW1ha2UtcnVuLTA="  # noqa: S105
MFA_ENCRYPTION_KEYS = env.list(
    "DJANGO_MFA_ENCRYPTION_KEY", default=[DEMO_MFA_ENCRYPTION_KEY] if DEBUG else []
)
if not DEBUG and (not MFA_ENCRYPTION_KEYS or DEMO_MFA_ENCRYPTION_KEY in MFA_ENCRYPTION_KEYS):
    raise ImproperlyConfigured("DJANGO_MFA_ENCRYPTION_KEY must be set when DJANGO_DEBUG is false.")
if SECRET_KEY in MFA_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("DJANGO_MFA_ENCRYPTION_KEY must differ from DJANGO_SECRET_KEY.")
try:
    [Fernet(key) for key in MFA_ENCRYPTION_KEYS]
except ValueError as error:
    raise ImproperlyConfigured(
        "DJANGO_MFA_ENCRYPTION_KEY must be a Fernet key (32 url-safe base64-encoded bytes)."
    ) from error

# Internationalisation
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/Denver"
USE_I18N = True
USE_TZ = True

# Error pages: the 400, 500 and 503 pages render without the database, so the practice's
# name and phone for them come from here (the admin's practice settings need the database).
PRACTICE_NAME = env.str("DJANGO_PRACTICE_NAME", default="Poudre Valley Behavior Therapy")
PRACTICE_PHONE = env.str("DJANGO_PRACTICE_PHONE", default="(970) 555-0142" if DEBUG else "")

# Static files and uploads
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail
# The demo writes each message to a file under var/mail/ so a person can read it;
# production defaults to SMTP.
MAILERS = {
    "default": {
        "BACKEND": env.str(
            "DJANGO_EMAIL_BACKEND",
            default="django.core.mail.backends."
            + ("filebased.EmailBackend" if DEBUG else "smtp.EmailBackend"),
        ),
        "OPTIONS": {
            "file_path": env.str("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")),
        },
    }
}
if MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env.str("DJANGO_EMAIL_HOST", default="localhost"),
        "port": env.int("DJANGO_EMAIL_PORT", default=25),
        "username": env.str("DJANGO_EMAIL_HOST_USER", default=""),
        "password": env.str("DJANGO_EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("DJANGO_EMAIL_USE_TLS", default=False),
        "timeout": 20,
    }
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Poudre Valley Behavior Therapy <hello@example.org>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The domain in each e-mail's Message-ID: the practice's own (its sender address's unless
# set), never the server's host name, which mail providers read as a sign of spam.
MESSAGE_ID_DOMAIN = env.str(
    "DJANGO_MESSAGE_ID_DOMAIN", default=DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
)

# Celery
# The demo's broker is kombu's filesystem transport so `make run` needs no server;
# tests and production use Redis. The database, not the broker, is the source of truth.
CELERY_BROKER_URL = env.str(
    "CELERY_BROKER_URL", default="filesystem://" if DEBUG else "redis://127.0.0.1:6379/0"
)
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = str(VAR_DIR / "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _broker_dir,
        "data_folder_out": _broker_dir,
        "processed_folder": _broker_dir,
        "control_folder": f"{_broker_dir}/control",
        "store_processed": False,
        "polling_interval": 0.1,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("DJANGO_TASK_TIME_LIMIT", default=60)
CELERY_TASK_SOFT_TIME_LIMIT = max(1, CELERY_TASK_TIME_LIMIT // 2)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request never waits long on a broker that is down: publishing gives up quickly, the
# message row stays in the database and the dispatcher hands it over later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_TIMEZONE = TIME_ZONE
# Beat keeps its schedule in memory. Every entry is short and idempotent (the dispatcher, the
# agenda rows), so nothing is lost by forgetting last run times on a restart, while the default
# shelve file (SQLite under Python 3.13) failed with "locking protocol" when a worker with -B
# forked its pool, and beat then never ran.
CELERY_BEAT_SCHEDULER = "celery.beat:Scheduler"

# Outbox: how often beat runs the dispatcher, how long a failed send waits before its next
# try (doubling each time), when a handed-over message is handed over again (its task was
# lost with the broker), and when a message claimed by a worker that never reported back is
# shown to staff as "unknown" (longer than a task may run, so no live send is mistaken).
OUTBOX_DISPATCH_INTERVAL = env.float("DJANGO_OUTBOX_DISPATCH_INTERVAL", default=60.0)
# How long a closed account's records are kept before beat's purge removes them
# (practice/privacy.py). Seven years after the last contact is the usual minimum for
# mental-health records; a minor's may have to be kept longer (README, Configuration).
RECORD_RETENTION_YEARS = env.int("DJANGO_RECORD_RETENTION_YEARS", default=7)
OUTBOX_RETRY_BACKOFF = env.float("DJANGO_OUTBOX_RETRY_BACKOFF", default=30.0)
OUTBOX_REDISPATCH_AFTER = env.float("DJANGO_OUTBOX_REDISPATCH_AFTER", default=300.0)
OUTBOX_UNKNOWN_AFTER = env.float("DJANGO_OUTBOX_UNKNOWN_AFTER", default=300.0)
# How many message ids one send task carries (publishing, not sending, is what a chunk saves).
OUTBOX_PUBLISH_CHUNK = env.int("DJANGO_OUTBOX_PUBLISH_CHUNK", default=20)
if OUTBOX_UNKNOWN_AFTER <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        "DJANGO_OUTBOX_UNKNOWN_AFTER must be longer than DJANGO_TASK_TIME_LIMIT, or a message "
        "still being sent could be shown as unknown."
    )

# Booking: how many times one visitor may hold in an hour, per browser session and per network
# address (several people can share an address, so its limit is higher). A person choosing a
# time needs a handful; a script trying to hold every open time is stopped.
HOLD_LIMIT_PER_SESSION = env.int("DJANGO_HOLD_LIMIT_PER_SESSION", default=20)
HOLD_LIMIT_PER_ADDRESS = env.int("DJANGO_HOLD_LIMIT_PER_ADDRESS", default=60)
# Waitlist: how long a time that opened is offered to one person waiting before it passes to
# the next (from when the e-mail may go out: an offer made at night starts in the morning).
WAITLIST_OFFER_HOURS = env.float("DJANGO_WAITLIST_OFFER_HOURS", default=2.0)
if WAITLIST_OFFER_HOURS <= 0:
    raise ImproperlyConfigured("DJANGO_WAITLIST_OFFER_HOURS must be more than 0")

# Session check-ins (four items, 0-10 each, total 0-40): the therapist's page flags an answer
# whose total is below CHECKIN_LOW_TOTAL, or CHECKIN_DROP or more below the client's own
# average over their earlier answers. A prompt for a conversation, not a score to act on alone.
CHECKIN_LOW_TOTAL = env.int("DJANGO_CHECKIN_LOW_TOTAL", default=30)
CHECKIN_DROP = env.int("DJANGO_CHECKIN_DROP", default=5)
if not (0 < CHECKIN_LOW_TOTAL <= 40 and 0 < CHECKIN_DROP <= 40):
    raise ImproperlyConfigured("DJANGO_CHECKIN_LOW_TOTAL and DJANGO_CHECKIN_DROP must be 1 to 40")

# Video sessions, chosen like the e-mail backend: by default each therapist's fixed room on the
# practice's BAA-covered service (their profile); a provider backend creates one meeting per
# session through the provider's HTTP API. Clients reach either only through their portal.
VIDEO_BACKEND = env.str("DJANGO_VIDEO_BACKEND", default="scheduling.video.TherapistRoomBackend")
VIDEO_API_URL = env.str("DJANGO_VIDEO_API_URL", default="").rstrip("/")
VIDEO_API_TOKEN = env.str("DJANGO_VIDEO_API_TOKEN", default="")
VIDEO_API_TIMEOUT = env.float("DJANGO_VIDEO_API_TIMEOUT", default=10.0)

# Logging: no client data goes to logs, so nothing here formats request bodies. Paths are
# logged with manage and feed tokens and admin searches masked (practice/log_filters.py);
# gunicorn's access log gets the same through gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "practice.log_filters.RedactSecretsFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_secrets"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_secrets"],
        },
    },
    "loggers": {
        # runserver's access log, which Django otherwise writes through a handler of its own.
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
# Error reports (to logs or mail) never carry a request's body or cookies.
DEFAULT_EXCEPTION_REPORTER_FILTER = "practice.log_filters.PrivateExceptionReporterFilter"

# Security
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A sign-in ends SESSION_COOKIE_AGE after it began, however active, and earlier after a spell
# without requests: sooner for therapists and staff, who can open many clients' records, than
# for clients filling in a long questionnaire (practice/middleware.py).
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_IDLE_TIMEOUT = env.int("DJANGO_SESSION_IDLE_TIMEOUT", default=30 * 60)
CLIENT_SESSION_IDLE_TIMEOUT = env.int("DJANGO_CLIENT_SESSION_IDLE_TIMEOUT", default=60 * 60)
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Client data only ever travels over HTTPS, so the domain may as well be preloaded.
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)

# Text messages: Twilio in production, a file per message under var/sms/ for `make run`. A
# file backend in production would show staff "Sent" for texts nobody received.
SMS_BACKEND = env.str(
    "DJANGO_SMS_BACKEND",
    default="practice.sms.FileBackend" if DEBUG else "practice.sms.TwilioBackend",
)
SMS_FILE_PATH = env.path("DJANGO_SMS_FILE_PATH", default=VAR_DIR / "sms")
# Twilio's Messages API: the account, its auth token (which also signs Twilio's webhooks) and
# either a messaging service or a sending number. The API's address changes only in tests.
TWILIO_ACCOUNT_SID = env.str("DJANGO_TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("DJANGO_TWILIO_AUTH_TOKEN", default="")
TWILIO_MESSAGING_SERVICE_SID = env.str("DJANGO_TWILIO_MESSAGING_SERVICE_SID", default="")
TWILIO_FROM_NUMBER = env.str("DJANGO_TWILIO_FROM_NUMBER", default="")
TWILIO_API_URL = env.str("DJANGO_TWILIO_API_URL", default="https://api.twilio.com").rstrip("/")
