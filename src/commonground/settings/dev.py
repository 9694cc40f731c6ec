"""Developer and demo settings: embedded SQLite under the home folder, served on localhost."""

from __future__ import annotations

import os

from .base import *

DEBUG = False  # the demo serves static files through whitenoise, as production does
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The demo's accounts have no authenticator app enrolled, so the second factor is off unless asked for
# (COMMONGROUND_REQUIRE_2FA=1); production settings always enforce it.
COMMONGROUND_REQUIRE_2FA = os.environ.get("COMMONGROUND_REQUIRE_2FA", "0") == "1"
