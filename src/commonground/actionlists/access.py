"""What a case manager may see of the students their program serves: the roster and the gate's answers.

The roster comes from the population index (``governance.PopulationFact``: the program spells and records of the
user's organizations).  Every student-level read goes through :func:`commonground.governance.gate.read`, once per
purpose that can lawfully reach a service provider (direct services, or school official where that is the
agreement), so every read writes its record of disclosures; names may also come from the organization's own
records (purpose ``own_records``: reading back what it sent is recorded too, marked as not required by law).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db import connection
from django.utils import timezone

from commonground.governance import gate, policy, revision
from commonground.governance.choices import PurposeCategory
from commonground.governance.models import PopulationFact
from commonground.people.choices import Role

#: Roles that act for the students a program serves.
ROLES = (Role.CASE_MANAGER, Role.DATA_LEAD)
#: Purposes under which a service provider may see students' school records (consent or school official).
SHARED_PURPOSES = (PurposeCategory.DIRECT_SERVICES.value, PurposeCategory.SCHOOL_OFFICIAL.value)

NAME = ("person.first_name", "person.last_name")
#: Every element an action list or a student page may show.
ELEMENTS: tuple[str, ...] = (
    *NAME,
    "person.school_id",
    "person.grade_level",
    "enrollment.school_id",
    "enrollment.entry_date",
    "enrollment.exit_date",
    "enrollment.grade_level",
    "attendance_event.date",
    "attendance_event.category",
    "attendance_event.duration",
    "attendance_summary.period_end",
    "attendance_summary.days_enrolled",
    "attendance_summary.days_absent",
    "discipline_action.date",
    "discipline_action.action_type",
    "discipline_action.days_removed",
    "course_grade.course_code",
    "course_grade.term",
    "course_grade.school_year",
    "course_grade.numeric_grade",
    "course_grade.letter_grade",
    "assessment_result.date",
    "assessment_result.subject",
    "assessment_result.performance_level",
    "program_participation.program",
    "program_participation.begin_date",
    "program_participation.end_date",
)
TABLES = tuple(dict.fromkeys(e.split(".", 1)[0] for e in ELEMENTS))
#: The elements the list's figures use (program spells are on the student's page only).
LIST_ELEMENTS: tuple[str, ...] = tuple(e for e in ELEMENTS if not e.startswith("program_participation."))


def organizations(user: Any, on: dt.date | None = None) -> list[int]:
    """The organizations where ``user`` holds an active case-manager or data-lead role."""
    if not getattr(user, "is_authenticated", False):
        return []
    return user.organizations_as(ROLES, on)


def roster(user: Any, on: dt.date | None = None) -> list[str]:
    """Hub ids of the students the user's organizations serve: program spells in force, or records they hold.

    Read again only when the population index may have changed: it is rebuilt in whole or per person (rows
    deleted, new rows with new ids) or loses rows to a destruction, each of which changes
    :func:`commonground.actionlists.records.version` — one small query instead of the roster's, on every page.
    """
    from commonground.actionlists import records  # it imports this module

    day = on or timezone.localdate()
    orgs = organizations(user, day)
    if not orgs:
        return []
    version = records.version()
    # The facts revision's token changes with any write to the population index (database triggers: an in-place
    # update too, which the version's counts and ids would not see).  The hub's home is part of the key because
    # tests build many hubs in one process (ids repeat after a rollback).
    token = revision.token()
    key = (str(getattr(settings, "COMMONGROUND_HOME", "")), tuple(sorted(orgs)), day, version, token)
    with _ROSTERS_LOCK:
        found = _ROSTERS.get(key)
    if found is None or token is None:
        found = tuple(_read_roster(orgs, day))
        with _ROSTERS_LOCK:
            _ROSTERS[key] = found
            while len(_ROSTERS) > ROSTERS_KEPT:  # the oldest first
                del _ROSTERS[next(iter(_ROSTERS))]
    return Roster(found, version)


class Roster(list[str]):
    """A roster (a list of hub ids) that also says which version of the data it was read at, so the page that
    reads the students' rows next need not ask again (:func:`commonground.actionlists.records.snapshot`)."""

    def __init__(self, hub_ids: Iterable[str], version: tuple[Any, ...]) -> None:
        super().__init__(hub_ids)
        self.version = version


#: How many rosters (organizations × day × version of the data) a process keeps.
ROSTERS_KEPT = 64
_ROSTERS: dict[tuple[Any, ...], tuple[str, ...]] = {}
_ROSTERS_LOCK = threading.Lock()


def forget_rosters() -> None:
    """Forget every roster kept (see :func:`commonground.actionlists.records.clear`)."""
    with _ROSTERS_LOCK:
        _ROSTERS.clear()


def _read_roster(orgs: list[int], day: dt.date) -> list[str]:
    """The roster of ``orgs`` on ``day``, from the population index."""
    # One plain query: building it through the ORM cost more than running it, on every page view.
    table = connection.ops.quote_name(PopulationFact._meta.db_table)
    marks = ", ".join(["%s"] * len(orgs))
    on_day = connection.ops.adapt_datefield_value(day)
    sql = (
        f"SELECT DISTINCT hub_person_id FROM {table} WHERE organization_id IN ({marks}) AND (kind = %s OR "  # noqa: S608 - table name from the model
        "(kind = %s AND (begins IS NULL OR begins <= %s) AND (ends IS NULL OR ends >= %s))) ORDER BY hub_person_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*orgs, "record", "program", on_day, on_day])
        return [hub_id for (hub_id,) in cursor.fetchall()]


@dataclass
class Access:
    """The gate's decisions for one request (one per shared purpose) and the rows they let the page read."""

    decisions: list[policy.Decision]
    own: policy.Decision | None
    route: str
    path: str

    def allows(self, subject: str, element: str) -> bool:
        """True when any shared purpose lets the user see ``element`` of ``subject``."""
        return any(d.allows(subject, element) for d in self.decisions)

    def allows_all(self, subject: str, elements: Iterable[str]) -> bool:
        """True when every one of ``elements`` may be seen."""
        return all(self.allows(subject, e) for e in elements)

    def visible(self) -> list[str]:
        """Students with at least one element the user may see under a shared purpose."""
        seen: dict[str, None] = {}
        for d in self.decisions:
            seen.update(dict.fromkeys(d.allowed_subjects()))
        return list(seen)

    def reasons(self) -> list[tuple[str, int]]:
        """Each refusal reason (plain words) with how many (student, element) pairs it withholds, most first; per
        pair the reason of the purpose that got furthest.

        An element is withheld when every purpose denies it, so a student's denials under each purpose say it all:
        students with the same denials are counted once and multiplied (most share one of a few patterns).
        """
        if not self.decisions:
            return []
        answers = tuple(d.subjects for d in self.decisions)
        last = _LAST_REASONS.get("last")
        if (
            last is not None
            and len(last[0]) == len(answers)
            and all(a is b for a, b in zip(last[0], answers, strict=True))
        ):
            return list(last[1])  # the gate reused its decisions (``policy_index.remembered``): same reasons
        patterns: Counter[tuple[tuple[tuple[str, str], ...], ...]] = Counter(
            tuple(tuple(d.subjects[subject].denied.items()) for d in self.decisions)
            for subject in self.decisions[0].subjects
        )
        counts: Counter[str] = Counter()
        for pattern, students in patterns.items():
            best: dict[str, str] = {}
            withheld = set.intersection(*(set(dict(denied)) for denied in pattern))
            for denied in pattern:
                for element, code in denied:
                    if element in withheld and (
                        element not in best or policy.RANK[code] > policy.RANK[best[element]]
                    ):
                        best[element] = code
            for code in best.values():
                counts[policy.REASONS[code]] += students
        _LAST_REASONS["last"] = (answers, counts.most_common())
        return counts.most_common()

    def reasons_for(self, subject: str, elements: Sequence[str]) -> list[str]:
        """The plain-words reasons ``elements`` of ``subject`` are withheld (best grant per element)."""
        out: dict[str, None] = {}
        for element in elements:
            if self.allows(subject, element):
                continue
            codes = [d.subjects[subject].denied.get(element) for d in self.decisions if subject in d.subjects]
            best = max((c for c in codes if c), key=lambda c: policy.RANK[c], default=None)
            if best:
                out[policy.REASONS[best]] = None
        return list(out)

    def read(self, table: str) -> list[dict[str, Any]]:
        """The rows of ``table`` every shared purpose allows, as dicts (each read records its disclosures)."""
        rows: list[dict[str, Any]] = []
        seen: set[tuple[Any, ...]] = set()
        for decision in self.decisions:
            if not any(e.startswith(f"{table}.") for s in decision.subjects.values() for e in s.allowed):
                continue
            got: pa.Table = gate.read(decision, table, self.route, path=self.path)
            for row in got.to_pylist():
                key = tuple(sorted((k, str(v)) for k, v in row.items()))
                if key not in seen:
                    seen.add(key)
                    rows.append(row)
        return rows

    def unnamed(self) -> list[str]:
        """Students the shared purposes do not name (their names may come from the organization's own records)."""
        first = self.decisions[0].subjects if self.decisions else {}
        return [s for s in first if not self.allows_all(s, NAME)]

    def own_names(self) -> dict[str, tuple[str, str]]:
        """Names from the user's own organization's records, for students the shared purposes do not name."""
        if self.own is None:
            return {}
        unnamed = set(self.unnamed())
        own = dataclasses.replace(
            self.own, subjects={s: d for s, d in self.own.subjects.items() if s in unnamed}
        )
        if not own.allowed_subjects():
            return {}
        names: dict[str, tuple[str, str]] = {}
        for row in gate.read(own, "person", self.route, path=self.path).to_pylist():
            if row.get("first_name") or row.get("last_name"):
                names.setdefault(
                    row["hub_person_id"], (row.get("first_name") or "", row.get("last_name") or "")
                )
        return names

    def decided(self) -> tuple[Any, ...]:
        """The decisions' answers as objects: identical (``is``) when the gate reused its decisions."""
        return tuple(d.subjects for d in [*self.decisions, self.own] if d is not None)

    def signature(self, subject: str) -> tuple[Any, ...]:
        """Everything :meth:`mask` depends on for ``subject``: per purpose, the allowed elements and the
        organizations whose rows they may come from (a key for figures computed from the masked rows)."""
        out: list[Any] = []
        for d in [*self.decisions, self.own]:
            verdict = d.subjects.get(subject) if d is not None else None
            allowed = verdict.allowed if verdict is not None else None
            if not allowed:
                out.append(())
            elif len(set(map(id, allowed.values()))) == 1:  # the usual case: one basis for every element
                out.append((tuple(allowed), next(iter(allowed.values())).sources))
            else:
                out.append(tuple((e, b.sources) for e, b in allowed.items()))
        return tuple(out)

    def mask(
        self, subject: str, records: Mapping[str, list[tuple[int, Row]]], parents: Mapping[int, int | None]
    ) -> Masked:
        """``subject``'s rows as the user may see them, and what seeing them discloses under which purpose.

        A cell is kept when a shared purpose allows its element from the organization that sent the row (or that
        organization's district) — the rule of :func:`commonground.governance.gate.read`; a row without any
        such cell is dropped.  Each element shown counts under the first purpose that allows it.  A student the
        shared purposes do not name gets the name from the organization's own records, if any.
        """
        verdicts = [d.subjects.get(subject) for d in self.decisions]
        shown: list[dict[str, None]] = [{} for _ in self.decisions]
        tables: dict[str, list[Row]] = {}
        for table, rows in records.items():
            kept: list[Row] = []
            cells_of: dict[int, dict[str, int]] = {}  # organization → allowed column → purpose index
            used: set[int] = set()
            for org, row in rows:
                cells = cells_of.get(org)
                if cells is None:
                    cells = cells_of[org] = _cells(verdicts, table, row, org, parents.get(org))
                if cells:
                    used.add(org)
                    kept.append({c: (v if c in cells else None) for c, v in row.items()})
            for org in used:
                for column, index in cells_of[org].items():
                    shown[index][f"{table}.{column}"] = None
            tables[table] = kept
        own_name: tuple[str, str] | None = None
        verdict = self.own.subjects.get(subject) if self.own is not None else None
        named = any(r.get("first_name") or r.get("last_name") for r in tables.get("person", ()))
        if verdict is not None and verdict.allowed and not named and not self.allows_all(subject, NAME):
            sources = next(iter(verdict.allowed.values())).sources
            own_name = next(
                (
                    (row.get("first_name") or "", row.get("last_name") or "")
                    for org, row in records.get("person", ())
                    if (org in sources or parents.get(org) in sources)
                    and (row.get("first_name") or row.get("last_name"))
                ),
                None,
            )
        return Masked(tables, tuple(tuple(s) for s in shown), own_name)

    def disclose(self, shown: Mapping[str, Masked]) -> None:
        """Record, under each purpose, what the page shows of each student in ``shown`` (route and path of the
        request); the names read back from the organization's own records under purpose ``own_records``."""
        pairs: list[tuple[policy.Decision, dict[str, Any]]] = []
        for index, decision in enumerate(self.decisions):
            chosen = {s: m.shown[index] for s, m in shown.items() if m.shown[index]}
            if chosen:
                pairs.append((decision, chosen))
        named = {s: NAME for s, m in shown.items() if m.own_name is not None}
        if named and self.own is not None:
            pairs.append((self.own, named))
        if pairs:  # one insert and one audit-chain entry for the whole page
            gate.disclose_shown_many(pairs, self.route, path=self.path)


Row = dict[str, Any]
#: The reasons last counted, with the decisions' answers they were counted from (kept alive, compared by ``is``).
_LAST_REASONS: dict[str, tuple[tuple[Any, ...], list[tuple[str, int]]]] = {}


@dataclass(frozen=True)
class Masked:
    """One student's rows as a user may see them (table → rows), the elements shown under each shared purpose
    (in the order of :data:`SHARED_PURPOSES`), and the name read back from the user's own records, if used."""

    tables: dict[str, list[Row]]
    shown: tuple[tuple[str, ...], ...]
    own_name: tuple[str, str] | None


def _cells(
    verdicts: Sequence[policy.SubjectDecision | None], table: str, row: Row, org: int, district: int | None
) -> dict[str, int]:
    """The columns of ``table`` a row sent by ``org`` may show, each with the first purpose that allows it."""
    out: dict[str, int] = {}
    for column in row:
        element = f"{table}.{column}"
        for index, verdict in enumerate(verdicts):
            basis = verdict.allowed.get(element) if verdict is not None else None
            if basis is not None and (org in basis.sources or district in basis.sources):
                out[column] = index
                break
    return out


def authorize(
    user: Any, subjects: Sequence[str], *, route: str, path: str, elements: Sequence[str] = ELEMENTS
) -> Access:
    """Ask the gate, for every shared purpose, what ``user`` may see of ``subjects`` (one load of the facts).

    Names from the organization's own records are asked for too, and kept only when something is shared at all;
    a page uses them only for the students the shared purposes do not name.
    """
    asks = [(purpose, subjects, elements) for purpose in SHARED_PURPOSES]
    *decisions, own = gate.authorize_many(user, [*asks, (policy.OWN_RECORDS, subjects, NAME)])
    access = Access(decisions, None, route, path)
    # Nothing shared (no agreement, lapsed training...): the page shows the reasons and no student at all.
    if access.visible():
        access.own = own
    return access
