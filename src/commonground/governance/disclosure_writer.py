"""Writing the record of disclosures (34 CFR 99.32): the rows for what was disclosed, in one statement, and one
audit-chain entry that commits to a digest of them.

Used by :mod:`commonground.governance.gate` only.  A list page discloses under several purposes at once; all of it
is one insert and one chain entry, inside the transaction of the request that shows the data.  The insert is
written out (one multi-row ``INSERT … RETURNING id``) rather than built by ``bulk_create``, whose per-object,
per-field preparation cost more than the rest of a page's disclosure.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from commonground.core import audit, chain
from commonground.governance import policy
from commonground.governance.models import Agreement, DisclosureRecord

#: The columns written, in order (model attribute names): the student, what is the same for every student under
#: one basis, then the redisclosed record, the elements and the moment.
FIELDS = (
    "hub_person_id", "recipient_organization_id", "recipient_user_id", "recipient_label", "recipient_role",
    "purpose", "legitimate_interest", "basis", "agreement_id", "agreement_reference", "consent_id",
    "consent_reference", "route", "route_path", "required_by_law", "redisclosure_of_id", "elements", "at",
)  # fmt: skip
#: One record as written: values in the order of :data:`FIELDS`.
Row = tuple[Any, ...]
_SUBJECT, _BASIS, _REFERENCE, _ELEMENTS = (
    FIELDS.index(n) for n in ("hub_person_id", "basis", "agreement_reference", "elements")
)
#: Rows per statement: far below SQLite's and PostgreSQL's limits on bound parameters (32,766 and 65,535).
CHUNK = 1000


class DisclosureOutsideTransactionError(RuntimeError):
    """Disclosure records were written outside a transaction, so they could be lost while the data went out."""


class NoSuchDisclosureError(ValueError):
    """A redisclosure names earlier records that do not exist or are about someone else."""


def _check_originals(originals: Mapping[str, int]) -> None:
    found = dict(
        DisclosureRecord.objects.filter(pk__in=set(originals.values())).values_list("pk", "hub_person_id")
    )
    bad = sorted(s for s, pk in originals.items() if found.get(pk) != s)
    if bad:
        raise NoSuchDisclosureError(
            f"no earlier disclosure of {', '.join(bad)} with the given record ids to redisclose"
        )


def _by_basis(
    allowed: Mapping[str, policy.Basis], elements: list[str]
) -> list[tuple[policy.Basis, list[str]]]:
    """The elements grouped by the basis that allows each, equal bases together.

    Grouped by identity first (a decision shares one basis object among the elements of a grant), then equal
    groups merged: hashing a basis hashes all its fields, once per element of every student shown.
    """
    by_id: dict[int, tuple[policy.Basis, list[str]]] = {}
    for element in elements:
        basis = allowed[element]
        group = by_id.get(id(basis))
        if group is None:
            by_id[id(basis)] = (basis, [element])
        else:
            group[1].append(element)
    groups = list(by_id.values())
    if len(groups) == 1:
        return groups
    merged: list[tuple[policy.Basis, list[str]]] = []
    for basis, listed in groups:
        same = next((m for m in merged if m[0] == basis), None)
        if same is None:
            merged.append((basis, listed))
        else:
            same[1].extend(listed)
    return merged


def _rows(
    items: Sequence[tuple[policy.Decision, Mapping[str, list[str]]]],
    route: str,
    path: str,
    originals: Mapping[str, int],
) -> list[Row]:
    """One row per decision, student and basis: the elements shown under that basis."""
    grouped = [
        (decision, subject, _by_basis(decision.subjects[subject].allowed, elements))
        for decision, chosen in items
        for subject, elements in chosen.items()
    ]
    agreement_ids = {
        b.agreement_id for _d, _s, groups in grouped for b, _e in groups if b.agreement_id is not None
    }
    agreements = {
        pk: (reference, purpose)
        for pk, reference, purpose in Agreement.objects.filter(pk__in=agreement_ids).values_list(
            "pk", "reference", "purpose"
        )
    }
    at = timezone.now()
    rows: list[Row] = []
    constant: dict[tuple[int, int], Row] = {}  # (decision, basis) → the fields every student under it shares
    for decision, subject, groups in grouped:
        for basis, listed in groups:
            shared = constant.get((id(decision), id(basis)))
            if shared is None:
                reference, interest = agreements.get(basis.agreement_id or 0, ("", ""))
                label = decision.actor_label or str(decision.actor_id or "")
                shared = constant[(id(decision), id(basis))] = (
                    basis.organization_id, decision.actor_id, label, basis.role, decision.purpose, interest,
                    basis.kind, basis.agreement_id, reference, basis.consent_id, str(basis.consent_id or ""),
                    route, path[:300], basis.kind not in policy.RECORD_EXEMPT,
                )  # fmt: skip
            rows.append((subject, *shared, originals.get(subject), listed, at))
    return rows


#: PostgreSQL array type of each column of :data:`FIELDS` (the columns passed as arrays to ``unnest``).
_PG_ARRAYS = (
    "text[]", "bigint[]", "bigint[]", "text[]", "text[]", "text[]", "text[]", "text[]", "bigint[]", "text[]",
    "bigint[]", "text[]", "text[]", "text[]", "boolean[]", "bigint[]", "jsonb[]",
)  # fmt: skip


def _insert(rows: list[Row]) -> list[int]:
    """Insert ``rows``; their ids, in order.

    PostgreSQL: one ``INSERT … SELECT FROM unnest(arrays)`` per :data:`CHUNK` — eighteen parameters, where a
    multi-row ``VALUES`` had thousands for the driver to find and quote one by one.  SQLite: a multi-row ``VALUES``.
    """
    meta = DisclosureRecord._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    columns = ", ".join(connection.ops.quote_name(str(by_attname[name].column)) for name in FIELDS)
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(str(meta.pk.column))
    prepared_at = by_attname["at"].get_db_prep_save(rows[0][-1], connection)
    ids: list[int] = []
    if connection.vendor == "postgresql":
        import psycopg  # only with PostgreSQL

        connection.ensure_connection()
        arrays = ", ".join(f"%b::{kind}" for kind in _PG_ARRAYS)  # binary: no per-value text escaping
        sql = (
            f"INSERT INTO {table} ({columns}) SELECT u.*, %s FROM unnest({arrays}) AS u "  # noqa: S608 - model's table
            f"RETURNING {pk}"
        )
        dumps: dict[tuple[str, ...], str] = {}  # most rows disclose the same few lists of elements
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            values: list[list[Any]] = [
                list(column) for column in zip(*(row[:-2] for row in chunk), strict=True)
            ]
            values.append(
                [
                    dumps.get(k) or dumps.setdefault(k, json.dumps(list(k)))
                    for k in (tuple(r[-2]) for r in chunk)
                ]
            )
            # A server-side binding cursor on the same connection (the same transaction): the arrays go as
            # parameters, dumped by the driver's C code, not quoted into the statement's text value by value.
            raw: Any = psycopg.Cursor(connection.connection)  # django-stubs type the argument as a wrapper
            # Django's wrapper around it, so the statement is logged and counted like any other.
            wrapped = (
                connection.make_debug_cursor(raw)
                if connection.queries_logged
                else connection.make_cursor(raw)
            )
            with wrapped as cursor:
                cursor.execute(sql, [prepared_at, *values])  # the moment comes first in the text
                ids.extend(int(r[0]) for r in cursor.fetchall())
        return ids
    elements_field = by_attname["elements"]
    json_of: dict[tuple[str, ...], Any] = {}
    one = "(" + ", ".join(["%s"] * len(FIELDS)) + ")"
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        params: list[Any] = []
        for row in chunk:
            key = tuple(row[-2])
            prepared = json_of.get(key)
            if prepared is None:
                prepared = json_of[key] = elements_field.get_db_prep_save(row[-2], connection)
            params.extend(row[:-2])
            params.append(prepared)
            params.append(prepared_at)
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(chunk))} RETURNING {pk}"  # noqa: S608 - model's table
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids.extend(int(r[0]) for r in cursor.fetchall())
    return ids


def _chain(items: Sequence[tuple[policy.Decision, Any]], rows: list[Row], ids: list[int], route: str) -> None:
    """One audit-chain entry for the whole disclosure, committing to a digest of its records (editing any record
    changes the digest the chain vouches for)."""
    from commonground.people.models import User

    digest = hashlib.sha256(
        chain.canonical_json(
            [
                [pk, r[_SUBJECT], r[_BASIS], r[_REFERENCE], sorted(r[_ELEMENTS])]
                for pk, r in zip(ids, rows, strict=True)
            ]
        )
    ).hexdigest()
    decision = items[0][0]
    # The chain needs the actor's id and name, both in the decision: no query for the user.
    actor = User(pk=decision.actor_id, username=decision.actor_label) if decision.actor_id else None
    purposes = ", ".join(dict.fromkeys(d.purpose for d, _chosen in items))
    audit.record(
        actor=actor,
        action="governance.disclose",
        summary=f"Disclosed records of {len({r[_SUBJECT] for r in rows})} students ({route}, {purposes})",
        details={"records": [ids[0], ids[-1]], "count": len(ids), "digest": digest},
    )


def write(
    items: Sequence[tuple[policy.Decision, Mapping[str, list[str]]]],
    route: str,
    path: str,
    redisclosure_of: Mapping[str, int] | None = None,
) -> tuple[list[int], list[Row]]:
    """Write the records for every ``(decision, student → elements)`` in ``items`` and their chain entry.

    All decisions must be about one actor (one page, one request).  Returns the new records' ids and their field
    values (in the order of :data:`FIELDS`), in the same order.  Raises :class:`DisclosureOutsideTransactionError` outside a transaction.
    """
    if not transaction.get_connection().in_atomic_block:
        raise DisclosureOutsideTransactionError(
            "disclosure records must be written inside the transaction of the request that discloses"
        )
    if len({d.actor_id for d, _chosen in items}) > 1:
        raise ValueError("one disclosure is about one actor")
    originals = dict(redisclosure_of or {})
    if originals:
        _check_originals(originals)
    rows = _rows(items, route, path, originals)
    if not rows:
        return [], []
    ids = _insert(rows)
    _chain(items, rows, ids, route)
    return ids, rows
