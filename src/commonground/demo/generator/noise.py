"""Errors people make when they type rosters: nicknames, typos, swapped day and month, missing values, ..."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from .config import PartnerErrorRates
from .names import nicknames_for

_KEYBOARD = "qwertyuiopasdfghjklzxcvbnm"
_NEIGHBOR = {
    c: _KEYBOARD[max(0, i - 1)] + _KEYBOARD[min(len(_KEYBOARD) - 1, i + 1)] for i, c in enumerate(_KEYBOARD)
}

NoiseRow = tuple[
    str, str, str, str, str, str
]  # source_org, source_person_id, field, kind, original, published


def typo(rng: np.random.Generator, word: str) -> str:
    """One-character edit: substitute a neighboring key, delete, double or transpose a letter."""
    if len(word) < 3:
        return word + word[-1]
    i = int(rng.integers(1, len(word) - 1))
    kind = int(rng.integers(0, 4))
    c = word[i]
    if kind == 0 and c.lower() in _NEIGHBOR:
        sub = _NEIGHBOR[c.lower()][int(rng.integers(0, 2))]
        return word[:i] + (sub.upper() if c.isupper() else sub) + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + c + word[i:]
    if word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i + 1 :]


def surname_variant(rng: np.random.Generator, last: str) -> str:
    """How a two-part or hyphenated surname gets shortened or re-punctuated."""
    parts = last.replace("-", " ").split(" ")
    r = rng.random()
    if r < 0.65:
        return parts[0]
    if r < 0.8:
        return parts[-1]
    return " ".join(parts) if "-" in last else "-".join(parts)


def apply_noise(rng: np.random.Generator, rec: dict[str, Any], rates: PartnerErrorRates, org: str, pid: str,
                log: list[NoiseRow], moved_address: str) -> None:  # fmt: skip
    """Inject errors into one partner record in place (keys first, last, birth, address, phone); log each one."""

    def note(field: str, kind: str, before: Any, after: Any) -> None:
        log.append(
            (
                org,
                pid,
                field,
                kind,
                "" if before is None else str(before),
                "" if after is None else str(after),
            )
        )

    u = rng.random(9)
    last = rec["last"]
    if (" " in last or "-" in last) and u[0] < rates.surname_part:
        new = surname_variant(rng, last)
        note("last_name", "surname_part", last, new)
        rec["last"] = new
    nicks = nicknames_for(rec["first"])
    if nicks and u[1] < rates.nickname:
        new = nicks[int(rng.integers(0, len(nicks)))]
        note("first_name", "nickname", rec["first"], new)
        rec["first"] = new
    if u[2] < rates.typo:
        field = "first" if rng.random() < 0.5 else "last"
        new = typo(rng, rec[field])
        note(f"{field}_name", "typo", rec[field], new)
        rec[field] = new
    if u[3] < rates.case_mangle:
        upper = rng.random() < 0.6
        for field in ("first", "last"):
            new = rec[field].upper() if upper else rec[field].lower()
            note(f"{field}_name", "case_mangle", rec[field], new)
            rec[field] = new
    b: dt.date | None = rec["birth"]
    if b is not None and u[4] < rates.missing_birth_date:
        note("birth_date", "missing_birth_date", b.isoformat(), None)
        rec["birth"] = None
    elif b is not None and b.day <= 12 and b.day != b.month and u[5] < rates.day_month_swap:
        new_b = dt.date(b.year, b.day, b.month)
        note("birth_date", "day_month_swap", b.isoformat(), new_b.isoformat())
        rec["birth"] = new_b
    if u[6] < rates.moved_address:
        note("address", "moved_address", rec["address"], moved_address)
        rec["address"] = moved_address
    if u[7] < rates.missing_phone and rec["phone"]:
        note("phone", "missing_phone", rec["phone"], None)
        rec["phone"] = ""
    if u[8] < rates.extra_whitespace:
        new = rec["last"] + " "
        note("last_name", "extra_whitespace", rec["last"], new)
        rec["last"] = new
