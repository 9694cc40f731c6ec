"""What a case manager may see of the students their program serves: the roster and the gate's answers.

The roster comes from the population index (``governance.PopulationFact``: the program spells and records of the
user's organizations).  Every student-level read goes through :func:`commonground.governance.gate.read`, once per
purpose that can lawfully reach a service provider (direct services, or school official where that is the
agreement), so every read writes its record of disclosures; names may also come from the organization's own
records (purpose ``own_records``: reading back what it sent is recorded too, marked as not required by law).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from django.db.models import Q
from django.utils import timezone

from commonground.governance import gate, policy
from commonground.governance.choices import PurposeCategory
from commonground.governance.models import PopulationFact
from commonground.people.choices import Role
from commonground.people.models import Membership

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


def organizations(user: Any, on: dt.date | None = None) -> list[int]:
    """The organizations where ``user`` holds an active case-manager or data-lead role."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.active(on)
        .filter(user=user, role__in=ROLES)
        .values_list("organization_id", flat=True)
        .distinct()
    )


def roster(user: Any, on: dt.date | None = None) -> list[str]:
    """Hub ids of the students the user's organizations serve: program spells in force, or records they hold."""
    day = on or timezone.localdate()
    orgs = organizations(user, day)
    if not orgs:
        return []
    current = (Q(begins__isnull=True) | Q(begins__lte=day)) & (Q(ends__isnull=True) | Q(ends__gte=day))
    rows = (
        PopulationFact.objects.filter(organization_id__in=orgs)
        .filter(Q(kind="record") | (Q(kind="program") & current))
        .order_by("hub_person_id")
        .values_list("hub_person_id", flat=True)
        .distinct()
    )
    return list(rows)


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
        pair the reason of the purpose that got furthest."""
        counts: Counter[str] = Counter()
        for subject in self.decisions[0].subjects if self.decisions else ():
            for element in self.decisions[0].elements:
                if self.allows(subject, element):
                    continue
                codes = [d.subjects[subject].denied.get(element) for d in self.decisions]
                best = max((c for c in codes if c), key=lambda c: policy.RANK[c], default=None)
                if best:
                    counts[policy.REASONS[best]] += 1
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

    def own_names(self) -> dict[str, tuple[str, str]]:
        """Names from the user's own organization's records, for students the shared purposes do not name."""
        if self.own is None or not self.own.allowed_subjects():
            return {}
        names: dict[str, tuple[str, str]] = {}
        for row in gate.read(self.own, "person", self.route, path=self.path).to_pylist():
            if row.get("first_name") or row.get("last_name"):
                names.setdefault(
                    row["hub_person_id"], (row.get("first_name") or "", row.get("last_name") or "")
                )
        return names


def authorize(user: Any, subjects: Sequence[str], *, route: str, path: str) -> Access:
    """Ask the gate, for every shared purpose, what ``user`` may see of ``subjects``.

    Names from the organization's own records are asked for the students the shared purposes do not name, and
    only when something is shared at all.
    """
    decisions = [gate.authorize(user, purpose, subjects, ELEMENTS) for purpose in SHARED_PURPOSES]
    access = Access(decisions, None, route, path)
    # Nothing shared (no agreement, lapsed training...): the page shows the reasons and no student at all.
    unnamed = [s for s in subjects if not access.allows_all(s, NAME)] if access.visible() else []
    if unnamed:
        access.own = gate.authorize(user, policy.OWN_RECORDS, unnamed, NAME)
    return access
