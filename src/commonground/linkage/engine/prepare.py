"""Turn person records into the model's input columns (one pass, vectorised, Django-free).

The input is a pyarrow table with the canonical ``person`` columns (any subset; missing ones count as unknown)
plus ``unique_id``. Every text column is normalised once per distinct value, so cost follows the number of
distinct names and addresses rather than the number of records.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .names import fold, nickname_group, nickname_key, soundex, surname_parts

#: The columns :func:`prepare` produces, in order (what the model template compares and blocks on).
MODEL_COLUMNS = (
    "unique_id", "source_group", "first_name", "middle_name", "surname", "surname_parts", "first_nicks",
    "first_key", "first_initial", "surname_sx", "surname_sx_last", "birth_date", "birth_year", "birth_month",
    "birth_day", "sex", "street", "postcode", "address", "phone", "email", "school", "grade", "id_number",
)  # fmt: skip

_STREET_WORDS = {
    "street": "st", "str": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "court": "ct",
    "lane": "ln", "boulevard": "blvd", "place": "pl", "terrace": "ter", "circle": "cir", "parkway": "pkwy",
    "highway": "hwy", "north": "n", "south": "s", "east": "e", "west": "w", "apartment": "apt", "unit": "apt",
    "suite": "apt", "ste": "apt", "number": "", "no": "",
}  # fmt: skip
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_DIGITS = re.compile(r"\D+")
_SEX = {"f": "f", "female": "f", "woman": "f", "girl": "f", "m": "m", "male": "m", "man": "m", "boy": "m"}
_NO_SEX = {
    "",
    "u",
    "unknown",
    "not selected",
    "not_selected",
    "not given",
    "unspecified",
    "prefer not to say",
}
_GRADE_WORDS = {"k": 0, "kg": 0, "kindergarten": 0, "pk": -1, "prek": -1, "pre k": -1, "tk": 0}


def normalise_street(text: str | None) -> str | None:
    """Folded street line with common words abbreviated: ``"4697 Union Street, Apt #2"`` → ``"4697 union st apt 2"``."""
    if text is None:
        return None
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    words = [_STREET_WORDS.get(w, w) for w in _NOT_ALNUM.sub(" ", plain).split()]
    return " ".join(w for w in words if w) or None


def normalise_postcode(text: str | None) -> str | None:
    """US ZIP codes as five digits (ZIP+4 cut, lost leading zeros restored); other codes folded, no spaces."""
    if text is None:
        return None
    raw = text.strip().upper().replace(" ", "")
    if raw.endswith(".0"):  # a ZIP typed into a spreadsheet number cell
        raw = raw[:-2]
    digits = _DIGITS.sub("", raw)
    if digits == raw.replace("-", "") and 3 <= len(digits) <= 9:
        return digits[:5] if len(digits) >= 5 and len(digits) != 8 else digits.zfill(5)[:5]
    return raw or None


def normalise_phone(text: str | None) -> str | None:
    """Digits only, a leading US country code dropped; fewer than seven digits is no phone."""
    if text is None:
        return None
    digits = _DIGITS.sub("", text)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) >= 7 else None


def normalise_sex(text: str | None) -> str | None:
    """``f``, ``m``, ``x`` (another identity) or None (unknown or not given)."""
    if text is None:
        return None
    key = text.strip().lower()
    if key in _NO_SEX or any(word in key for word in ("know", "answer", "collected", "unknown")):
        return None
    for word, code in _SEX.items():
        if key == word or key.startswith(word + " ") or key.startswith(word + "("):
            return code
    return "x"


def normalise_grade(text: str | None) -> int | None:
    """Grade as a number: ``"KG"`` → 0, ``"PK"`` → -1, ``"06"`` or ``"6th"`` → 6; anything else None."""
    if text is None:
        return None
    key = text.strip().lower().replace("grade", "").strip()
    if key in _GRADE_WORDS:
        return _GRADE_WORDS[key]
    digits = _DIGITS.sub("", key)
    if digits and len(digits) <= 2 and int(digits) <= 13:
        return int(digits)
    return None


def normalise_email(text: str | None) -> str | None:
    """Lower case without spaces; None unless it looks like an address."""
    if text is None:
        return None
    value = text.strip().lower()
    return value if "@" in value and "." in value.split("@")[-1] else None


def normalise_id(text: str | None) -> str | None:
    """A person identifier (national, state or local id) as upper-case letters and digits only."""
    if text is None:
        return None
    value = re.sub(r"[^0-9A-Za-z]+", "", text).upper()
    return value or None


def _strings(table: pa.Table, name: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        return pa.chunked_array([pa.nulls(table.num_rows, pa.string())])
    col = table.column(name)
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        col = pc.cast(col, pa.string())
    return pc.if_else(pc.equal(pc.utf8_trim_whitespace(col), ""), None, col)


def _per_value(values: pa.ChunkedArray, fn: Callable[[Any], Any], out_type: pa.DataType) -> pa.ChunkedArray:
    """Apply ``fn`` once per distinct value (nulls stay null)."""
    encoded = pc.dictionary_encode(values.combine_chunks()) if values.num_chunks else None
    if encoded is None:
        return pa.chunked_array([], type=out_type)
    dictionary = encoded.dictionary.to_pylist()
    mapped = pa.array([fn(v) for v in dictionary], type=out_type)
    return pa.chunked_array([mapped.take(encoded.indices)])


def is_prepared(table: pa.Table) -> bool:
    """True when ``table`` already has exactly :data:`MODEL_COLUMNS` (prepared earlier and kept, e.g. by the registry)."""
    return tuple(table.column_names) == MODEL_COLUMNS


def prepare(table: pa.Table) -> pa.Table:
    """Normalise person records (canonical ``person`` columns + ``unique_id``) into :data:`MODEL_COLUMNS`.

    Example:
        >>> t = pa.table({"unique_id": ["1"], "first_name": ["Bill"], "last_name": ["García-López"]})
        >>> row = prepare(t).to_pylist()[0]
        >>> row["surname"], row["surname_parts"], "william" in row["first_nicks"]
        ('garcia lopez', ['garcia', 'lopez'], True)
    """
    n = table.num_rows
    first = _per_value(_strings(table, "first_name"), fold, pa.string())
    preferred = _per_value(_strings(table, "preferred_first_name"), fold, pa.string())
    last = _per_value(
        _strings(table, "last_name"), lambda v: " ".join(surname_parts(fold(v))) or None, pa.string()
    )
    parts = _per_value(last, surname_parts, pa.list_(pa.string()))
    groups = _per_value(first, nickname_group, pa.list_(pa.string()))
    if pc.any(pc.is_valid(preferred)).as_py():
        pairs = zip(groups.to_pylist(), preferred.to_pylist(), strict=True)
        groups = pa.chunked_array([pa.array(
            [sorted(set(g) | set(nickname_group(p))) if p else g for g, p in pairs], pa.list_(pa.string())
        )])  # fmt: skip
    key_of = _per_value(first, lambda v: nickname_key(nickname_group(v)), pa.string())
    birth = table.column("birth_date") if "birth_date" in table.column_names else pa.nulls(n, pa.date32())
    birth = pc.cast(birth, pa.date32())
    street = _per_value(_strings(table, "address"), normalise_street, pa.string())
    postcode = _per_value(_strings(table, "postal_code"), normalise_postcode, pa.string())
    address = pc.binary_join_element_wise(street, pc.coalesce(postcode, ""), " ")
    columns = {
        "unique_id": pc.cast(table.column("unique_id"), pa.string()),
        "source_group": _strings(table, "source_group"),
        "first_name": first,
        "middle_name": _per_value(_strings(table, "middle_name"), fold, pa.string()),
        "surname": last,
        "surname_parts": parts,
        "first_nicks": groups,
        "first_key": key_of,
        "first_initial": pc.utf8_slice_codeunits(first, 0, 1),
        "surname_sx": _per_value(last, lambda v: soundex(v.split(" ")[0]) if v else None, pa.string()),
        "surname_sx_last": _per_value(last, lambda v: soundex(v.split(" ")[-1]) if v else None, pa.string()),
        "birth_date": birth,
        "birth_year": pc.cast(pc.year(birth), pa.int16()),
        "birth_month": pc.cast(pc.month(birth), pa.int8()),
        "birth_day": pc.cast(pc.day(birth), pa.int8()),
        "sex": _per_value(_strings(table, "sex"), normalise_sex, pa.string()),
        "street": street,
        "postcode": postcode,
        "address": pc.utf8_trim_whitespace(address),
        "phone": _per_value(_strings(table, "phone"), normalise_phone, pa.string()),
        "email": _per_value(_strings(table, "email"), normalise_email, pa.string()),
        "school": _per_value(_strings(table, "school_id"), normalise_street, pa.string()),
        "grade": _per_value(_strings(table, "grade_level"), normalise_grade, pa.int8()),
        "id_number": _per_value(_strings(table, "national_id"), normalise_id, pa.string()),
    }
    return pa.table(columns)
