"""Settings for every environment; what differs between them is read from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Widget templates for core.forms.RegiaFormRenderer (TemplatesSetting).
    "django.forms",
    "simple_history",
    "guardian",
    "axes",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "bootstrap_italia_template",
    "django_htmx",
    "csp",
    "core",
    "partners",
    "programme",
    "funding",
    "consultation",
    "reports",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First: refuses logins locked out after repeated failures.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Object permissions (a project manager on their projects, a partner on its commitments).
    "guardian.backends.ObjectPermissionBackend",
]
# Anonymous visitors read only what is public; guardian needs no anonymous user row.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "portal.context_processors.regia",
            ],
        },
    },
]

# Forms render with Bootstrap Italia's markup (templates/forms/), messages tied to their field.
FORM_RENDERER = "core.forms.RegiaFormRenderer"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://regia")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Italian first, English second.
LANGUAGE_CODE = "it"
LANGUAGES = [("it", _("Italian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
# Uploaded documents and evidence: never under MEDIA_URL or STATIC_URL, served only by
# views that check permission (core.uploads.private_file_response).
PRIVATE_STORAGE_ROOT = Path(
    env("REGIA_PRIVATE_STORAGE_ROOT", default=str(BASE_DIR / "var" / "private"))
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "core.uploads.PrivateStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT},
    },
    # The theme's base template breaks with manifest storage; compressed storage is enough.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
REGIA_UPLOAD_MAX_BYTES = env.int("REGIA_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "core.uploads.SizeLimitedUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# EMAIL_URL says the backend and the server in one value: consolemail:// prints mails,
# smtp+tls://user:password@host:587 sends them.
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="regia@localhost")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: scripts, styles, fonts and images only from Regia itself; no inline
# script or style attribute anywhere (charts are SVG attributes, not styles).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # Bootstrap Italia's stylesheet embeds one icon font as a data: URI.
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# The footer links the accessibility statement (AgID's form) and its feedback channel.
REGIA_ACCESSIBILITY_STATEMENT_URL = env(
    "REGIA_ACCESSIBILITY_STATEMENT_URL", default="https://form.agid.gov.it/"
)
REGIA_ACCESSIBILITY_FEEDBACK_URL = env(
    "REGIA_ACCESSIBILITY_FEEDBACK_URL", default="mailto:accessibilita@localhost"
)

# Number of proxies in front of Django whose X-Forwarded-For entries are trusted (0: none).
REGIA_TRUSTED_PROXY_COUNT = env.int("REGIA_TRUSTED_PROXY_COUNT", default=0)

CELERY_BROKER_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE

# Imports (funding.imports): files are capped before they are parsed, a staged import
# expires, and a file of more than REGIA_IMPORT_ASYNC_ROWS rows is checked and applied by the
# Celery worker while its page shows the progress.
REGIA_IMPORT_MAX_BYTES = min(
    env.int("REGIA_IMPORT_MAX_BYTES", default=REGIA_UPLOAD_MAX_BYTES), REGIA_UPLOAD_MAX_BYTES
)
REGIA_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "REGIA_IMPORT_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
REGIA_IMPORT_MAX_COMPRESSION_RATIO = env.int("REGIA_IMPORT_MAX_COMPRESSION_RATIO", default=200)
REGIA_IMPORT_MAX_ROWS = env.int("REGIA_IMPORT_MAX_ROWS", default=100_000)
REGIA_IMPORT_ASYNC_ROWS = env.int("REGIA_IMPORT_ASYNC_ROWS", default=2_000)
REGIA_IMPORT_TTL_HOURS = env.int("REGIA_IMPORT_TTL_HOURS", default=24)
CELERY_BEAT_SCHEDULE = {
    "purge-expired-imports": {
        "task": "funding.tasks.purge_expired_imports",
        "schedule": timedelta(hours=1),
    },
    # Consultations close on time, and their personal data goes when the retention ends.
    "close-due-consultations": {
        "task": "consultation.tasks.close_due_consultations",
        "schedule": timedelta(minutes=5),
    },
    "anonymise-due-consultations": {
        "task": "consultation.tasks.anonymise_due_consultations",
        "schedule": timedelta(hours=24),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Old versions are read, never restored: a restore would bypass the workflows and the ledger.
SIMPLE_HISTORY_REVERT_DISABLED = True

# seed_demo creates accounts with a public password: never in production.
REGIA_DEMO_DATA_ALLOWED = env.bool("REGIA_DEMO_DATA_ALLOWED", default=True)

# Repeated failed logins lock out one username from one client IP (so nobody can lock a
# council member out from elsewhere), for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = env.int("REGIA_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("REGIA_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.middleware.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "core.api.lockout_response"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.AnonThrottle",
        "core.throttling.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("REGIA_API_ANON_RATE", default="60/minute"),
        "user": env("REGIA_API_USER_RATE", default="600/minute"),
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": True,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("REGIA_API_TOKEN_HOURS", default=10)),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Regia API",
    "DESCRIPTION": "Programmes, plans, projects, partners and their co-financing.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a field called status, kind or role: name each choice set apart.
    "ENUM_NAME_OVERRIDES": {
        "PublicationStatusEnum": "programme.models.Programme.Status",
        "ProjectStatusEnum": "programme.models.Project.Status",
        "RiskStatusEnum": "programme.models.Risk.Status",
        "RiskLevelEnum": "programme.models.Risk.Level",
        "AssignmentRoleEnum": "programme.models.ProgrammeAssignment.Role",
        "ParticipationRoleEnum": "programme.models.ProjectParticipation.Role",
        "AuthorisingActEnum": "programme.models.AuthorisingAct",
        "OrganisationKindEnum": "partners.models.Organisation.Kind",
        "MembershipRoleEnum": "partners.models.Membership.Role",
        "SignatoryRoleEnum": "partners.models.Signatory.Role",
        "AgreementKindEnum": "partners.models.Agreement.Kind",
        "FundSourceKindEnum": "funding.models.FundSource.Kind",
        "CommitmentKindEnum": "funding.models.Commitment.Kind",
        "CommitmentStatusEnum": "funding.models.Commitment.Status",
        "DisbursementStatusEnum": "funding.models.Disbursement.Status",
        "TransactionPhaseEnum": "funding.models.Transaction.Phase",
        "ContractProcedureEnum": "funding.models.Contract.Procedure",
        "CommitmentTransitionTargetEnum": "funding.api.serializers.COMMITMENT_TRANSITION_TARGETS",
    },
}

REGIA_SITE_NAME = env("REGIA_SITE_NAME", default="Regia")

# Citizens and abuse guards. Citizens register with their e-mail address and confirm it
# through a signed link valid for REGIA_VERIFICATION_DAYS. Forms citizens send are limited
# per client (core.ratelimit: counts in the cache only, keyed by a rotating HMAC of the IP);
# a rate is "<count>/<period>", the period s, m, h or d, optionally with a number: "5/15m".
REGIA_REGISTRATION_OPEN = env.bool("REGIA_REGISTRATION_OPEN", default=True)
REGIA_VERIFICATION_DAYS = env.int("REGIA_VERIFICATION_DAYS", default=3)
REGIA_RATELIMIT_RATES = {
    "registration": env("REGIA_RATELIMIT_REGISTRATION", default="5/h"),
    "verification": env("REGIA_RATELIMIT_VERIFICATION", default="5/h"),
    "answers": env("REGIA_RATELIMIT_ANSWERS", default="10/h"),
}
# Shown in the privacy notice: how to reach the municipality's data protection officer.
REGIA_PRIVACY_CONTACT = env("REGIA_PRIVACY_CONTACT", default="")
