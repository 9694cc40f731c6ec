"""The hub's home folder: database, data-plane files and keys live under it.

Resolution order: an explicit ``--home`` (which the CLI copies into ``COMMONGROUND_HOME``), then the
``COMMONGROUND_HOME`` environment variable, then ``./var`` relative to the working directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

ENV_VAR = "COMMONGROUND_HOME"


class HomeError(Exception):
    """The home folder cannot be used (missing permissions, a file in the way...)."""


def hub_home() -> Path:
    """Return the absolute path of the hub's home folder (it may not exist yet)."""
    return Path(os.environ.get(ENV_VAR) or "var").expanduser().resolve()


def ensure_home(path: Path | None = None) -> Path:
    """Create the home folder and its standard sub-folders; raise :class:`HomeError` if it is unusable.

    Example:
        >>> ensure_home(Path("/tmp/cg-home"))  # doctest: +SKIP
        PosixPath('/tmp/cg-home')
    """
    home = (path or hub_home()).resolve()
    try:
        for sub in ("", "data", "keys", "exports"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        # A probe name of its own: processes starting together (gunicorn workers, crash-test children) on
        # one home must not delete each other's probe.
        handle, probe = tempfile.mkstemp(prefix=".write-test-", dir=home)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise HomeError(f"cannot use {home} as the hub's home folder: {reason}") from exc
    return home
