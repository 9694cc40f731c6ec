"""The synthetic community's district files parse with zero errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from commonground.ingest.connectors.edfi_xml import parse_edfi_xml
from commonground.ingest.connectors.oneroster import parse_oneroster

generator = pytest.importorskip("commonground.demo.generator")


def test_generated_district_files_parse_without_errors(tmp_path: Path) -> None:
    generator.generate(generator.GeneratorConfig(students=200, seed=11, out_dir=tmp_path))
    roster = parse_oneroster(tmp_path / "district" / "oneroster", source_org="district")
    assert roster.ok, [i.message for i in roster.errors]
    assert roster.rows()["person"] == 200
    edfi = parse_edfi_xml(sorted((tmp_path / "district" / "edfi").glob("*.xml")), source_org="district")
    assert edfi.ok, [i.message for i in edfi.errors]
    rows = edfi.rows()
    assert rows["person"] == 200
    assert rows["enrollment"] >= 200
    for table in ("attendance_event", "school", "calendar_date", "course_grade", "assessment_result"):
        assert rows.get(table, 0) > 0, table
    ids = set(roster.tables["person"].column("source_person_id").to_pylist())
    assert ids == set(edfi.tables["person"].column("source_person_id").to_pylist())
