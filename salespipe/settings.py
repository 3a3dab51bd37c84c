"""Salespipe settings: one file, every deployment-specific value read from the environment."""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from salespipe.documents.storage import document_storage

# Django's generic classes (ModelAdmin, ModelForm, ...) take their type parameters at run time
# too, so the configuration screens can name the model they are about.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SALESPIPE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Sessions, CSRF tokens and password resets are signed with it (SPEC SEC5). It comes from
# the environment, or for a local install from var/secret_key, which `make run` makes once
# with a random key. Without either, and without DEBUG, the app refuses to start: it has no
# built-in key.
SECRET_KEY_FILE = VAR_DIR / "secret_key"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip() or (
    SECRET_KEY_FILE.read_text().strip() if SECRET_KEY_FILE.is_file() else ""
)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "value, for example the output of: python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'. (DEBUG=true runs with a development key.)"
        )
    SECRET_KEY = "development-only-key-DEBUG-is-on"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "salespipe.org",
    "salespipe.customers",
    "salespipe.pipeline",
    "salespipe.activities",
    "salespipe.documents",
    "salespipe.api",
    "salespipe.web",
    "salespipe.ops",
    "salespipe.live",
    "salespipe.feeds",
    "salespipe.forecast",
    "salespipe.exports",
    # The queue of background tasks, in the database; `manage.py db_worker` runs them.
    # Before the imports, whose admin takes over its screen.
    "django_tasks_db",
    "salespipe.imports",
    # The demo data and `manage.py seed_demo`.
    "salespipe.demo",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "salespipe.web.request_size.RequestSizeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "salespipe.web.headers.PrivateAnswersMiddleware",
    "salespipe.live.middleware.LiveOriginMiddleware",
    "salespipe.org.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "salespipe.org.middleware.OutOfScopeMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "salespipe.urls"
WSGI_APPLICATION = "salespipe.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SQLITE_PATH = VAR_DIR / "salespipe.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet; every command (migrate, checks, tests) may come first.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and IMMEDIATE transactions: concurrent writers wait for each other
    # instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # The reads prepared once per shape (salespipe.lib.prepared) ask the server to prepare
    # their statement; Django turns preparing off unless a threshold is set. Its own
    # queries are bound in the client, where nothing is ever prepared. Off behind a pooler
    # that can't keep prepared statements (PgBouncer before 1.21 in transaction mode).
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        "prepare_threshold": 5 if env_bool("DATABASE_PREPARED_STATEMENTS", True) else None,
    }
    if os.environ.get("DATABASE_POOL", "").lower() in {"1", "true", "yes", "on"}:
        # Served through ASGI (gunicorn.conf.py), each request runs in a new thread: a pool
        # of connections per process replaces the persistent connection of a thread, and
        # keeps the statements prepared on it.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": 2,
            "max_size": int(os.environ.get("DATABASE_POOL_SIZE", 10)),
        }
    else:
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.Collaborator"
# django-axes first: a locked-out account or address is refused before any password hash.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # The documents: under MEDIA_ROOT, or in the private bucket S3_BUCKET of an S3-compatible
    # store when several app servers share them (B21; see salespipe.documents.storage).
    "default": document_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Background tasks (imports, X5): queued in the database, run by `manage.py db_worker` on any
# machine (`make run` starts one). TASKS_BACKEND=immediate runs them within the request.
TASKS = {
    "default": {
        "BACKEND": (
            "django.tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("TASKS_BACKEND") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}

# How long an import keeps its file and its report once started (X5): the worker forgets older
# ones after each import, and `manage.py forget_imports` does it on demand (a daily cron).
IMPORTS_KEPT_DAYS = int(os.environ.get("IMPORTS_KEPT_DAYS", 30))

# Tests and a first run serve static files without a collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

# How long an API token lives from its creation (SPEC SEC4).
API_TOKEN_LIFETIME_DAYS = int(os.environ.get("API_TOKEN_LIFETIME_DAYS", 90))

# The largest document a user may attach to an opportunity.
# Boards and calendars follow colleagues' changes through a live feed (SPEC B21); off, they
# show them at the next reload.
LIVE_UPDATES = os.environ.get("LIVE_UPDATES", "true").lower() not in {"0", "false", "no", "off"}
# Reads prepared once per shape (salespipe.lib.prepared) are built again on every run and
# compared, so that a key missing an input fails; the tests turn it on.
PREPARED_READS_CHECK = env_bool("PREPARED_READS_CHECK", False)
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SESSION_COOKIE_HTTPONLY = True
# Served over HTTPS (SPEC SEC5): HTTPS=true redirects http to https, sends HSTS for a year,
# and keeps the session and CSRF cookies to https. Behind a proxy that ends TLS, the proxy
# must set X-Forwarded-Proto (it is trusted only then).
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_SECURE = HTTPS or env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Failed logins (the login page, the admin's, API tokens) are counted in the database, which
# every server process shares (SPEC SEC3): after LOGIN_FAILURE_LIMIT failures in a row for an
# account, or from an address, further tries are refused for LOGIN_LOCKOUT_MINUTES, without
# checking the password. A success clears the account's count (only its own: see
# salespipe.web.throttling); an administrator lifts a lock in the
# admin (Access attempts, superusers only) or with `manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 10))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = "salespipe.web.throttling.lockout_parameters"
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "salespipe.web.throttling.lockout_response"
AXES_ENABLE_ADMIN = False  # registered by salespipe.web.admin, for superusers only
AXES_VERBOSE = False
# How many proxies of ours stand in front of the app (see HTTPS below): the client's address
# is then the one the outermost of them wrote into X-Forwarded-For; with none, the socket's.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "salespipe.web.throttling.client_address"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
