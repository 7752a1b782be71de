"""Settings shared by every environment. Values a deployment changes come from ``env``."""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF

from . import env, object_storage

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env.boolean("DEBUG", default=False)
SECRET_KEY = env.string("SECRET_KEY")
ALLOWED_HOSTS = env.comma_list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.comma_list("CSRF_TRUSTED_ORIGINS", default=[])

SERVICE_NAME = "CSP Portal"

INSTALLED_APPS = [
    "csp_portal.organisations",
    "csp_portal.notifications",
    "csp_portal.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "rules",
    "simple_history",
    "django_htmx",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "assessments",
    "priorities",
    "actionplans",
    "actionplans.reviews",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "csp_portal.organisations.middleware.IdleSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Site administrators, and anyone who has turned it on, pass the two-factor step first.
    "csp_portal.organisations.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "csp_portal.middleware.AdminInlineStyleMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp_portal.organisations.middleware.CurrentPartnershipMiddleware",
    # Last, so that it sees the outcome of every login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "csp_portal.urls"
WSGI_APPLICATION = "csp_portal.wsgi.application"

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
                "csp.context_processors.nonce",
                "csp_portal.organisations.context_processors.service",
                "csp_portal.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {"default": env.database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.integer("DATABASE_CONN_MAX_AGE", default=0, minimum=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "csp_portal.organisations.oidc.OrganisationSignInBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The reverse proxies in front of gunicorn. Only requests from these have their X-Forwarded-For
# believed, to find the client's own address (csp_portal/client_address.py); gunicorn trusts their
# X-Forwarded-Proto too (gunicorn.conf.py).
TRUSTED_PROXIES = env.ip_networks("TRUSTED_PROXIES")

# Failed-login throttling: five failures for one account from one client address lock that account
# for that address for an hour. Per address, not per account: a stranger's guesses then lock only
# their own pair, never the account for everyone. The address is the client's, not the proxy's, and
# the account is the normalised e-mail address, whatever its spelling (organisations/identity.py).
AXES_FAILURE_LIMIT = env.integer("AXES_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "csp_portal.organisations.identity.lockout_username"
AXES_CLIENT_IP_CALLABLE = "csp_portal.client_address.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Signing in with one's own organisation's account (OpenID Connect; csp_portal/organisations/oidc.py).
# Off unless a provider and this portal's registration with it are given. OIDC_DISCOVERY_URL, or
# OIDC_ISSUER for a provider that publishes its document at the standard place; for Microsoft
# Entra ID's multi-tenant app: https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration
# Which organisations may sign in is data: the sign-in organisations in the administration pages.
_issuer = env.string("OIDC_ISSUER", "") or ""
OIDC_DISCOVERY_URL = env.string("OIDC_DISCOVERY_URL", "") or (
    _issuer.rstrip("/") + "/.well-known/openid-configuration" if _issuer else ""
)
OIDC_RP_CLIENT_ID = env.string("OIDC_CLIENT_ID", "") or ""
OIDC_RP_CLIENT_SECRET = env.string("OIDC_CLIENT_SECRET", "") or ""  # or OIDC_CLIENT_SECRET_FILE
# People whose agency signs in through its own organisation may not use a password (site
# administrators keep theirs, with two-factor, so a broken provider cannot lock everyone out).
OIDC_REQUIRED = env.boolean("OIDC_REQUIRED", default=False)
# The `amr` values that mean the provider asked for a second factor (RFC 8176; Entra ID sends "mfa").
OIDC_MFA_METHODS = env.comma_list("OIDC_MFA_METHODS", ["mfa"])
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_CLOCK_SKEW_SECONDS = 60
OIDC_AUTHENTICATION_CALLBACK_URL = "organisation_sign_in_callback"

# Password-reset e-mails: at most this many an hour to one address, and for requests from one client
# address, counted in the sign-in audit (organisations.services.ask_for_password_reset). The page
# answers the same whether or not an e-mail went, so it tells nobody whether an account exists.
PASSWORD_RESET_EMAILS_PER_ADDRESS = 3
PASSWORD_RESET_REQUESTS_PER_CLIENT = 10
PASSWORD_RESET_THROTTLE_SECONDS = 60 * 60

# Two-factor authentication (django-otp, TOTP): required for site administrators, offered to all.
# A wrong code locks the device for 1, 2, 4, 8... seconds (times the factor) after each failure.
OTP_TOTP_ISSUER = SERVICE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1
# Administrators may delete someone's device (a lost phone) but never read its secret.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Only the built assets are published; static/src holds their sources.
STATICFILES_DIRS = [("dist", BASE_DIR / "static" / "dist")]
# Never served: files under MEDIA_ROOT go out only through views that check permission (csp_portal/urls.py).
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads: the largest file of each kind a form accepts (csp_portal/uploads.py checks type and size).
# Each import also bounds what the file holds before parsing it (rows, columns, unpacked size): see
# actionplans/importer.py, assessments/police_uk.py (MAX_FILE_BYTES...), assessments/services/harm.py
# and indicators.py, reports/logos.py, and benchmarks/upload_bounds.py for what refusing costs.
MAX_UPLOAD_SIZE = {
    # A .zip of a police.uk download: three years of the Met's (the largest force's) street, outcomes
    # and stop-and-search files zip to about 350 MB (police.uk CSV compresses about 5 to 1). A single
    # street file is held to police_uk.MAX_FILE_BYTES (64 MB).
    "crime_data": 512 * 1024 * 1024,
    "action_plan": 5 * 1024 * 1024,  # an action plan as CSV or .xlsx
    "table": 5 * 1024 * 1024,  # crime-severity weights, an indicator's figures (CSV)
    # A strategic assessment as published (PDF): only stored and served back, never parsed.
    "document": 30 * 1024 * 1024,
    # A review's case file: terms of reference, reports, the Home Office's letters (PDF, Word, ODT).
    "review_document": 20 * 1024 * 1024,
}  # A report's logo: reports.logos.MAX_LOGO_BYTES (500 KB) and MAX_LOGO_SIDE, which the report checks too.
# Files above 2.5 MB go to a temporary file rather than memory; a form's fields (not its files) are
# limited to 2.5 MB and 1,000 fields, Django's defaults, kept deliberately: no form needs more.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Uploaded files and rendered reports: on the local disk (MEDIA_ROOT) unless an object store that
# every web and worker machine shares is configured, Azure Blob Storage or S3 (object_storage.py).
STORAGES = {
    "default": object_storage.default_storage(),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
CRISPY_GDS_FRONTEND_VERSION = "5.8.0"
# crispy-forms-gds gives GOV.UK classes to text, e-mail and password inputs, selects and text areas
# only; the other widgets the forms use get theirs here (tests/test_form_inputs.py checks them all).
CRISPY_CLASS_CONVERTERS = {
    "numberinput": "govuk-input",
    "dateinput": "govuk-input",
    "datetimeinput": "govuk-input",
    "timeinput": "govuk-input",
    "urlinput": "govuk-input",
    "selectmultiple": "govuk-select",
    "fileinput": "govuk-file-upload",
}

# Content-Security-Policy: nothing from other origins; inline script only with the page's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# SESSION_COOKIE_AGE is the idle limit: requests renew the session (IdleSessionMiddleware), so it
# ends after that many seconds without one.
SESSION_COOKIE_AGE = env.integer("SESSION_COOKIE_AGE", default=2 * 60 * 60, minimum=120)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

_email = env.email("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "CSP Portal <noreply@csp-portal.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis carries the Celery queue, task results and the cache. Without it (the embedded
# default) tasks run in-process and the cache lives in memory.
# Nothing that must survive an outage lives in Redis: sessions and sign-in throttling (django-axes)
# are in the database, and the cache answers as a miss while Redis is down (csp_portal/cache.py).
REDIS_URL = env.redis_url("REDIS_URL")
REDIS_TIMEOUT_SECONDS = 1
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "csp_portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": REDIS_TIMEOUT_SECONDS, "socket_timeout": REDIS_TIMEOUT_SECONDS},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 60 * 60
CELERY_TASK_SOFT_TIME_LIMIT = env.integer("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env.integer("CELERY_TASK_TIME_LIMIT", default=6 * 60, minimum=1)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that queues a job must not hang while Redis is down: connecting gives up after a second
# and publishing retries once, at once (a pooled connection may be stale after a Redis restart).
# The job row is kept and sent again later (csp_portal/queueing.py).
CELERY_BROKER_CONNECTION_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Redis hands an unacknowledged task to another worker after visibility_timeout. It must be longer
# than a task can take (the hard time limit) plus the longest retry countdown (ten minutes),
# or a task still running or waiting to retry would run twice. A worker that died mid-task is
# noticed sooner by the beat task that re-sends stalled jobs.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + 15 * 60,
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "csp_portal.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "remind-leads-of-progress-returns": {
        "task": "actionplans.tasks.send_return_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Sends the report and import jobs that were requested while Redis was down, and re-sends
    # those a dead worker or a Redis restart left behind.
    "resend-waiting-report-jobs": {"task": "reports.resend_waiting_jobs", "schedule": 60.0},
    "resend-waiting-crime-imports": {"task": "assessments.resend_waiting_imports", "schedule": 60.0},
    "resend-waiting-notification-emails": {"task": "notifications.resend_waiting", "schedule": 60.0},
    # Monday morning: each person's digest of the notifications they chose to hear of weekly.
    "send-weekly-notification-digests": {
        "task": "notifications.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    # Drafts every partnership's quarterly report in the first days after a quarter ends.
    "draft-quarter-end-reports": {
        "task": "reports.draft_quarter_end_reports",
        "schedule": crontab(hour=6, minute=15),
    },
}

# Action plans: progress returns are due RETURN_DEADLINE_DAYS after a quarter ends (15 January for
# October-December); leads who owe one are e-mailed REMINDER_DAYS_BEFORE that deadline and again
# REMINDER_DAYS_AFTER it, once each. SITE_URL is where the e-mails' links point.
SITE_URL = env.string("SITE_URL", "http://localhost:8000")
ACTIONPLANS_RETURN_DEADLINE_DAYS = env.integer("ACTIONPLANS_RETURN_DEADLINE_DAYS", default=15, minimum=0)
ACTIONPLANS_REMINDER_DAYS_BEFORE = env.integer("ACTIONPLANS_REMINDER_DAYS_BEFORE", default=5, minimum=1)
ACTIONPLANS_REMINDER_DAYS_AFTER = env.integer("ACTIONPLANS_REMINDER_DAYS_AFTER", default=3, minimum=1)

# The read API (csp_portal/api, README "Reading the data from Excel and Power BI"): personal access
# tokens only (a browser's session does not sign it in), read-only, paged, and each token limited to
# 600 requests an hour (counted in the cache, Redis).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["csp_portal.api.authentication.AccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "csp_portal.api.pagination.Pages",
    "DEFAULT_THROTTLE_CLASSES": ["csp_portal.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env.rate("API_RATE_LIMIT", "600/hour")},  # per token
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CSP Portal read API",
    "DESCRIPTION": "Read a partnership's action plans, accepted progress returns and indicators with a personal "
    "access token (Authorization: Bearer <token>), seeing what your pages show you and no more.",
    "VERSION": "1",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"RagEnum": "actionplans.models.ProgressReturn.Rag"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO")},
    # django-axes logs every successful sign-in at INFO, and Azure's SDK every request to the object
    # store with its headers; failures and lockouts stay visible.
    "loggers": {"axes": {"level": "WARNING"}, "azure": {"level": "WARNING"}},
}
