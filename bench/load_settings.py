"""Settings of the load benchmark's server (``bench/bench_load.py``): the production settings, with three changes.

- The second factor is off: the benchmark's case manager has no authenticator app, and a TOTP code per session
  would measure nothing the list page does (production always enforces it; ``settings/production.py``).
- HTTPS redirects are off (set through ``COMMONGROUND_SSL_REDIRECT=0``): the benchmark talks plain HTTP on
  loopback.  Cookies keep their ``Secure`` flag; the benchmark's client sends them anyway.
- The URLs add ``/bench/students-ungated/``, the same list page without the gate, to measure what the gate costs.
  It exists only under this settings module, which lives outside the package: no installed hub can serve it.
"""

from __future__ import annotations

from commonground.settings.production import *  # noqa: F403 - settings build on settings

COMMONGROUND_REQUIRE_2FA = False
ROOT_URLCONF = "load_urls"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
