"""What linkage reads: the current person records of every organization, as the engine's input.

:func:`read_person_rows` is the ONE place linkage reads the data plane; it runs as the hub's own job under
the disclosure gate's ``system_read("linkage")`` (no person sees these rows, so it is not a disclosure, but it
is audited). :func:`fingerprints` gives each record a keyed HMAC of its matching fields.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
from collections.abc import Iterable, Iterator

import pyarrow as pa
from django.utils.crypto import salted_hmac

from commonground.ingest import dataplane

#: The person columns the linkage model reads (everything else in the person table is ignored).
MATCHING_COLUMNS = (
    "first_name", "middle_name", "last_name", "preferred_first_name", "birth_date", "sex", "address", "city",
    "postal_code", "phone", "email", "school_id", "grade_level",
)  # fmt: skip
#: Separates an organization's slug from its source person id in the engine's ``unique_id`` (slugs have none).
KEY_SEP = "|"
_FINGERPRINT_SALT = "commonground.linkage.fingerprint"


def record_key(org_slug: str, source_person_id: str) -> str:
    """The engine's id of one record: ``"<org slug>|<source person id>"``."""
    return f"{org_slug}{KEY_SEP}{source_person_id}"


def split_key(key: str) -> tuple[str, str]:
    """``(org slug, source person id)`` of a record key (the slug never contains the separator)."""
    slug, _, source_id = key.partition(KEY_SEP)
    return slug, source_id


@contextlib.contextmanager
def _system_read() -> Iterator[None]:
    """The gate's ``system_read("linkage")`` (the hub's own job, audited there)."""
    try:
        from commonground.governance.gate import system_read
    except ImportError:  # the gate lands in another change; until then the read is still in this one place
        yield
        return
    with system_read("linkage"):
        yield


def read_person_rows(accepted: Iterable[tuple[str, int]] | None = None) -> pa.Table:
    """Current person records (or those of the ``accepted`` batches only) as the engine's input table.

    Columns: ``unique_id`` (:func:`record_key`), ``source_group`` (the organization's slug),
    :data:`MATCHING_COLUMNS` and ``match_text`` (the fields joined, for :func:`fingerprints`). A school code
    is replaced by the school's name where the organization sent its school table, so a district's code and
    a partner's "Lincoln Elementary" can agree. A record id that repeats within an organization counts once.
    """
    chosen = list(accepted) if accepted is not None else None
    con = dataplane.connect()
    try:
        with _system_read():
            con.register("person_rows", dataplane.current_relation(con, "person", chosen).to_arrow_table())
            con.register("school_rows", dataplane.current_relation(con, "school", chosen).to_arrow_table())
        cols = ", ".join(f"p.{c}" for c in MATCHING_COLUMNS if c != "school_id")
        joined = " || chr(31) || ".join(f"coalesce(CAST(p.{c} AS VARCHAR), '')" for c in MATCHING_COLUMNS)
        # Column names come from MATCHING_COLUMNS above, never from data.
        sql = f"""
            WITH schools AS (
                SELECT source_org, school_id, any_value(name) AS name FROM school_rows
                WHERE school_id IS NOT NULL AND name IS NOT NULL GROUP BY ALL)
            SELECT p.source_org || '{KEY_SEP}' || p.source_person_id AS unique_id, p.source_org AS source_group,
                   {cols}, coalesce(s.name, p.school_id) AS school_id, {joined} AS match_text
            FROM person_rows p
            LEFT JOIN schools s ON s.source_org = p.source_org AND s.school_id = p.school_id
            WHERE p.source_person_id IS NOT NULL AND p.source_org IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY p.source_org, p.source_person_id ORDER BY p.source_line) = 1
            ORDER BY unique_id"""  # noqa: S608
        return con.sql(sql).to_arrow_table()
    finally:
        con.close()


def fingerprints(match_text: Iterable[str]) -> list[str]:
    """HMAC-SHA256 of each record's matching fields, keyed from the hub's secret key (hex, 64 characters).

    Keyed so that the registry's fingerprints cannot be checked against a guessed name and birth date.
    """
    key = salted_hmac(_FINGERPRINT_SALT, "registry fingerprint key").digest()
    return [hmac.new(key, text.encode(), hashlib.sha256).hexdigest() for text in match_text]
