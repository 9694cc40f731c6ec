"""The audit signing key: an Ed25519 key kept in a file outside the database.

Whoever can rewrite the database cannot forge a checkpoint without this file. The private key lives at
``COMMONGROUND_AUDIT_KEY_FILE`` (default ``<hub home>/keys/audit-ed25519.pem``, created with mode 0600 on first
use); operators should keep a copy of the public key (``commonground audit public-key``) somewhere else too, so a
verifier can check checkpoints even if the key file were swapped.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from commonground.home import hub_home

KEY_ENV_VAR = "COMMONGROUND_AUDIT_KEY_FILE"


def key_path() -> Path:
    """Where the signing key is read from (and created at, the first time)."""
    configured = os.environ.get(KEY_ENV_VAR)
    return Path(configured) if configured else hub_home() / "keys" / "audit-ed25519.pem"


def load_or_create_key(path: Path | None = None) -> Ed25519PrivateKey:
    """The private signing key; a new one is generated (0600) when the file does not exist yet."""
    path = path or key_path()
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 private key")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return key


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key, hex-encoded: short enough to print, store and compare."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def sign(message: bytes, key: Ed25519PrivateKey) -> str:
    """An Ed25519 signature over ``message``, hex-encoded."""
    return key.sign(message).hex()


def verify(message: bytes, signature_hex: str, public_hex: str) -> bool:
    """Whether ``signature_hex`` is a valid signature of ``message`` by the public key ``public_hex``."""
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex)).verify(
            bytes.fromhex(signature_hex), message
        )
    except (InvalidSignature, ValueError):
        return False
    return True
