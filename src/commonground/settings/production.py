"""Production settings: every secret from the environment, HTTPS only, PostgreSQL expected."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *

if not SECRET_KEY:
    raise ImproperlyConfigured("COMMONGROUND_SECRET_KEY must be set in production")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("COMMONGROUND_ALLOWED_HOSTS must list the hub's host names")

DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("COMMONGROUND_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
COMMONGROUND_REQUIRE_2FA = True  # never off in production
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
