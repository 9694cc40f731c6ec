"""Settings shared by every environment."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url

from commonground.home import hub_home

PACKAGE_DIR = Path(__file__).resolve().parent.parent
HOME = hub_home()

SECRET_KEY = os.environ.get("COMMONGROUND_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("COMMONGROUND_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "commonground.core.admin_site.HubAdminConfig",  # django.contrib.admin with the stewards' site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "commonground.core",
    "commonground.people",
    "commonground.ecosystem",
    "commonground.ingest",
    "ninja",  # serves the API docs' own static files (no CDN)
    "commonground.api",
    "commonground.governance",
    "commonground.portal",
    "commonground.linkage",
    "commonground.actionlists",
    "commonground.questions",
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
    "django.contrib.messages.middleware.MessageMiddleware",
    "commonground.people.security.SessionTimeoutMiddleware",
    "commonground.people.security.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "commonground.people.security.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its response
]

ROOT_URLCONF = "commonground.urls"
WSGI_APPLICATION = "commonground.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "commonground.core.context_processors.navigation",
            ],
        },
    },
]


def database_from_env() -> dict[str, object]:
    """SQLite under the hub's home folder unless ``DATABASE_URL`` names another database."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60))
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(HOME / "db.sqlite3"),
        # Kept open between requests: opening one (Django's SQL functions, the pragmas, a cold page cache) cost
        # about as much CPU as a whole list page.  A restore writes into the file through SQLite's backup API,
        # which open connections see.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        # WAL lets the web server read while a long job writes; IMMEDIATE avoids lock upgrades mid-transaction.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        },
    }


DATABASES = {"default": database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "America/Chicago"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The hub's own settings.
COMMONGROUND_HUB_NAME = os.environ.get("COMMONGROUND_HUB_NAME", "Common Ground data hub")
#: Shown on the public transparency page: where families and the public write to the hub.
COMMONGROUND_CONTACT_EMAIL = os.environ.get("COMMONGROUND_CONTACT_EMAIL", "")
COMMONGROUND_CONTACT_ADDRESS = os.environ.get("COMMONGROUND_CONTACT_ADDRESS", "")
COMMONGROUND_HOME = HOME
COMMONGROUND_DATA_DIR = HOME / "data"
#: Neighbourhood boundaries the dashboards' maps draw (GeoJSON, one feature per neighbourhood named by its "name"
#: property). Empty: <hub home>/boundaries.geojson when it exists, else the demo city's bundled boundaries.
COMMONGROUND_BOUNDARIES = os.environ.get("COMMONGROUND_BOUNDARIES", "")
#: Sign a checkpoint of the audit chain every this many entries (0: only on `commonground audit checkpoint`).
COMMONGROUND_AUDIT_CHECKPOINT_EVERY = int(os.environ.get("COMMONGROUND_AUDIT_CHECKPOINT_EVERY", "1000"))

# Uploads: files over 2.5 MB stream to temporary files, never into memory; one upload (all its files) is capped.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 200
FILE_UPLOAD_HANDLERS = [
    "commonground.ingest.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
COMMONGROUND_MAX_UPLOAD_BYTES = int(os.environ.get("COMMONGROUND_MAX_UPLOAD_MB", "2048")) * 1024 * 1024
# Ingest: rows with row-level errors are quarantined (the rest published) while a table's bad rows stay within
# both limits; more reject the submission. Per organization/system/table: ingest.IngestPolicy.
COMMONGROUND_QUARANTINE_MAX_ROWS = int(os.environ.get("COMMONGROUND_QUARANTINE_MAX_ROWS", "100"))
COMMONGROUND_QUARANTINE_MAX_PERCENT = float(os.environ.get("COMMONGROUND_QUARANTINE_MAX_PERCENT", "1"))

# Sign-in hardening (see THREAT_MODEL.md). Passwords: argon2id; older hashes are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("COMMONGROUND_SIGNIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("COMMONGROUND_SIGNIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "commonground.people.account_views.locked_out"
AXES_VERBOSE = False
#: Roles that can see student-level data sign in with a TOTP code too (people/security.py).
COMMONGROUND_REQUIRE_2FA = os.environ.get("COMMONGROUND_REQUIRE_2FA", "1") == "1"
OTP_TOTP_ISSUER = COMMONGROUND_HUB_NAME
#: Nobody reads a TOTP secret back from the admin (its QR code and key pages answer 403), stewards included.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
COMMONGROUND_SESSION_IDLE_MINUTES = int(os.environ.get("COMMONGROUND_SESSION_IDLE_MINUTES", "30"))
COMMONGROUND_SESSION_MAX_HOURS = int(os.environ.get("COMMONGROUND_SESSION_MAX_HOURS", "12"))
SESSION_COOKIE_AGE = COMMONGROUND_SESSION_MAX_HOURS * 3600
