"""Settings for the 质量信得过班组 platform.

Everything that differs between a laptop and production comes from environment
variables; the defaults give an embedded set-up (SQLite, local files, console e-mail).
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("XINBAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default keeps its data here

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", "dev-insecure-key-change-me-in-production-0123456789abcdef")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The absolute address printed on certificates (QR code) and in e-mails. Production must
# say it: a certificate printed with a wrong address cannot be corrected, so without DEBUG
# a missing SITE_URL is a system check error and the WSGI application refuses to start
# (xinban/core/checks.py). `make run` sets it to the address it serves.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "xinban.core",
    "xinban.accounts",
    "xinban.campaigns",
    "xinban.organisations",
    "xinban.applications",
    "xinban.scoring",
    "xinban.recommendation",
    "xinban.uploads_resumable",
    "xinban.evaluation",
    "xinban.tasks",
    "xinban.notifications",
    "xinban.publication",
    "xinban.events",
    "xinban.learning",
    "xinban.reports",
    "xinban.integrity",
    "xinban.imports",
    "xinban.dashboards",
    "xinban.workbench",
    "xinban.exports",
    "xinban.api",
    "xinban.ops",  # demo data, bench, backup: the top of the house
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "xinban.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xinban.core.middleware.SecurityHeadersMiddleware",
    "xinban.core.middleware.RequestContextMiddleware",
    "xinban.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xinban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xinban.core.context_processors.navigation",
                "xinban.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded default serve a few concurrent users.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if env_bool("XINBAN_FAST_HASHER", False):  # tests only: argon2 is slow by design
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "core:home"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Staff and guiding-unit users log in with a TOTP second factor. On by default in
# production; `make run` (DEBUG=1) leaves it off so the demo logins work at once.
REQUIRE_TWO_FACTOR = env_bool("XINBAN_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "上海市质量协会 质量信得过班组平台"
# Proxies whose X-Real-IP header names the client (audit log, login throttle).
XINBAN_TRUSTED_PROXIES = env_list("XINBAN_TRUSTED_PROXIES", ["127.0.0.1", "::1"])
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
# One account from every address together (docs/deploy.md, "Log-in throttling").
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 50)
# API tokens of staff and guiding units end after at most this many days (never over 90).
XINBAN_PRIVILEGED_TOKEN_DAYS = min(90, max(1, env_int("XINBAN_PRIVILEGED_TOKEN_DAYS", 90)))
# JSON API rate limits (xinban/api/throttling.py): requests per window per API token or
# user, and per client address for the public operations; 0 switches a limit off.
XINBAN_API_RATE_LIMIT = env_int("XINBAN_API_RATE_LIMIT", 600)
XINBAN_API_RATE_LIMIT_ANON = env_int("XINBAN_API_RATE_LIMIT_ANON", 120)
XINBAN_API_RATE_WINDOW_SECONDS = env_int("XINBAN_API_RATE_WINDOW_SECONDS", 60)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "xinban" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "xinban" / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # files are served only through permission-checked views
STORAGES = {
    "default": {"BACKEND": env_str("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": env_str(
            "STATIC_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True

# Uploads: small files stay in memory, larger ones stream to a temporary file;
# the size limit is enforced while streaming (xinban.core.uploads).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
XINBAN_MAX_UPLOAD_BYTES = env_int("XINBAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Largest multipart body; unset means the per-file limit plus 1 MiB (xinban.core.uploads).
XINBAN_MAX_UPLOAD_REQUEST_BYTES = env_int("XINBAN_MAX_UPLOAD_REQUEST_BYTES", 0) or None
FILE_UPLOAD_HANDLERS = [
    "xinban.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# Development: every e-mail is also readable at /dev/mail/ (xinban/core/devmail.py).
XINBAN_DEV_MAIL_DIR = env_str("XINBAN_DEV_MAIL_DIR", str(VAR_DIR / "dev-mail"))
XINBAN_DEV_MAIL_INNER_BACKEND = EMAIL_BACKEND
if DEBUG:
    EMAIL_BACKEND = "xinban.core.devmail.DevMailboxBackend"
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "上海市质量协会 <noreply@saq.example>")

# Production hardening, on by default without DEBUG: secure cookies, HSTS, the SSL
# redirect and the proxy's X-Forwarded-Proto. A plain-HTTP installation (a test machine
# behind no TLS) says XINBAN_HTTPS=0. `manage.py check --deploy --fail-level WARNING` is
# clean with only SECRET_KEY, ALLOWED_HOSTS and SITE_URL set (docs/deploy.md).
HTTPS = env_bool("XINBAN_HTTPS", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "xinban": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
        "django.request": {"handlers": ["console"], "level": "ERROR"},
    },
}

XINBAN_LABEL = _("上海市质量信得过班组建设活动平台")

# Background tasks (xinban.tasks): a worker holds a task under a lease it renews with every
# progress step; a task whose lease ran out is claimed again by another worker. Failed
# attempts are retried after XINBAN_TASK_RETRY_SECONDS × 2^(attempt-1).
XINBAN_TASK_LEASE_SECONDS = env_int("XINBAN_TASK_LEASE_SECONDS", 120)
XINBAN_TASK_RETRY_SECONDS = env_int("XINBAN_TASK_RETRY_SECONDS", 10)
XINBAN_TASK_MODULES = env_str("XINBAN_TASK_MODULES", "")
# Tasks are declared and queued through Django's standard Tasks API (django-tasks, the
# backport of Django 6's django.tasks); the platform's leased worker is its backend.
TASKS = {"default": {"BACKEND": "xinban.tasks.backend.LeasedDatabaseBackend"}}

# Excel exports longer than this run as background tasks (xinban.exports).
XINBAN_EXPORT_BACKGROUND_ROWS = env_int("XINBAN_EXPORT_BACKGROUND_ROWS", 5000)
