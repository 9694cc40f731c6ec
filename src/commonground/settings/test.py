"""Test settings: fast password hashing, the same database choice as production (DATABASE_URL)."""

from __future__ import annotations

from .base import *

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 - tests only
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; argon2 is the production hasher
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests: serve from the finders
# The second factor is off for tests that are about something else; tests/people/test_sign_in_hardening.py turns
# it on and checks every protected page redirects.
COMMONGROUND_REQUIRE_2FA = False
