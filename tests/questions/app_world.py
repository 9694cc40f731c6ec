"""A small community for the question-catalog tests: a district that sends attendance totals for four schools,
a partner, and one person per role.

Chronic absence (missing ≥ 10% of enrolled days; every student is enrolled 100 days) by hand:

| school | students | chronically absent | why the cell is (or may be) hidden at min cell 10 |
|---|---|---|---|
| A | 30 | 12 | — |
| B | 20 | 10 | — |
| C | 15 | 11 | complement 4 (< 10) |
| D | 12 | 3  | numerator 3 (< 10) |
| All | 77 | 36 | — |
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from commonground.ecosystem.models import Organization
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import mapping_from_dict
from commonground.people.models import User
from commonground.questions.actions import do_approve_question, do_propose_question
from commonground.questions.models import Question
from tests.factories import OrganizationFactory, UserFactory, make_user_with_role

#: school → (students, chronically absent)
SCHOOLS = {"A": (30, 12), "B": (20, 10), "C": (15, 11), "D": (12, 3)}
TOTAL = (36, 77)


@dataclass
class World:
    """The organizations and one person per role."""

    district: Organization
    partner: Organization
    steward: User
    lead: User
    leader: User
    coordinator: User
    parent: User
    outsider: User


def summary_rows(schools: dict[str, tuple[int, int]]) -> list[list[str]]:
    """One attendance-summary row per student: 100 days enrolled, 15 absent (chronic) or 2."""
    rows = []
    for school, (students, chronic) in schools.items():
        for n in range(students):
            absent = 15 if n < chronic else 2
            rows.append([f"{school}{n:03d}", school, "2026", "100", str(absent)])
    return rows


def ingest_summary(district: Organization, folder: Path, schools: dict[str, tuple[int, int]]) -> int:
    """Send the district's attendance totals through ingest (a new batch replaces the earlier one)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"summary-{len(list(folder.iterdir()))}.csv"
    lines = ["Student,School,Year,Enrolled,Absent", *(",".join(r) for r in summary_rows(schools))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = mapping_from_dict(
        {
            "table": "attendance_summary",
            "id_column": "Student",
            "columns": {"school_id": "School", "school_year": "Year", "days_enrolled": "Enrolled",
                        "days_absent": "Absent"},
        }
    )  # fmt: skip
    sub = do_ingest(acting_user=None, organization=district, fmt="tabular", paths=[path], mapping=mapping)
    assert sub.status == "accepted", sub.report
    return sub.pk


def build(folder: Path, steward: User) -> World:
    """The organizations, people and the district's attendance totals."""
    district = OrganizationFactory(slug="riverbend", kind="district", name="Riverbend Schools")
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit", name="Bright Futures")
    ingest_summary(district, folder, SCHOOLS)
    return World(
        district=district,
        partner=partner,
        steward=steward,
        lead=make_user_with_role("data_lead", district, username="lead"),
        leader=make_user_with_role("leader", district, username="superintendent"),
        coordinator=make_user_with_role("case_manager", partner, username="coordinator"),
        parent=make_user_with_role("parent", district, username="parent"),
        outsider=UserFactory(username="outsider"),
    )


def propose(world: World, slug: str = "chronic-absence", **fields: object) -> Question:
    """The district lead proposes chronic absence by school (leaders' audience unless given)."""
    values: dict[str, object] = {
        "wording": "Which schools have the most chronically absent students?",
        "action": "Place attendance outreach workers where rates are highest.",
        "action_taker": "Superintendent's office",
        "indicators": ["chronic_absence"],
        "breakdowns": [["school"]],
        **fields,
    }
    return do_propose_question(acting_user=world.lead, owner=world.district, slug=slug, **values)  # type: ignore[arg-type]


def approved(world: World, slug: str = "chronic-absence", **fields: object) -> Question:
    """A proposed question, approved by the steward."""
    return do_approve_question(acting_user=world.steward, question=propose(world, slug, **fields))


def hub_steward() -> User:
    """The hub's organization and its steward."""
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    return make_user_with_role("hub_steward", hub, username="steward")


def make_world(folder: Path) -> World:
    """The community above with its own steward (what each test module's ``world`` fixture returns)."""
    return build(folder, hub_steward())
