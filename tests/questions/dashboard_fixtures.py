"""A small hand-made release for the dashboard tests: three schools, two school years, six neighbourhoods.

Grains published: the total, school, year, neighbourhood and school × year (as a question with the breakdown
sets ``[["school", "year"], ["neighborhood"]]`` publishes). Oak Hill, school 417300102 in 2025 and the 2024 row
of school 417300101 are suppressed; "Unknown" is a neighbourhood with no boundary.
"""

from __future__ import annotations

import datetime as dt

from commonground.ecosystem.models import Organization
from commonground.questions.choices import Audience, QuestionStatus
from commonground.questions.dashboards import MeasureInfo
from commonground.questions.models import Question, Release
from commonground.questions.releases import sha256_text
from tests.factories import OrganizationFactory
from tests.questions.app_world import World, approved

HEADER = "school,year,neighborhood,measure,numerator,denominator,value,status"
MEASURE = MeasureInfo("chronic_absence", "Chronically absent students", True)
SCHOOL_NAMES = {"school": {"417300100": "Riverside Elementary", "417300101": "Lincoln Elementary",
                           "417300102": "Oak Hill Elementary"}}  # fmt: skip

_ROWS = [
    ("All", "All", "All", 180, 900),
    ("All", "2024", "All", 100, 450),
    ("All", "2025", "All", 80, 450),
    ("417300100", "All", "All", 80, 400),
    ("417300101", "All", "All", 60, 300),
    ("417300102", "All", "All", 40, 200),
    ("417300100", "2024", "All", 40, 200),
    ("417300100", "2025", "All", 40, 200),
    ("417300101", "2024", "All", None, None),
    ("417300101", "2025", "All", 32, 150),
    ("417300102", "2024", "All", 22, 100),
    ("417300102", "2025", "All", None, None),
    ("All", "All", "Riverside", 40, 200),
    ("All", "All", "Oak Hill", None, None),
    ("All", "All", "Millbrook", 60, 210),
    ("All", "All", "East Bluff", 50, 160),
    ("All", "All", "Cedar Park", 12, 100),
    ("All", "All", "Northgate", 10, 95),
    ("All", "All", "Unknown", None, None),
]


def _line(school: str, year: str, hood: str, num: int | None, den: int | None) -> str:
    if num is None or den is None:
        return f"{school},{year},{hood},chronic_absence,,,,suppressed"
    return f"{school},{year},{hood},chronic_absence,{num},{den},{round(num / den, 4)},published"


CSV_TEXT = "\n".join([HEADER, *(_line(*r) for r in _ROWS)]) + "\n"


def handmade(
    world: World, slug: str = "absence-map", audience: str = Audience.LEADERS, csv_text: str = CSV_TEXT
) -> Question:
    """A published question whose release is the hand-made table (schools, two years, neighbourhoods)."""
    question = approved(world, slug, audience=audience, wording="Where are children missing the most school?",
                        breakdowns=[["school", "year"], ["neighborhood"]])  # fmt: skip
    Question.objects.filter(pk=question.pk).update(status=QuestionStatus.PUBLISHED)
    for i, name in enumerate(("Riverside Elementary", "Lincoln Elementary", "Oak Hill Elementary")):
        if not Organization.objects.filter(slug=f"school-{i}").exists():
            OrganizationFactory(slug=f"school-{i}", kind="school", name=name, external_id=f"4173001{i:02d}")
    provenance = {
        "indicators": [{"id": "chronic_absence", "ref": "chronic_absence@1", "title": "Chronic absence",
                        "params": {"threshold": 0.1, "min_days": 10, "school_year": 0}}],
        "breakdowns": [["school", "year"], ["neighborhood"]],
        "submissions": [{"id": 7, "organization": "riverbend", "dataset": "attendance", "tables": ["attendance_summary"],
                         "decided_at": "2025-06-30T12:00:00+00:00"}],
        "suppression": [{"min_cell": 10, "primary_cells": 3, "complementary_cells": 1, "hidden_numbers_audited": 9}],
        "person_link": {"records": 1200, "people": 900},
    }  # fmt: skip
    Release.objects.create(
        question=question, version=1, question_version=1, min_cell=10, provenance=provenance, csv_text=csv_text,
        sha256=sha256_text(csv_text), rows=19, suppressed_rows=4,
        created_at=dt.datetime(2025, 7, 1, 15, tzinfo=dt.UTC),
    )  # fmt: skip
    return question
