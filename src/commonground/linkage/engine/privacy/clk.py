"""CLK encoding (Schnell, Bachteler and Reiher's cryptographic long-term key) of person records.

Each record becomes one Bloom filter of ``bits`` bits. Every field's tokens (padded bigrams of the normalised
value, or whole tokens for dates, sex and postcode) are hashed into it ``k`` times with double hashing,
``h_i = (HMAC(key1, token) + i * HMAC(key2, token)) mod bits``, using keys derived per field from the shared
secret. A field's ``k`` is its weight: names set more bits than the postcode. Normalisation is the engine's own
(:func:`~commonground.linkage.engine.prepare.prepare`), so encoded and plaintext linkage see the same values.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..prepare import prepare
from .keys import derive, fingerprint

DEFAULT_BITS = 1024


@dataclass(frozen=True)
class FieldSpec:
    """One encoded field: its name (also the key-derivation info) and how many bits each token sets."""

    name: str
    k: int


#: The fields and their weights (bits set per token). The first name's nickname group (the name and every formal
#: name it can stand for, each a whole token) is its own field, so Bill ~ William still share bits through the
#: names their groups share; the day/month-swapped date is its own field so a swapped date still shares some.
FIELDS = (
    FieldSpec("first_name", 10), FieldSpec("first_nick", 5), FieldSpec("surname", 10),
    FieldSpec("birth_date", 12), FieldSpec("birth_date_swapped", 6), FieldSpec("sex", 4),
    FieldSpec("street", 3), FieldSpec("postcode", 6),
)  # fmt: skip
#: Keyed blocking tokens: pairs are compared only when they share at least one.
BLOCK_COLUMNS = ("blk_dob", "blk_sx_year", "blk_sx_last_year", "blk_nick_year", "blk_nick_sx")


def bigrams(value: str | None) -> list[str]:
    """Padded bigrams: ``"ann"`` → ``["_a", "an", "nn", "n_"]`` (the padding makes first and last letters count)."""
    if not value:
        return []
    padded = f"_{value}_"
    return [padded[i : i + 2] for i in range(len(padded) - 1)]


def _date_tokens(year: int | None, month: int | None, day: int | None) -> tuple[list[str], list[str]]:
    if year is None or month is None or day is None:
        return [], []
    low, high = sorted((month, day))
    # The swapped field holds the unordered day/month pair, the same for 2012-04-03 and 2012-03-04.
    return [f"y{year}", f"m{month}", f"d{day}"], [f"y{year}", f"dm{low}-{high}"]


@dataclass
class Encoder:
    """Encodes tokens into Bloom-filter positions with the keys derived from one secret (cached per token)."""

    secret: bytes
    bits: int = DEFAULT_BITS
    ks: dict[str, int] = field(default_factory=lambda: {f.name: f.k for f in FIELDS})

    def __post_init__(self) -> None:
        self._keys = {
            name: (derive(self.secret, f"{name}|h1"), derive(self.secret, f"{name}|h2")) for name in self.ks
        }
        self._block_key = derive(self.secret, "blocking")
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    def positions(self, field_name: str, token: str) -> np.ndarray:
        """The ``k`` bit positions of ``token`` in ``field_name`` (double hashing over two HMAC-SHA256 keys)."""
        key = (field_name, token)
        found = self._cache.get(key)
        if found is None:
            k1, k2 = self._keys[field_name]
            msg = token.encode("utf-8")
            a = int.from_bytes(hmac.digest(k1, msg, "sha256"), "big")
            b = int.from_bytes(hmac.digest(k2, msg, "sha256"), "big")
            found = np.array([(a + i * b) % self.bits for i in range(self.ks[field_name])], dtype=np.int64)
            self._cache[key] = found
        return found

    def block_token(self, kind: str, value: str | None) -> str | None:
        """A keyed blocking token (truncated HMAC): equal values give equal tokens, nothing else is revealed."""
        if not value:
            return None
        return hmac.digest(self._block_key, f"{kind}|{value}".encode(), "sha256")[:12].hex()


@dataclass
class Encoded:
    """Encodings of one file: ``id``, ``clk`` (base64), the blocking tokens; plus what the checks need."""

    table: pa.Table
    filters: np.ndarray  # packed bits, one row per record (uint8, bits // 8 columns)
    field_bits: dict[str, np.ndarray]  # bit insertions per field per record, for the frequency check
    bits: int
    fingerprint: str


def _record_tokens(row: dict[str, object]) -> dict[str, list[str]]:
    """The tokens of each field of one prepared record."""
    dates, swapped = _date_tokens(row["birth_year"], row["birth_month"], row["birth_day"])  # type: ignore[arg-type]
    parts = row["surname_parts"] or []
    postcode = row["postcode"]
    sex = row["sex"]
    return {
        "first_name": bigrams(row["first_name"]),  # type: ignore[arg-type]
        "first_nick": list(row["first_nicks"] or []),  # type: ignore[call-overload]
        "surname": [g for part in parts for g in bigrams(part)],  # type: ignore[attr-defined]
        "birth_date": dates,
        "birth_date_swapped": swapped,
        "sex": [str(sex)] if sex else [],
        "street": bigrams(row["street"]),  # type: ignore[arg-type]
        "postcode": [str(postcode)] if postcode else [],
    }


def _blocks(enc: Encoder, row: dict[str, object]) -> list[str | None]:
    year = str(row["birth_year"]) if row["birth_year"] is not None else None
    date = row["birth_date"].isoformat() if row["birth_date"] is not None else None  # type: ignore[attr-defined]
    sx, sx_last, nick = row["surname_sx"], row["surname_sx_last"], row["first_key"]

    def both(a: object, b: object) -> str | None:
        return f"{a}|{b}" if a and b else None

    return [
        enc.block_token("dob", date),
        enc.block_token("sx_year", both(sx, year)),
        enc.block_token("sx_last_year", both(sx_last, year)),
        enc.block_token("nick_year", both(nick, year)),
        enc.block_token("nick_sx", both(nick, sx)),
    ]


def encode_people(people: pa.Table, secret: bytes, bits: int = DEFAULT_BITS) -> Encoded:
    """Encode person records (canonical ``person`` columns + ``unique_id``) into CLKs and blocking tokens.

    Example:
        >>> t = pa.table({"unique_id": ["1"], "first_name": ["Bill"], "last_name": ["Ng"]})
        >>> enc = encode_people(t, b"0123456789abcdef-secret")
        >>> enc.table.column_names[:2], enc.filters.shape
        (['id', 'clk'], (1, 128))
    """
    if bits < 64 or bits % 8:
        raise ValueError(f"--bits must be a multiple of 8 and at least 64 (got {bits})")
    enc = Encoder(secret, bits)
    rows = prepare(people).to_pylist()
    n = len(rows)
    unpacked = np.zeros((n, bits), dtype=bool)
    field_bits = {f.name: np.zeros(n, dtype=np.int32) for f in FIELDS}
    blocks: list[list[str | None]] = [[] for _ in BLOCK_COLUMNS]
    for r, row in enumerate(rows):
        for name, tokens in _record_tokens(row).items():
            for token in tokens:
                unpacked[r, enc.positions(name, token)] = True
            field_bits[name][r] = len(tokens) * enc.ks[name]
        for column, block in zip(blocks, _blocks(enc, row), strict=True):
            column.append(block)
    packed = np.packbits(unpacked, axis=1)
    clks = [base64.b64encode(packed[i].tobytes()).decode("ascii") for i in range(n)]
    columns: dict[str, Iterable[object]] = {"id": [row["unique_id"] for row in rows], "clk": clks}
    columns.update(zip(BLOCK_COLUMNS, blocks, strict=True))
    table = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    return Encoded(table, packed, field_bits, bits, fingerprint(secret))


def decode_filters(clks: list[str], bits: int) -> np.ndarray:
    """Base64 CLKs back to packed bit rows; every filter must have ``bits`` bits."""
    width = bits // 8
    out = np.zeros((len(clks), width), dtype=np.uint8)
    for i, text in enumerate(clks):
        raw = base64.b64decode(text, validate=True)
        if len(raw) != width:
            raise ValueError(f"record {i + 1}: a filter of {len(raw) * 8} bits where {bits} were expected")
        out[i] = np.frombuffer(raw, dtype=np.uint8)
    return out
