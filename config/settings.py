"""Shift the Dial settings: one module, driven by environment variables (see README, "Configuration").

Nothing set → the embedded default: SQLite, Celery tasks run eagerly, a local-memory cache.
Production is the same module with DEBUG off and the variables below set; `manage.py check --deploy`
is clean under it (tests/test_settings.py proves it).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import plotly
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-used-when-DEBUG-is-on-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

# Demo users with printed passwords exist only where DEBUG was on when settings loaded
# (`make run`, the test suite); never under production settings.
DEMO_DATA_ALLOWED = DEBUG

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_forms_gds",
    "csp",
    "axes",
    "django_filters",
    "simple_history",
    "import_export",
    "rest_framework",
    "drf_spectacular",
    "knox",
    "wellbeing.apps.WellbeingConfig",
    "partnerships.apps.PartnershipsConfig",
    "interventions.apps.InterventionsConfig",
    # The read API: an adapter over the three apps above (none of them imports it).
    "api.apps.ApiConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Records who made each change in the history tables (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "wellbeing.context_processors.service",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", default=60),
        # Re-check a persistent connection before each request, so the first request after a
        # database restart reconnects instead of failing.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The test database is a file, not memory, so a Celery worker started by a test can open it;
    # one per test process, so two runs in one checkout do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
    # A write transaction takes SQLite's write lock when it begins, so two concurrent saves queue
    # (and the second sees the first's version) instead of one failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache; absent → eager tasks and local memory -----------------------
REDIS_URL = env_str("REDIS_URL", default="")
# When Redis is unreachable, give up connecting after 2 s (and waiting for an answer after 5 s), so
# a page that queues a task says so instead of hanging (README, "Faults and recovery").
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = REDIS_TIMEOUTS["socket_connect_timeout"]
    CELERY_REDIS_SOCKET_TIMEOUT = REDIS_TIMEOUTS["socket_timeout"]
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": REDIS_TIMEOUTS,
        }
    }
else:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A task is acknowledged only when it finishes, so a worker killed mid-task leaves it to another.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
# Tasks keep their outcome in our own rows (GapReport, ImportJob), so they store no result and
# queueing one needs only the broker; the health check, whose answer is its result, asks for one.
CELERY_TASK_IGNORE_RESULT = True
# A task taken by a worker that then dies (killed, out of memory, machine lost) goes back on the
# Redis queue after this many seconds, for another worker to do (late acknowledgement). It must be
# longer than any task may run, or a task still running would be handed to a second worker too.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", default=2 * CELERY_TASK_TIME_LIMIT)
if CELERY_VISIBILITY_TIMEOUT <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"CELERY_VISIBILITY_TIMEOUT ({CELERY_VISIBILITY_TIMEOUT} s) must be longer than "
        f"CELERY_TASK_TIME_LIMIT ({CELERY_TASK_TIME_LIMIT} s)."
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **REDIS_TIMEOUTS,
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Each worker looks for such tasks every 10 s (sooner for a short timeout), not kombu's 100 s.
    "unacked_restore_interval": max(1, min(10, CELERY_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}

# --- People ---------------------------------------------------------------------------------------
# Roles in places are not Django permissions: wellbeing/access.py decides them. django-axes
# counts failed sign-ins before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# After AXES_FAILURE_LIMIT failures for one username from one address, sign-in for that pair
# pauses for AXES_COOLOFF_TIME (a 429 page saying so); a success resets the count, and further
# tries during the pause do not lengthen it (so nobody can keep another person locked out).
AXES_CLIENT_IP_CALLABLE = "config.client_address.client_address"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# No log of every sign-in (personal data with no purpose here); failures are kept only while counted.
AXES_DISABLE_ACCESS_LOG = True
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "signed_out"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", default=60 * 60 * 10)  # a working day

# --- Language and time ----------------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
# Third-party assets are served from the installed packages (npm and PyPI), never committed.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "build" / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("moj", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj"),
    # app.css finds GOV.UK's and MOJ's images under one path (assets/scss/app.scss).
    ("images", NODE_MODULES / "govuk-frontend" / "dist" / "govuk" / "assets" / "images"),
    ("images", NODE_MODULES / "@ministryofjustice" / "frontend" / "moj" / "assets" / "images"),
    ("app", BASE_DIR / "build" / "static" / "app"),
    ("plotly", Path(plotly.__file__).parent / "package_data"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed files in production; plain files (served from the finders) with DEBUG on.
    "staticfiles": {
        "BACKEND": "config.storage.ModuleAwareManifestStorage"
        if env_bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Forms ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Security -------------------------------------------------------------------------------------
# Behind our own TLS-terminating proxy (the only thing that can reach the app), set
# TRUST_X_FORWARDED_PROTO=1: Django then knows the request was HTTPS, and sign-in throttling takes
# the client's address from the proxy's X-Forwarded-For entry (config/client_address.py).
TRUST_X_FORWARDED_PROTO = env_bool("TRUST_X_FORWARDED_PROTO", default=False)
if TRUST_X_FORWARDED_PROTO:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# A strict Content Security Policy: scripts and styles only from our own origin, never inline.
# Every page is built to it (htmx's injected indicator style is switched off in base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: for the images Plotly draws heatmaps into (a canvas turned into a data: URL).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.security": {"level": "INFO"}},
}

# --- The service ----------------------------------------------------------------------------------
SERVICE_NAME = "Shift the Dial"
AUTH_USER_MODEL = "wellbeing.User"

# --- The intervention map -------------------------------------------------------------------------
# An effectiveness assessment older than this is flagged as stale (12 months by default).
ASSESSMENT_STALE_AFTER_DAYS = env_int("ASSESSMENT_STALE_AFTER_DAYS", default=365)
# Spreadsheet imports: larger files are refused with a message saying the limit; files with more
# rows than IMPORT_INLINE_MAX_ROWS are checked and imported by a Celery worker, with progress shown.
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_MB", default=5) * 1024 * 1024
IMPORT_INLINE_MAX_ROWS = env_int("IMPORT_INLINE_MAX_ROWS", default=200)
# django-import-export: every import runs in a transaction, so a failed commit leaves nothing behind.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Exports are written by wellbeing/spreadsheets.py (write_csv, write_xlsx), which passes every
# cell through its escape_formula; import-export's own export escaping is never on that path.

# --- The read API (api/) --------------------------------------------------------------------------
# Read-only JSON for analysts, under /api/v1/. A person's own tokens (django-rest-knox: only a hash
# is stored) or their signed-in session. JSON only: DRF's browsable renderer has inline script,
# which the CSP refuses; /api/v1/docs/ is our own page built from the OpenAPI schema.
KNOX_TOKEN_MODEL = "api.ApiToken"  # noqa: S105 - a model's name, not a secret
# Knox's own migrations would create the table of the token model ours replaces: a table no model
# manages, whose key to the users stops PostgreSQL emptying them between tests. Without them,
# Django creates no table for a replaced model.
MIGRATION_MODULES = {"knox": None}
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    # Unexpected faults answer JSON too, logged as Django logs them (api/exceptions.py).
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shift the Dial read API",
    "DESCRIPTION": (
        "Read-only JSON for analysts: a place's wellbeing outcomes, interventions and their contributions, "
        "the gap analysis, the organisations directory, partnerships and delivery groups, strategic alignment "
        "and budgets. Every address under /places/{place_slug}/ answers only for people who are members of "
        "that place."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set, so the schema's enumerations read as what they are.
    "ENUM_NAME_OVERRIDES": {
        "InterventionKindEnum": "interventions.models.Intervention.Kind",
        "InterventionLevelEnum": "interventions.models.Intervention.Level",
        "InterventionStatusEnum": "interventions.models.Intervention.Status",
        "EffectivenessEnum": "interventions.models.Contribution.Effectiveness",
        "GapStatusEnum": "interventions.gap_analysis.Status",
        "PlaceKindEnum": "wellbeing.models.Place.Kind",
        "PlanKindEnum": "wellbeing.models.StrategicPlan.Kind",
        "PlanStatusEnum": "wellbeing.models.StrategicPlan.Status",
        "BudgetKindEnum": "wellbeing.models.BudgetLine.Kind",
        "PartnershipKindEnum": "partnerships.models.Partnership.Kind",
    },
}
# Tokens last as long as the person chose when they made one (api/forms.py); this is the default.
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=90),
    "AUTO_REFRESH": False,
}
