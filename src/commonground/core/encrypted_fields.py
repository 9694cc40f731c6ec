"""Identifying text of the control plane (a student's or a signer's name) kept encrypted in the database.

:class:`EncryptedTextField` stores ``cg1:<key id>:<base64 blob>``: AES-256-GCM under the data key of one scope
(:data:`SCOPE`, wrapped by the master key like every data key, see :mod:`.keystore`), with a fresh nonce per
write and associated data binding the value to its table and column (``cg|<db table>|<column>|``): a value copied
into another column does not decrypt. Rows are not bound (the row's id does not exist yet when it is inserted).

What it gives up: the database cannot compare, search or sort these columns (each write has a new nonce), so
pages search by ids and sort by dates instead. A value written before the field was encrypted (no ``cg1:``
prefix) is read as it is; the migration that introduced the field encrypts existing rows.

Example:
    >>> field = EncryptedTextField(max_length=200)
    >>> stored = seal("governance_consent", "student_name", "Ana Alvarez")
    >>> stored.startswith("cg1:"), open_value("governance_consent", "student_name", stored)
    (True, 'Ana Alvarez')
"""

from __future__ import annotations

import base64
from typing import Any

from django import forms
from django.core import validators
from django.db import models

from commonground.core import envelope, keystore

#: The key scope of every encrypted control-plane value.
SCOPE = "hub:control-plane"
PREFIX = "cg1:"
#: Shown instead of a value whose key was destroyed (crypto-shredded).
ERASED = "[erased]"

_cache: dict[str, bytes] = {}


def _key(key_id: str) -> bytes:
    # Cached per process, but only while the key file exists: a destroyed key stops working at once.
    if not (keystore.keys_dir() / "data" / f"{key_id}.json").exists():
        _cache.pop(key_id, None)
        raise keystore.MissingKeyError(f"data key {key_id} does not exist (destroyed?)")
    if key_id not in _cache:
        _cache[key_id] = keystore.key_by_id(key_id).key
    return _cache[key_id]


def seal(table: str, column: str, value: str) -> str:
    """The stored form of ``value`` for ``table.column``."""
    key = keystore.key_for(SCOPE)
    _cache.setdefault(key.key_id, key.key)
    blob = envelope.encrypt(key.key, value.encode(), envelope.aad(table, column, ""))
    return f"{PREFIX}{key.key_id}:{base64.b64encode(blob).decode()}"


def open_value(table: str, column: str, stored: str) -> str:
    """The plaintext of a stored value (:data:`ERASED` once its key is destroyed; plaintext rows as they are).

    Raises :class:`~.envelope.DecryptionError` when the value was changed or moved from another column.
    """
    if not stored.startswith(PREFIX):
        return stored
    key_id, _sep, body = stored[len(PREFIX) :].partition(":")
    try:
        key = _key(key_id)
    except keystore.MissingKeyError:
        return ERASED
    where = envelope.aad(table, column, "")
    return envelope.decrypt(key, base64.b64decode(body), where).decode()


class EncryptedTextField(models.TextField):
    """A short text encrypted at rest; Python code and forms see plaintext, the database only ciphertext.

    ``max_length`` limits the plaintext (the stored text is longer), as a validator and in forms.
    """

    description = "Text encrypted at rest (AES-256-GCM)"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        """Decrypt what the database returns."""
        if value is None:
            return None
        return open_value(self.model._meta.db_table, self.column or self.name, value)

    def get_prep_value(self, value: Any) -> Any:
        """Encrypt what is written (already-sealed text and empty strings are left as they are)."""
        value = super().get_prep_value(value)
        if value is None or value == "" or str(value).startswith(PREFIX):
            return value
        return seal(self.model._meta.db_table, self.column or self.name, str(value))

    def formfield(self, **kwargs: Any) -> Any:
        """A one-line text input, like the CharField it replaces."""
        defaults = {"form_class": forms.CharField, "max_length": self.max_length, "widget": forms.TextInput}
        return models.Field.formfield(self, **{**defaults, **kwargs})
