"""Envelope encryption and the key store: values bound to their place, master rotation re-wraps only, and a
destroyed key makes every copy of the ciphertext unreadable."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from commonground.core import envelope, keystore, pii_crypto
from commonground.core.keystore import DataKey


@pytest.fixture
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(keystore.KEYS_DIR_ENV_VAR, str(tmp_path / "keys"))
    monkeypatch.delenv(keystore.MASTER_ENV_VAR, raising=False)
    return tmp_path / "keys"


def test_a_value_decrypts_only_in_its_own_table_column_and_row() -> None:
    key = envelope.new_key()
    blob = envelope.encrypt(key, "Zoë Ávila".encode(), envelope.aad("person", "last_name", "district/7"))
    assert b"Avila" not in blob and "Ávila".encode() not in blob
    assert (
        envelope.decrypt(key, blob, envelope.aad("person", "last_name", "district/7")).decode() == "Zoë Ávila"
    )
    for wrong in [
        ("person", "first_name", "district/7"),
        ("person", "last_name", "district/8"),
        ("school", "last_name", "district/7"),
    ]:
        with pytest.raises(envelope.DecryptionError):
            envelope.decrypt(key, blob, envelope.aad(*wrong))
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(envelope.new_key(), blob, envelope.aad("person", "last_name", "district/7"))
    flipped = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(key, flipped, envelope.aad("person", "last_name", "district/7"))


def test_the_same_value_encrypts_differently_each_time_but_tokens_are_stable_and_keyed() -> None:
    key = envelope.new_key()
    data_key = DataKey("0" * 32, "org:test", key)
    a = pii_crypto.encrypt_values(data_key, ["Smith", "Smith", None], "person", "last_name", ["1", "1", "2"])
    assert a[0] != a[1] and not a[2].is_valid
    blobs = a.to_pylist()
    assert pii_crypto.decrypt_values(blobs, "person", "last_name", ["1", "1", "2"], {data_key.key_id: key}.__getitem__) == [
        "Smith", "Smith", None,
    ]  # fmt: skip
    k1, k2 = envelope.new_key(), envelope.new_key()
    assert envelope.token(k1, "  SMITH ") == envelope.token(k1, "smith")
    assert envelope.token(k1, "smith") != envelope.token(k2, "smith")
    assert envelope.token(k1, "smith") != __import__("hashlib").sha256(b"smith").hexdigest()


def test_data_keys_live_in_the_key_folder_wrapped_and_survive_a_master_rotation(keys: Path) -> None:
    first = keystore.key_for("org:eastside")
    assert keystore.key_for("org:eastside") == first
    record = (keys / "data" / f"{first.key_id}.json").read_text()
    assert base64.b64encode(first.key).decode() not in record  # stored wrapped, never in clear
    blob = envelope.encrypt(first.key, b"2012-04-03", envelope.aad("person", "birth_date", "e/1"))
    old_master = (keys / "master.key").read_bytes()
    assert keystore.rotate_master() == 1
    assert (keys / "master.key").read_bytes() != old_master
    again = keystore.key_by_id(first.key_id)
    assert again.key == first.key  # the data key is the same: nothing had to be re-encrypted
    assert envelope.decrypt(again.key, blob, envelope.aad("person", "birth_date", "e/1")) == b"2012-04-03"


def test_a_wrong_master_key_cannot_unwrap(keys: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keystore.key_for("org:eastside")
    monkeypatch.setenv(keystore.MASTER_ENV_VAR, base64.b64encode(envelope.new_key()).decode())
    with pytest.raises(keystore.MissingKeyError):
        keystore.key_for("org:eastside")


def test_destroying_a_scope_key_shreds_it_and_leaves_the_others(keys: Path) -> None:
    east, west = keystore.key_for("org:eastside"), keystore.key_for("org:westside")
    blob = envelope.encrypt(east.key, b"Maria", envelope.aad("person", "first_name", "e/1"))
    assert keystore.destroy("org:eastside") == east.key_id
    assert not (keys / "data" / f"{east.key_id}.json").exists()
    assert "org:eastside" not in keystore.scopes() and keystore.key_for("org:westside") == west
    with pytest.raises(keystore.MissingKeyError):
        keystore.key_by_id(east.key_id)
    with pytest.raises(keystore.MissingKeyError):
        keystore.key_for("org:eastside", create=False)
    # the only thing that could decrypt the copy is gone; a new key for the scope cannot read it either
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt(
            keystore.key_for("org:eastside").key, blob, envelope.aad("person", "first_name", "e/1")
        )
