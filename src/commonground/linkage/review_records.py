"""The two records of a review pair, read through the disclosure gate (a steward sees student-level data).

Nothing here reads the data plane itself: :func:`commonground.governance.gate.authorize` decides for the
pair's two hub people under the purpose :data:`PURPOSE`, and :func:`~commonground.governance.gate.read`
returns only what it allows and records the disclosure. When the gate refuses, the page says why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from commonground.linkage.models import PersonRecord, ReviewItem

#: What a steward reads the records for: deciding whether two records are one child, a school-official function
#: the hub performs for the district (34 CFR 99.31(a)(1)(i)(B)); the gate allows it only under an agreement in
#: force naming the hub as recipient and hub stewards among its roles (the demo's HUB-LINKAGE).
PURPOSE = "school_official"
FIELDS = (
    ("first_name", "First name"), ("middle_name", "Middle name"), ("last_name", "Last name"),
    ("preferred_first_name", "Preferred name"), ("birth_date", "Date of birth"), ("sex", "Sex"),
    ("address", "Address"), ("city", "City"), ("postal_code", "Postal code"), ("phone", "Phone"),
    ("email", "Email"), ("school_id", "School"), ("grade_level", "Grade"),
)  # fmt: skip
ELEMENTS = ["person.source_person_id", *(f"person.{name}" for name, _label in FIELDS)]


@dataclass
class SideBySide:
    """Rows of (label, first value, second value, same?) — or why the records cannot be shown."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    refused: str = ""


def _pick(table: Any, record: PersonRecord) -> dict[str, Any] | None:
    rows = [r for r in table.to_pylist() if r.get("hub_person_id") == record.hub_person.hub_id]
    exact = [r for r in rows if r.get("source_person_id") == record.source_person_id]
    return (exact or rows or [None])[0]


def side_by_side(user: Any, item: ReviewItem, path: str) -> SideBySide:
    """Both records field by field, through the gate; a refusal becomes the reason shown instead."""
    try:
        from commonground.governance import gate
    except ImportError:
        return SideBySide(
            refused="the disclosure gate is not installed, so no student-level data can be shown"
        )
    subjects = [item.record_a.hub_person.hub_id, item.record_b.hub_person.hub_id]
    try:
        decision = gate.authorize(user, PURPOSE, subjects, ELEMENTS)
        table = gate.read(decision, "person", "view", path=path)
    except gate.GateError as exc:
        return SideBySide(refused=f"the disclosure gate refused: {exc}")
    a, b = _pick(table, item.record_a), _pick(table, item.record_b)
    if a is None or b is None:
        return SideBySide(refused="the disclosure gate allows none of these records' fields to you")
    out = SideBySide()
    for name, label in FIELDS:
        va, vb = a.get(name), b.get(name)
        if va is None and vb is None:
            continue
        same = str(va or "").strip().lower() == str(vb or "").strip().lower()
        out.rows.append({"label": label, "a": va, "b": vb, "same": same})
    return out
