"""The one settings module for ourplan, driven by environment variables.

Development defaults let `make run` work on a fresh checkout. Set
``OURPLAN_ENV=production`` and the variables in docs/operations.md to get the
secure production behaviour that `manage.py check --deploy` expects.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
CHECKOUT_DIR = PACKAGE_DIR.parent.parent


def env_flag(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


OURPLAN_ENV = os.environ.get("OURPLAN_ENV", "development")
PRODUCTION = OURPLAN_ENV == "production"

DATA_DIR = Path(os.environ.get("OURPLAN_DATA_DIR", CHECKOUT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

_DEV_SECRET = "dev-only-insecure-key-never-used-in-production-0123456789abcdefghij"  # noqa: S105
SECRET_KEY = os.environ.get("OURPLAN_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and not SECRET_KEY:
    raise RuntimeError("OURPLAN_SECRET_KEY must be set when OURPLAN_ENV=production")

DEBUG = env_flag("OURPLAN_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "OURPLAN_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("OURPLAN_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks.backends.database",
    "simple_history",
    "ourplan.core",
    "ourplan.site",
    "ourplan.accounts",
    "ourplan.people",
    "ourplan.research",
    "ourplan.plans",
    "ourplan.consent",
    "ourplan.studies",
    "ourplan.record_access",
    "ourplan.measures",
    "ourplan.coordination",
    "ourplan.quality",
]

MIDDLEWARE = [
    "ourplan.core.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ourplan.accounts.middleware.SessionLifetimeMiddleware",
    "ourplan.accounts.middleware.SecondFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ourplan.core.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "ourplan.core.middleware.NoStoreMiddleware",
    # After the CSP and no-store middleware, so its 400 and 413 pages carry their headers.
    "ourplan.core.middleware.RequestLimitsMiddleware",
    "axes.middleware.AxesMiddleware",
]

# What one request may carry (core.middleware.RequestLimitsMiddleware explains each refusal).
# The whole body: the biggest upload, a research CSV, is at most 10 MB.
MAX_REQUEST_BYTES = int(os.environ.get("OURPLAN_MAX_REQUEST_BYTES", str(12 * 1024 * 1024)))
# The form part of a body (files aside): several times the longest form with every box full.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("OURPLAN_MAX_FORM_BYTES", str(2 * 1024 * 1024)))
DATA_UPLOAD_MAX_NUMBER_FIELDS = int(os.environ.get("OURPLAN_MAX_FORM_FIELDS", "2000"))
DATA_UPLOAD_MAX_NUMBER_FILES = 5
# Uploads bigger than this are written to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

FORM_RENDERER = "ourplan.core.forms.NhsFormRenderer"
ROOT_URLCONF = "ourplan.config.urls"
WSGI_APPLICATION = "ourplan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ourplan.site.context_processors.shell",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'ourplan.sqlite3'}"
# Health checks: a kept connection the server has closed is replaced before it is used.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_health_checks=True
    )
}
# PostgreSQL: each worker keeps its connection for 10 minutes rather than opening one per
# request, which cost 6-11 ms a request and 35-40% of throughput (issue #18). SQLite only
# opens a file, so it keeps nothing by default. 0 opens a connection per request again.
DATABASES["default"]["CONN_MAX_AGE"] = int(
    os.environ.get(
        "OURPLAN_DB_CONN_MAX_AGE",
        "0" if DATABASES["default"]["ENGINE"].endswith("sqlite3") else "600",
    )
)
# SQLite under concurrent requests: every write transaction takes the write lock when it
# begins (IMMEDIATE) and waits up to `timeout` seconds for it. A transaction that read first
# and only then wrote (the default, DEFERRED) cannot wait: SQLite fails it at once with
# "database is locked" when another request wrote in between.
# WAL lets readers carry on while one request writes (every page writes audit rows),
# and NORMAL sync is safe with WAL: measured 2-4 ms off each page (docs/benchmarks.md).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
USING_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if USING_SQLITE:
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
# Production runs on PostgreSQL; SQLite only on purpose (e.g. a one-machine trial).
ALLOW_SQLITE_IN_PRODUCTION = env_flag("OURPLAN_ALLOW_SQLITE_IN_PRODUCTION", default=False)
if PRODUCTION and USING_SQLITE and not ALLOW_SQLITE_IN_PRODUCTION:
    raise RuntimeError(
        "OURPLAN_ENV=production needs DATABASE_URL (PostgreSQL). To run on SQLite anyway, "
        "set OURPLAN_ALLOW_SQLITE_IN_PRODUCTION=1 (docs/operations.md)."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Axes must come first so that locked-out users are refused before a
    # password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions (ASVS V7): idle timeout of 30 minutes, absolute lifetime of 12 hours.
SESSION_IDLE_SECONDS = int(os.environ.get("OURPLAN_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_SECONDS = int(
    os.environ.get("OURPLAN_SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60))
)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
# The idle expiry is renewed by accounts.middleware at most once a minute, not on every
# request, so reading pages does not write the session row each time.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_AFTER_SECONDS = int(os.environ.get("OURPLAN_SESSION_RENEW_AFTER_SECONDS", "60"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Failed logins (django-axes): lock the username from that address after 5
# failures for 15 minutes, and lock an address out after 30 failures for any usernames.
# The address is the real client's, read from X-Forwarded-For behind OURPLAN_PROXY_COUNT
# trusted proxies (ourplan.accounts.lockout).
AXES_FAILURE_LIMIT = int(os.environ.get("OURPLAN_LOGIN_FAILURE_LIMIT", "5"))
OURPLAN_LOGIN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("OURPLAN_LOGIN_ADDRESS_FAILURE_LIMIT", "30")
)
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("OURPLAN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "ourplan.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
OURPLAN_PROXY_COUNT = int(os.environ.get("OURPLAN_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "ourplan.accounts.lockout.client_address"
AXES_HANDLER = "ourplan.accounts.lockout.UsernameAndAddressHandler"

INVITATION_LIFETIME = timedelta(hours=int(os.environ.get("OURPLAN_INVITATION_HOURS", "72")))
# Password reset links (accounts.services): good for one hour and one use. At most 3 links
# per account in that hour, and 10 requests from one address an hour, so the form cannot
# flood someone's inbox or be used to try many accounts.
PASSWORD_RESET_TIMEOUT = int(os.environ.get("OURPLAN_PASSWORD_RESET_SECONDS", str(60 * 60)))
OURPLAN_PASSWORD_RESET_ACCOUNT_LIMIT = int(
    os.environ.get("OURPLAN_PASSWORD_RESET_ACCOUNT_LIMIT", "3")
)
OURPLAN_PASSWORD_RESET_ADDRESS_LIMIT = int(
    os.environ.get("OURPLAN_PASSWORD_RESET_ADDRESS_LIMIT", "10")
)
OTP_TOTP_ISSUER = "ourplan"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = Path(os.environ.get("OURPLAN_NODE_MODULES", CHECKOUT_DIR / "node_modules"))
# NHS.UK frontend's stylesheet as compiled by `make install` (assets/nhsuk-ourplan.scss).
BUILD_DIR = Path(os.environ.get("OURPLAN_BUILD_DIR", CHECKOUT_DIR / "build"))
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("nhsuk-compiled", BUILD_DIR / "nhsuk"),
    ("nhsuk", NODE_MODULES / "nhsuk-frontend" / "dist" / "nhsuk"),
    ("htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the finders when DEBUG or under tests, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "uploads"

# Security headers. HSTS and secure cookies are on in production, where TLS
# terminates at the reverse proxy (docs/operations.md).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = int(os.environ.get("OURPLAN_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_SSL_REDIRECT = env_flag("OURPLAN_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Background jobs (the evaluation report): Django tasks with its database backend, run by
# `manage.py db_worker` (docs/operations.md). OURPLAN_TASKS_BACKEND=immediate runs them in
# the request instead, for a one-machine trial with no worker.
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks.backends.database.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[os.environ.get("OURPLAN_TASKS_BACKEND", "database")]
    }
}
# Questionnaire counts below this are never shown outside a person's own record.
OURPLAN_MEASURES_MIN_CELL = int(os.environ.get("OURPLAN_MEASURES_MIN_CELL", "5"))

EMAIL_BACKEND = os.environ.get(
    "OURPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A refusal is expected, and audited: one warning line, not a traceback.
        "refusals_without_traceback": {"()": "ourplan.core.request_log.RefusalsWithoutTraceback"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["refusals_without_traceback"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("OURPLAN_LOG_LEVEL", "WARNING")},
}
