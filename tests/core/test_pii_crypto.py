"""Identifying columns encrypted value by value: round trip with types restored, blobs bound to row and column,
nothing readable in the Parquet bytes, and a destroyed key makes the values unreadable."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commonground.core import keystore, pii_crypto
from commonground.core.envelope import DecryptionError
from commonground.ingest.connectors.canonical import empty_table


@pytest.fixture(autouse=True)
def keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keystore.KEYS_DIR_ENV_VAR, str(tmp_path / "keys"))
    monkeypatch.delenv(keystore.MASTER_ENV_VAR, raising=False)


def people() -> pa.Table:
    base = empty_table("person")
    rows = {
        "source_org": ["eastside", "eastside", "westside"],
        "source_person_id": ["1", "2", "1"],
        "first_name": ["Quetzalli", None, "Bartholomew"],
        "last_name": ["Zyzzyva-Ramírez", "Okonkwo", "Featherstonehaugh"],
        "birth_date": [dt.date(2013, 4, 3), dt.date(2012, 12, 31), None],
        "grade_level": ["05", "06", "05"],
    }
    columns = {
        name: pa.array(rows.get(name, [None] * 3), type=base.schema.field(name).type)
        for name in base.column_names
    }
    return pa.table(columns, schema=base.schema)


def lookup(key_id: str) -> bytes:
    return keystore.key_by_id(key_id).key


def test_round_trip_restores_every_value_and_type_and_leaves_other_columns_alone(tmp_path: Path) -> None:
    original = people()
    key = keystore.key_for("org:eastside")
    sealed = pii_crypto.encrypt_table("person", original, key)
    encrypted = set(pii_crypto.encrypted_columns("person", original.column_names))
    assert {"first_name", "last_name", "birth_date", "email", "local_id"} <= encrypted
    for name in original.column_names:
        if name in encrypted:
            assert sealed.schema.field(name).type == pa.binary(), name
        else:
            assert sealed.column(name).equals(original.column(name)), name
    assert sealed.column("first_name").null_count == 1  # absence is not secret, content is
    path = tmp_path / "person.parquet"
    pq.write_table(sealed, path)
    raw = path.read_bytes()
    for secret in (b"Quetzalli", b"Zyzzyva", b"Featherstonehaugh", b"2013-04-03", "Ramírez".encode()):
        assert secret not in raw
    back = pii_crypto.decrypt_table("person", pq.read_table(path), lookup)
    assert back.equals(original)


def test_a_blob_moved_to_another_row_or_column_does_not_decrypt() -> None:
    sealed = pii_crypto.encrypt_table("person", people(), keystore.key_for("org:eastside"))
    first = sealed.column("first_name").to_pylist()
    swapped_rows = sealed.set_column(
        sealed.column_names.index("first_name"),
        "first_name",
        pa.array([first[2], first[1], first[0]], pa.binary()),
    )
    with pytest.raises(DecryptionError, match="first_name of eastside/1"):
        pii_crypto.decrypt_table("person", swapped_rows, lookup)
    last = sealed.column("last_name")
    swapped_columns = sealed.set_column(sealed.column_names.index("first_name"), "first_name", last)
    with pytest.raises(DecryptionError):
        pii_crypto.decrypt_table("person", swapped_columns, lookup, columns=["first_name"])


def test_after_the_key_is_destroyed_nothing_decrypts() -> None:
    sealed = pii_crypto.encrypt_table("person", people(), keystore.key_for("org:eastside"))
    keystore.destroy("org:eastside")
    with pytest.raises(DecryptionError, match="its data key is gone"):
        pii_crypto.decrypt_table("person", sealed, lookup)
