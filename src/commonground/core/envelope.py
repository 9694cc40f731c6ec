"""Envelope encryption of identifying values, Django-free: AES-256-GCM under data keys wrapped by a master key.

- A **data key** (32 random bytes) encrypts values; each value gets a fresh 96-bit nonce and is bound by its
  associated data to where it belongs (``table``, ``column`` and the row's key), so a ciphertext copied into
  another row or column fails to decrypt instead of silently moving a child's name.
- A **master key** (from ``COMMONGROUND_MASTER_KEY``, base64, or a key file) only wraps data keys (AES-256-GCM
  with the key id as associated data). Rotating the master key re-wraps the data keys; no value is re-encrypted.
- **Tokens** for matching and equality are keyed HMAC-SHA256, never unkeyed hashes of identifiers.

Blob layout: ``b"\\x01" || nonce (12) || ciphertext || tag (16)``.

Example:
    >>> key = new_key()
    >>> blob = encrypt(key, b"Maria", aad("person", "first_name", "district/123"))
    >>> decrypt(key, blob, aad("person", "first_name", "district/123"))
    b'Maria'
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = b"\x01"
NONCE = 12
KEY_BYTES = 32


class DecryptionError(ValueError):
    """A value could not be decrypted: wrong key, destroyed key, or a value moved or changed."""


def new_key() -> bytes:
    """32 random bytes from the operating system."""
    return os.urandom(KEY_BYTES)


def key_fingerprint(key: bytes) -> str:
    """A short, non-reversible name for a key (to say which master key wrapped a data key)."""
    return hashlib.sha256(b"commonground-key-id|" + key).hexdigest()[:16]


def aad(table: str, column: str, row_key: str) -> bytes:
    """The associated data binding a value to its table, column and row."""
    return f"cg|{table}|{column}|{row_key}".encode()


def encrypt(key: bytes, plaintext: bytes, associated: bytes) -> bytes:
    """Encrypt one value."""
    nonce = os.urandom(NONCE)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, associated)


def decrypt(key: bytes, blob: bytes, associated: bytes) -> bytes:
    """Decrypt one value; raise :class:`DecryptionError` if the key or the associated data is not the one used."""
    if len(blob) < 1 + NONCE + 16 or blob[:1] != VERSION:
        raise DecryptionError("not an encrypted value of this hub")
    try:
        return AESGCM(key).decrypt(blob[1 : 1 + NONCE], blob[1 + NONCE :], associated)
    except InvalidTag as exc:
        raise DecryptionError("the value does not decrypt with this key for this place") from exc


def wrap(master: bytes, data_key: bytes, key_id: str) -> bytes:
    """Wrap a data key with the master key (the key id is bound as associated data)."""
    return encrypt(master, data_key, f"cg-data-key|{key_id}".encode())


def unwrap(master: bytes, wrapped: bytes, key_id: str) -> bytes:
    """Recover a data key; :class:`DecryptionError` with the wrong master key or another key's id."""
    return decrypt(master, wrapped, f"cg-data-key|{key_id}".encode())


def token(hmac_key: bytes, value: str, purpose: str = "match") -> str:
    """A keyed HMAC-SHA256 token of a normalised value, for equality and blocking without the value itself."""
    normalised = " ".join(value.casefold().split())
    return hmac.new(hmac_key, f"{purpose}|{normalised}".encode(), hashlib.sha256).hexdigest()
