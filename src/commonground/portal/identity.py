"""Verifying a family without usernames it does not have: an invitation code from the school or partner plus the
child's birth date. Codes are random, single-use, expire, and are stored only as keyed hashes; wrong answers are
counted per invitation and per client address, and every failure looks the same (no hint which part was wrong).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings

#: Crockford's base32 alphabet: no I, L, O or U, so a code read aloud or copied by hand is not misread.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
#: Attempts one client address may make per hour (successful or not).
ATTEMPTS_PER_HOUR = 10


def new_code() -> str:
    """A fresh invitation code, e.g. ``7K3M-Q9XD-2HPT`` (60 random bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise(code: str) -> str:
    """What a person typed, as the code it means: case, spaces and dashes ignored; O→0, I/L→1."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(str.maketrans("OIL", "011"))


def _key(purpose: str) -> bytes:
    return hashlib.sha256(f"commonground-portal|{purpose}|{settings.SECRET_KEY}".encode()).digest()


def code_hash(code: str) -> str:
    """The keyed hash stored for a code (the code itself is never stored)."""
    return hmac.new(_key("invitation"), normalise(code).encode(), hashlib.sha256).hexdigest()


def client_key(address: str) -> str:
    """A keyed hash of a client address, enough to count attempts without keeping addresses."""
    return hmac.new(_key("client"), address.encode(), hashlib.sha256).hexdigest()[:32]


def birth_dates_for(hub_person_id: str) -> set[dt.date]:
    """The birth dates the hub holds for a child across its source records (an internal check, not a disclosure).

    Reads the current ``person`` rows of the child's source records under ``gate.system_read``.
    """
    from commonground.governance import gate
    from commonground.ingest import dataplane
    from commonground.linkage.registry import source_records

    records = set(source_records([hub_person_id]).get(hub_person_id, []))
    if not records:
        return set()
    with gate.system_read("portal identity check"):
        con = dataplane.connect()
        rel = dataplane.current_relation(con, "person")
        rows = (
            rel.filter("birth_date IS NOT NULL")
            .project("source_org, source_person_id, birth_date")
            .fetchall()
        )
    return {row[2] for row in rows if (row[0], row[1]) in records}
