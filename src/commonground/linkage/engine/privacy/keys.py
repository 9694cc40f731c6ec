"""The linkage secret and the keys derived from it (HKDF with HMAC-SHA256, RFC 5869, one key pair per field).

The secret is shared by the partners that encode (never with the hub). It comes from the environment variable
:data:`SECRET_ENV` or a key file, never from the command line, where it would land in shell history and ``ps``.
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path

SECRET_ENV = "COMMONGROUND_LINKAGE_SECRET"  # noqa: S105 - the name of the variable, not a secret
#: Fewer bytes than this is guessable by brute force over a small alphabet; refuse it.
MIN_SECRET_BYTES = 16
_SALT = b"commonground-clk-v1"


class SecretError(ValueError):
    """No usable secret: the message says where one was looked for and what was wrong."""


def load_secret(secret_file: Path | None = None, environ: dict[str, str] | None = None) -> bytes:
    """The secret from ``secret_file`` if given, else from ``$COMMONGROUND_LINKAGE_SECRET``; refuse to go without."""
    if secret_file is not None:
        try:
            secret = secret_file.read_bytes().strip()
        except OSError as exc:
            raise SecretError(f"cannot read the secret file {secret_file} ({exc.strerror})") from None
        where = f"the secret file {secret_file}"
    else:
        value = (os.environ if environ is None else environ).get(SECRET_ENV, "")
        secret = value.strip().encode("utf-8")
        where = f"${SECRET_ENV}"
        if not secret:
            raise SecretError(
                f"no linkage secret: set ${SECRET_ENV} or pass --secret-file FILE (the secret is shared by the "
                "partners that encode, never with the hub)"
            )
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(f"the secret in {where} is too short ({len(secret)} bytes); use at least "
                          f"{MIN_SECRET_BYTES} random bytes, e.g. `openssl rand -hex 32`")  # fmt: skip
    return secret


def derive(secret: bytes, info: str, length: int = 32) -> bytes:
    """HKDF-SHA256 (extract with a fixed salt, expand with ``info``): independent keys from one secret."""
    prk = hmac.digest(_SALT, secret, "sha256")
    out = b""
    block = b""
    counter = 1
    while len(out) < length:
        block = hmac.digest(prk, block + info.encode("utf-8") + bytes([counter]), "sha256")
        out += block
        counter += 1
    return out[:length]


def fingerprint(secret: bytes) -> str:
    """A short keyed fingerprint of the secret, stored with encodings so files made with different secrets
    are refused rather than linked into noise (it reveals nothing about the secret)."""
    return derive(secret, "fingerprint", 8).hex()
