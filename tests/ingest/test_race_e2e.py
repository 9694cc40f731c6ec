"""End to end: the demo district's Ed-Fi XML and OneRoster exports → the data plane → chronic absence by race.

The generated community's district writes race and ethnicity as the real formats do (``demographics.csv``
true/false columns; Ed-Fi ``Race`` descriptors and ``HispanicLatinoEthnicity``). Both are ingested through
``do_ingest``; the indicator then runs over ``dataplane.current_relation`` as the hub's own jobs do (inside
``system_read``), first with the Ed-Fi person rows, then with the OneRoster roster that supersedes them. The
two formats must give the same cells, and those cells must add up and match the file's own counts.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from commonground.demo.generator import GeneratorConfig, generate
from commonground.demo.load import load_community
from commonground.ecosystem.models import Organization
from commonground.governance.gate import system_read
from commonground.ingest import dataplane
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors import race
from commonground.questions.indicators import run_indicator

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

TABLES = ("person", "school", "enrollment", "attendance_event", "attendance_summary", "calendar_date")
FLAGS = {
    "americanIndianOrAlaskaNative": race.AIAN,
    "asian": race.ASIAN,
    "blackOrAfricanAmerican": race.BLACK,
    "nativeHawaiianOrOtherPacificIslander": race.NHPI,
    "white": race.WHITE,
}


def _by_race(job: str) -> dict[str, tuple[float, float, float]]:
    """{race_ethnicity: (chronically absent, students counted, students)} over the current data plane."""
    with system_read(job):
        con = dataplane.connect()
        try:
            for table in TABLES:
                dataplane.current_relation(con, table).create_view(table)
            result: pa.Table = run_indicator(con, "chronic_absence", ["race_ethnicity"])
        finally:
            con.close()
    return {
        r["race_ethnicity"]: (r["numerator"], r["denominator"], r["students"])
        for r in result.to_pylist()
        if r["measure"] == "chronic_absence"
    }


def _file_counts(demographics: Path) -> Counter[str]:
    """Students per category, worked out from demographics.csv by the federal rule, independently of ingest."""
    counts: Counter[str] = Counter()
    with demographics.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            races = [label for column, label in FLAGS.items() if row[column] == "true"]
            if row["hispanicOrLatinoEthnicity"] == "true":
                counts[race.HISPANIC] += 1
            elif len(races) > 1:
                counts[race.TWO_OR_MORE] += 1
            elif races:
                counts[races[0]] += 1
            else:
                counts["Unknown"] += 1
    return counts


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    root = tmp_path_factory.mktemp("race-community")
    return generate(GeneratorConfig(students=400, seed=23, out_dir=root)).manifest, root


def test_chronic_absence_by_race_ethnicity_from_both_district_formats(
    community: tuple[dict[str, Any], Path],
) -> None:
    manifest, root = community
    load_community(manifest)
    district = Organization.objects.get(slug=manifest["district"]["slug"])
    edfi = sorted((root / "district" / "edfi").glob("*.xml"))
    sub = do_ingest(acting_user=None, organization=district, fmt="edfi-xml", paths=edfi)
    assert sub.status == "accepted", sub.report.get("issues")
    from_edfi = _by_race("test: chronic absence by race (Ed-Fi roster)")

    sub = do_ingest(
        acting_user=None, organization=district, fmt="oneroster", paths=[root / "district" / "oneroster"]
    )
    assert sub.status == "accepted", sub.report.get("issues")
    from_oneroster = _by_race("test: chronic absence by race (OneRoster roster)")

    # The two formats carry the same people: the same cells, category by category.
    assert from_oneroster == from_edfi
    cells = from_oneroster
    total = cells.pop("All")
    in_file = _file_counts(root / "district" / "oneroster" / "demographics.csv")
    # Every category the file has is a row of the breakdown, and nothing else is (no Unknown: every
    # generated student has a race or is Hispanic or Latino).
    assert set(cells) == set(in_file) and "Unknown" not in cells
    assert set(cells) <= set(race.CATEGORIES)
    # The parts add up to the total (the property the release audit relies on).
    for i in range(3):
        assert sum(c[i] for c in cells.values()) == total[i]
    # Each category counts the students of that category the file lists: all of them but the few enrolled
    # too briefly to count. The district's mix: White the largest group, then Hispanic or Latino, then Black.
    for name, (absent, counted, students) in cells.items():
        assert 0.9 * in_file[name] <= students <= in_file[name], (name, students, in_file[name])
        assert 0 <= absent <= counted
    ranked = [name for name, _ in sorted(cells.items(), key=lambda kv: -kv[1][2])]
    assert ranked[:3] == [race.WHITE, race.HISPANIC, race.BLACK]
    assert total[0] > 0  # some students are chronically absent, so the rates are not all zero
