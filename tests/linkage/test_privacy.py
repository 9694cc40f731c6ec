"""Privacy-preserving linkage: CLK encodings, their checks, linking them, and ``encode``/``link-encoded``."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from commonground.linkage.engine.evalsets import EvalSet
from commonground.linkage.engine.evaluate import pairwise_quality
from commonground.linkage.engine.privacy.clk import Encoded, encode_people
from commonground.linkage.engine.privacy.keys import SECRET_ENV, SecretError, load_secret
from commonground.linkage.engine.privacy.match import dice, link_encoded
from commonground.linkage.engine.privacy.quality import check, fill_ratios
from commonground.linkage.engine.privacy.store import EncodedFile, read_encoded, write_encoded
from tests.helpers import CLI, cli_env, run_cli
from tests.linkage.conftest import people

SECRET = b"test-secret-0123456789abcdef"
OTHER = b"another-secret-0123456789abcdef"
ANA = {"unique_id": "a1", "first_name": "Anastasia", "last_name": "Garcia-Lopez", "birth_date": "2012-04-03",
       "sex": "F", "address": "12 Oakland Street", "postal_code": "02134"}  # fmt: skip


def _one(enc: Encoded, i: int = 0) -> np.ndarray:
    return enc.filters[i : i + 1]


def _dice(a: np.ndarray, b: np.ndarray) -> float:
    return float(dice(a, b, np.array([0]), np.array([0]))[0])


def _as_file(name: str, table: pa.Table, secret: bytes = SECRET) -> EncodedFile:
    enc = encode_people(table, secret)
    blocks = enc.table.drop_columns(["id", "clk"])
    return EncodedFile(
        name, enc.table.column("id").to_pylist(), enc.filters, blocks, enc.bits, enc.fingerprint
    )


def test_same_secret_same_encoding_other_secret_unlinkable() -> None:
    table = people([ANA])
    first, again, other = (
        encode_people(table, SECRET),
        encode_people(table, SECRET),
        encode_people(table, OTHER),
    )
    assert first.table.equals(again.table)
    assert first.table.column("clk")[0] != other.table.column("clk")[0]
    assert first.table.column("blk_dob")[0] != other.table.column("blk_dob")[0]
    # The same person under another secret agrees only as much as two random filters of that fill do.
    p, q = fill_ratios(first)[0], fill_ratios(other)[0]
    random_dice = p * q * 2 / (p + q)
    assert abs(_dice(_one(first), _one(other)) - random_dice) < 0.08  # measured 0.285 against 0.267
    assert _dice(_one(first), _one(again)) == 1.0


def test_no_plaintext_in_the_output(tmp_path: Path) -> None:
    enc = encode_people(people([ANA]), SECRET)
    for suffix in ("parquet", "csv"):
        path = tmp_path / f"enc.{suffix}"
        write_encoded(path, enc)
        data = path.read_bytes().lower()
        for value in (b"anastasia", b"garcia", b"lopez", b"2012-04-03", b"20120403", b"oakland", b"02134"):
            assert value not in data, (suffix, value)


def test_nickname_equivalence_survives_encoding() -> None:
    base = {"last_name": "Smith", "birth_date": "2011-09-14", "sex": "M", "address": "4697 Union Street",
            "postal_code": "02134"}  # fmt: skip
    table = people([
        {"unique_id": "w", "first_name": "William", **base},
        {"unique_id": "b", "first_name": "Bill", **base},
        {"unique_id": "g", "first_name": "Gerald", **base},
    ])  # fmt: skip
    enc = encode_people(table, SECRET)
    william_bill = _dice(enc.filters[0:1], enc.filters[1:2])
    william_gerald = _dice(enc.filters[0:1], enc.filters[2:3])
    assert william_bill >= 0.75 > william_gerald
    left, right = _as_file("l", table.slice(0, 1)), _as_file("r", table.slice(1, 1))
    assert link_encoded(left, right).column("right_id").to_pylist() == ["b"]


def test_day_month_swap_still_links() -> None:
    table = people([ANA, {**ANA, "unique_id": "a2", "birth_date": "2012-03-04"}])
    pairs = link_encoded(_as_file("l", table.slice(0, 1)), _as_file("r", table.slice(1, 1)))
    assert pairs.num_rows == 1 and pairs.column("score")[0].as_py() < 1.0


def test_overfilled_filters_are_refused() -> None:
    fine = encode_people(people([ANA]), SECRET, bits=1024)
    assert not check(fine)
    crowded = encode_people(people([ANA]), SECRET, bits=64)
    findings = check(crowded)
    assert findings[0].severity == "error" and "overfilled" in findings[0].message
    assert "--bits 128" in findings[0].message


def test_a_dominant_field_is_warned_about() -> None:
    long_name = {
        "unique_id": "x",
        "last_name": "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft",
    }
    findings = check(encode_people(people([long_name]), SECRET, bits=4096))
    assert any(f.severity == "warning" and "frequency attack" in f.message for f in findings)


def test_encoded_linking_against_ground_truth(evalset: EvalSet) -> None:
    """2,000 generated students: encoded links measured against the truth (bench/bench_privacy.py at 10,000)."""
    left = _as_file("district", evalset.left)
    right_groups = sorted(set(evalset.right.column("source_group").to_pylist()))
    links = pa.concat_tables([
        link_encoded(left, _as_file(g, evalset.right.filter(pc.equal(evalset.right.column("source_group"), g))))
        for g in right_groups
    ])  # fmt: skip
    quality = pairwise_quality(links, evalset.true_pairs)
    # Measured 1.000 precision and 0.986 recall at the default threshold 0.75 on this set (seed 11).
    assert quality.precision >= 0.99
    assert quality.recall >= 0.96


def test_load_secret_refuses_missing_or_short(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match=SECRET_ENV):
        load_secret(None, environ={})
    short = tmp_path / "key"
    short.write_text("abc\n", encoding="utf-8")
    with pytest.raises(SecretError, match="too short"):
        load_secret(short)
    assert load_secret(None, environ={SECRET_ENV: SECRET.decode()}) == SECRET


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


HEADER = ["Student ID", "First Name", "Last Name", "Date of Birth", "Zip"]


def test_cli_round_trip_with_a_secret_file(tmp_path: Path) -> None:
    key = tmp_path / "secret.key"
    key.write_bytes(SECRET)
    _write_csv(tmp_path / "district.csv", [HEADER, ["s1", "William", "Smith", "2011-09-14", "02134"],
                                           ["s2", "Maria", "Santos", "2010-01-30", "02135"]])  # fmt: skip
    _write_csv(tmp_path / "partner.csv", [HEADER, ["p9", "Bill", "Smith", "2011-09-14", "02134"],
                                          ["p8", "Rosa", "Nguyen", "2012-06-02", "02139"]])  # fmt: skip
    for name, suffix in (("district", "parquet"), ("partner", "csv")):
        done = run_cli("encode", str(tmp_path / f"{name}.csv"), "--out", str(tmp_path / f"{name}.enc.{suffix}"),
                       "--secret-file", str(key), "--id", "Student ID")  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "encoded 2 records" in done.stdout
    assert b"Smith" not in (tmp_path / "partner.enc.csv").read_bytes()
    out = tmp_path / "pairs.csv"
    done = run_cli("link-encoded", str(tmp_path / "district.enc.parquet"), str(tmp_path / "partner.enc.csv"),
                   "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [(r["left_id"], r["right_id"]) for r in rows] == [("s1", "p9")]
    assert read_encoded(tmp_path / "district.enc.parquet").bits == 1024


def test_cli_bad_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess

    monkeypatch.delenv(SECRET_ENV, raising=False)
    people_csv = tmp_path / "people.csv"
    _write_csv(people_csv, [HEADER, ["s1", "William", "Smith", "2011-09-14", "02134"]])
    done = run_cli("encode", str(people_csv), "--out", str(tmp_path / "x.parquet"))
    assert done.returncode == 2 and SECRET_ENV in done.stderr and "Traceback" not in done.stderr
    key = tmp_path / "k"
    key.write_bytes(SECRET)
    no_names = tmp_path / "no_names.csv"
    _write_csv(no_names, [["Student ID", "Zip"], ["s1", "02134"]])
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    for bad, expected in ((no_names, "no column recognisable"), (empty, "is empty")):
        done = run_cli("encode", str(bad), "--out", str(tmp_path / "x.parquet"), "--secret-file", str(key))
        assert done.returncode == 2 and expected in done.stderr, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
    # The secret from the environment; two files under different secrets are refused, not linked into noise.
    env = {**cli_env(), SECRET_ENV: OTHER.decode()}
    cli = [*CLI, "encode", str(people_csv), "--out", str(tmp_path / "o.parquet")]
    assert subprocess.run(cli, env=env, capture_output=True, check=False).returncode == 0  # noqa: S603
    done = run_cli("encode", str(people_csv), "--out", str(tmp_path / "s.parquet"), "--secret-file", str(key))
    assert done.returncode == 0, done.stderr
    done = run_cli("link-encoded", str(tmp_path / "s.parquet"), str(tmp_path / "o.parquet"), "--out",
                   str(tmp_path / "p.csv"))  # fmt: skip
    assert done.returncode == 2 and "different secrets" in done.stderr
    done = run_cli(
        "link-encoded", str(people_csv), str(tmp_path / "o.parquet"), "--out", str(tmp_path / "p.csv")
    )
    assert done.returncode == 2 and "not an encoded file" in done.stderr
