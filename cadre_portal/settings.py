"""Settings for the county cadre portal.

One module, driven by environment variables. With nothing set it runs the
embedded default a newcomer needs: a SQLite file in the project and Celery
tasks executed in-process. Production sets ``DATABASE_URL`` (PostgreSQL),
``REDIS_URL`` (the Celery broker), ``SECRET_KEY``, ``DEBUG=0`` and
``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


# pytest (8.2+) sets PYTEST_VERSION for the whole run.
TESTING = "PYTEST_VERSION" in os.environ
DEBUG = env_bool("DEBUG", default=False)
# Served over HTTPS (production): secure cookies, HSTS and the HTTPS redirect.
HTTPS = env_bool("HTTPS", default=False)
SECRET_KEY = os.environ.get(
    "SECRET_KEY",
    # Only ever used on a developer machine: production must set SECRET_KEY,
    # and `check --deploy` flags this value.
    "django-insecure-dev-only-key-change-me",
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "cadre_portal",
    "cadre_portal.notifications",
    "cadre_portal.excel",
    "cadre_portal.figures",
    "cadre_portal.dashboards",
    "cadre_portal.documents",
    "reserves",
    "youth_cadres",
    "youth_cadres.retention",
    "talents",
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
    "cadre_portal.middleware.SessionLimitsMiddleware",
    "cadre_portal.middleware.LoginRequiredMiddleware",
    "cadre_portal.middleware.PrivateNoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it turns a login refused by the throttle into the 429 page.
    "cadre_portal.login_throttle.LoginThrottleMiddleware",
]

ROOT_URLCONF = "cadre_portal.urls"
WSGI_APPLICATION = "cadre_portal.wsgi.application"

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
                "cadre_portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# A web (gunicorn) process: deploy/gunicorn.conf.py sets PORTAL_WEB_PROCESS=1. Workers,
# beat and management commands leave it unset (no statement timeout for long jobs).
WEB_PROCESS = env_bool("PORTAL_WEB_PROCESS")
# A web request's query is cancelled after this long (0: never), well inside gunicorn's
# 30 s worker timeout, so a runaway query answers "查询超时" instead of killing the worker.
WEB_STATEMENT_TIMEOUT_MS = env_int("WEB_STATEMENT_TIMEOUT_MS", 15_000)
if DATABASE_URL:
    # Persistent connections (DB_CONN_MAX_AGE seconds) with a health check before each
    # request reuses one: after PostgreSQL drops connections (restart, failover,
    # pg_terminate_backend) the next request reconnects instead of answering 500.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # jit=off: the portal's queries are short OLTP lookups; PostgreSQL's JIT spent
        # up to 90 % of their time compiling (measured 2x faster without it).
        pg_options = ["-c jit=off"]
        if WEB_PROCESS and WEB_STATEMENT_TIMEOUT_MS:
            pg_options += [
                f"-c statement_timeout={WEB_STATEMENT_TIMEOUT_MS}",
                # A request that dies holding a transaction must not hold its locks for long.
                "-c idle_in_transaction_session_timeout=60000",
            ]
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(pg_options)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue
            # (up to `timeout` seconds) instead of failing with "database is locked".
            # WAL mode is switched on per connection in cadre_portal.apps.
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not Django's in-memory default: an in-memory shared-cache database
    # answers "database table is locked" at once instead of queueing writers, so
    # tests would not behave like the real file database.
    DATABASES["default"]["TEST"].setdefault("NAME", str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth, sessions, lockout ------------------------------------------------
AUTH_USER_MODEL = "cadre_portal.User"
AUTHENTICATION_BACKENDS = [
    "cadre_portal.login_throttle.ThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's own message for this one has no Chinese translation (a plural form).
    {"NAME": "cadre_portal.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Idle and absolute session limits, enforced by SessionLimitsMiddleware.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("SESSION_ABSOLUTE_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True

# Failed logins are throttled per username+address, per username (except at the user's
# own recent addresses) and per address, progressively: cadre_portal.login_throttle.
# Limits per key: {"pair": {"limit": 5, "minutes": 5}, "username": {...}, "ip": {...}}.
LOGIN_THROTTLE = {
    "pair": {"limit": env_int("LOGIN_LIMIT_PER_USERNAME_ADDRESS", 5), "minutes": env_int("LOGIN_LOCK_MINUTES", 5)},
    "username": {"limit": env_int("LOGIN_LIMIT_PER_USERNAME", 20), "minutes": 15},
    "ip": {"limit": env_int("LOGIN_LIMIT_PER_ADDRESS", 50), "minutes": 15},
}
# django-axes stays installed only for its migration history (an earlier migration
# depends on it); it counts nothing.
AXES_ENABLED = False

# URLs reachable without logging in (names or path prefixes).
LOGIN_EXEMPT_URL_NAMES = {"login", "healthz"}
LOGIN_EXEMPT_PATH_PREFIXES = ("/static/", "/favicon.ico")

# How many reverse proxies (nginx, a load balancer) stand in front of gunicorn and
# append to X-Forwarded-For. 0 (the default): the client is REMOTE_ADDR and the header
# is ignored, so nobody can forge the address the audit log and lockouts record.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# --- Security (production values switch on when DEBUG is off) --------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Tabler and ECharts set inline styles at run time.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- I18N -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Backups (manage.py backup / restore, cadre_portal.backup): where, how long.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
BACKUP_KEEP_DAYS = env_int("BACKUP_KEEP_DAYS", 30)
BACKUP_KEEP_MIN = env_int("BACKUP_KEEP_MIN", 3)
# Audit events are kept at least six months (网络安全法); older ones are archived to
# gzip'd JSON-lines files here by the nightly housekeeping (cadre_portal.housekeeping).
AUDIT_KEEP_DAYS = env_int("AUDIT_KEEP_DAYS", 190)
AUDIT_ARCHIVE_DIR = Path(os.environ.get("AUDIT_ARCHIVE_DIR", BASE_DIR / "audit_archive"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            # Tests and DEBUG read files straight from static/; otherwise
            # `collectstatic` (run by `make run`) builds the hashed manifest.
            if DEBUG or TESTING or env_bool("PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Import uploads and validated rows (cadre_portal/excel/storage.py): always through this
# storage alias, never a local path, so web nodes and workers need not share a disk. The
# default is a folder (EXCEL_IMPORT_DIR, else MEDIA_ROOT/excel_imports); with web and
# workers on different hosts set EXCEL_IMPORT_STORAGE_BACKEND to an S3-compatible backend
# (e.g. "storages.backends.s3.S3Storage" with django-storages installed, for MinIO) and its
# options as JSON in EXCEL_IMPORT_STORAGE_OPTIONS (docs/OPERATIONS.md).
EXCEL_IMPORT_DIR = os.environ.get("EXCEL_IMPORT_DIR", "")
STORAGES["excel_imports"] = {
    "BACKEND": os.environ.get("EXCEL_IMPORT_STORAGE_BACKEND", "cadre_portal.excel.storage.ImportFileStorage"),
    "OPTIONS": json.loads(os.environ.get("EXCEL_IMPORT_STORAGE_OPTIONS", "") or "{}"),
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# --- Email ------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if not os.environ.get("EMAIL_HOST") else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "人才梯队管理平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
# No broker configured: run tasks in-process (the embedded default).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# --- Third-party UI -----------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-vcenter card-table table-striped"}

# --- Excel import / export ------------------------------------------------------
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
EXCEL_MAX_UPLOAD_BYTES = env_int("EXCEL_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
EXCEL_MAX_ROWS = env_int("EXCEL_MAX_ROWS", 50_000)
# A process working on an import refreshes its heartbeat this often; beat's sweep fails a
# job whose heartbeat is older than EXCEL_JOB_STALE_SECONDS (its worker is gone).
EXCEL_JOB_HEARTBEAT_SECONDS = env_int("EXCEL_JOB_HEARTBEAT_SECONDS", 10)
EXCEL_JOB_STALE_SECONDS = env_int("EXCEL_JOB_STALE_SECONDS", 120)
# Exports of more rows than this are written in the background (outbox → Celery worker, or
# in-process without a broker); their download link works for its owner for the TTL.
EXCEL_EXPORT_ASYNC_ROWS = env_int("EXCEL_EXPORT_ASYNC_ROWS", 5000)
EXCEL_EXPORT_TTL_MINUTES = env_int("EXCEL_EXPORT_TTL_MINUTES", 60)
EXCEL_EXPORT_DIR = os.environ.get("EXCEL_EXPORT_DIR") or str(MEDIA_ROOT / "excel_exports")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
SITE_NAME = os.environ.get("SITE_NAME", "干部人才梯队建设管理平台")
CSRF_FAILURE_VIEW = "cadre_portal.views.csrf_failure"
# axes is installed for its migrations only (see AXES_ENABLED); its checks about its
# own middleware and backend do not apply.
SILENCED_SYSTEM_CHECKS = ["axes.W002", "axes.W003", "axes.W004", "axes.W006"]

if TESTING:
    # Fast hashing keeps persona creation cheap; never used outside tests.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The last village 两委 换届 (the start of the "本届" period of the figures).
TERM_START = os.environ.get("TERM_START", "2026-01-01")
# Figure results are cached on PostgreSQL and invalidated by every committed write
# (cadre_portal/figures/cache.py): a number lags a write by at most ~2 minutes
# (FIGURES_CACHE_STALE_SECONDS), usually ≤ 20 s, and is never older than FIGURES_CACHE_SECONDS.
FIGURES_CACHE_SECONDS = env_int("FIGURES_CACHE_SECONDS", 0 if TESTING else 300)
FIGURES_CACHE_MIN_SECONDS = env_int("FIGURES_CACHE_MIN_SECONDS", 15)
# Older results (up to this age) are served while one background thread recomputes them.
FIGURES_CACHE_STALE_SECONDS = env_int("FIGURES_CACHE_STALE_SECONDS", 120)

# Characters a person's name may hold besides Han characters and the middle dot of
# minority names (cadre_portal.people.clean_name; docs/SECURITY.md).
PERSON_NAME_EXTRA_CHARACTERS = os.environ.get("PERSON_NAME_EXTRA_CHARACTERS", "〇")

# Reserve cadres' age at nomination (reserves.models.nominee_age_check): under
# RESERVES_AGE_MIN is refused (form and import); outside the usual band
# RESERVES_AGE_USUAL_MIN–RESERVES_AGE_USUAL_MAX the form asks for a confirmation and
# the person page shows a warning.
RESERVES_AGE_MIN = env_int("RESERVES_AGE_MIN", 18)
RESERVES_AGE_USUAL_MIN = env_int("RESERVES_AGE_USUAL_MIN", 20)
RESERVES_AGE_USUAL_MAX = env_int("RESERVES_AGE_USUAL_MAX", 45)

# The portal's address as users reach it, for links in reminder e-mails.
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
