"""Ed-Fi 5.x assessments: the subject and grade come from the Assessment metadata a StudentAssessment references.

Covers the Data Standard's own shape (metadata in its own interchange, possibly read after the results), the
vendor drift of a subject written on the StudentAssessment (kept with a ``value-drift`` warning), a reference
to an assessment the metadata does not hold (a located error; the row is dropped), and results sent without
any metadata (a warning; subjects stay empty rather than guessed).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from commonground.core.models import AuditEvent
from commonground.demo.generator import GeneratorConfig, generate
from commonground.demo.load import load_community
from commonground.ecosystem.models import Organization
from commonground.governance.gate import system_read
from commonground.ingest import dataplane
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.edfi_xml import parse_edfi_xml
from commonground.questions.indicators import run_indicator

from .conftest import find_issue

NS = "http://ed-fi.org/5.2.0"
U = "uri://ed-fi.org/"


def _write(tmp_path: Path, name: str, root: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(
        f"<?xml version='1.0' encoding='UTF-8'?>\n<{root} xmlns=\"{NS}\">\n{body}</{root}>\n", "utf-8"
    )
    return path


def _assessment(ident: str, subject: str, grade: str) -> str:
    return (
        f"<Assessment><AssessmentIdentifier>{ident}</AssessmentIdentifier><AssessmentTitle>{ident}</AssessmentTitle>"
        f"<AcademicSubject>{U}AcademicSubjectDescriptor#{subject}</AcademicSubject>"
        f"<AssessedGradeLevel>{U}GradeLevelDescriptor#{grade}</AssessedGradeLevel>"
        "<Namespace>uri://state.example.org/Assessment</Namespace>"
        f"<PerformanceLevel><AssessmentReportingMethod>{U}AssessmentReportingMethodDescriptor#Scale score"
        f"</AssessmentReportingMethod><PerformanceLevel>{U}PerformanceLevelDescriptor#Proficient</PerformanceLevel>"
        "<MinimumScore>2390</MinimumScore><MaximumScore>2474</MaximumScore></PerformanceLevel></Assessment>\n"
    )


def _result(sid: str, ident: str, level: str, extra: str = "", grade: str | None = "Third grade") -> str:
    when = (
        f"<WhenAssessedGradeLevel>{U}GradeLevelDescriptor#{grade}</WhenAssessedGradeLevel>" if grade else ""
    )
    return (
        f"<StudentAssessment><StudentAssessmentIdentifier>{ident}-{sid}</StudentAssessmentIdentifier>"
        f"<AdministrationDate>2026-04-14</AdministrationDate>{when}{extra}"
        f"<ScoreResult><AssessmentReportingMethod>{U}AssessmentReportingMethodDescriptor#Scale score"
        "</AssessmentReportingMethod><Result>2400</Result></ScoreResult>"
        f"<PerformanceLevel><AssessmentReportingMethod>{U}AssessmentReportingMethodDescriptor#Scale score"
        f"</AssessmentReportingMethod><PerformanceLevel>{U}PerformanceLevelDescriptor#{level}</PerformanceLevel>"
        "</PerformanceLevel><SchoolYear>2026</SchoolYear>"
        f"<StudentReference><StudentIdentity><StudentUniqueId>{sid}</StudentUniqueId></StudentIdentity>"
        "</StudentReference><AssessmentReference><AssessmentIdentity>"
        f"<AssessmentIdentifier>{ident}</AssessmentIdentifier><Namespace>uri://state.example.org/Assessment"
        "</Namespace></AssessmentIdentity></AssessmentReference></StudentAssessment>\n"
    )


def _files(tmp_path: Path, metadata: str | None, results: str) -> list[Path]:
    # The results file sorts first, so the metadata is read after the results that reference it.
    paths = [_write(tmp_path, "A_StudentAssessment.xml", "InterchangeStudentAssessment", results)]
    if metadata is not None:
        paths.append(_write(tmp_path, "B_Assessment.xml", "InterchangeAssessmentMetadata", metadata))
    return paths


def test_subject_and_grade_come_from_the_assessment_metadata(tmp_path: Path) -> None:
    metadata = _assessment("ELA-03", "English Language Arts", "Third grade") + _assessment(
        "MATH-08", "Mathematics", "Eighth grade"
    )
    results = _result("1", "ELA-03", "Proficient") + _result("2", "MATH-08", "Basic", grade=None)
    result = parse_edfi_xml(_files(tmp_path, metadata, results), "district")
    assert result.ok and not result.issues, [i.message for i in result.issues]
    rows = {r["source_person_id"]: r for r in result.tables["assessment_result"].to_pylist()}
    got = {
        k: (r["assessment_id"], r["subject"], r["grade_level"], r["performance_level"])
        for k, r in rows.items()
    }
    # Student 2's result names no grade: the Assessment's one AssessedGradeLevel (Eighth grade) is used.
    assert got == {
        "1": ("ELA-03", "English Language Arts", "03", "Proficient"),
        "2": ("MATH-08", "Mathematics", "08", "Basic"),
    }


def test_subject_on_student_assessment_is_accepted_as_drift(tmp_path: Path) -> None:
    drift = f"<AcademicSubject>{U}AcademicSubjectDescriptor#Reading</AcademicSubject>"
    # The metadata's own subject wins over the drifted one; with no subject in the metadata the drift is used.
    metadata = _assessment("ELA-03", "English Language Arts", "Third grade") + (
        "<Assessment><AssessmentIdentifier>VENDOR-R3</AssessmentIdentifier><AssessmentTitle>R3</AssessmentTitle>"
        "<Namespace>uri://vendor.example.org</Namespace></Assessment>\n"
    )
    wrapped = f"<AcademicSubject><AcademicSubjectDescriptor>{U}AcademicSubjectDescriptor#Writing"
    wrapped += "</AcademicSubjectDescriptor></AcademicSubject>"  # the API's JSON shape, as XML
    results = (
        _result("1", "ELA-03", "Proficient", drift)
        + _result("2", "VENDOR-R3", "Advanced", drift)
        + _result("3", "VENDOR-R3", "Basic", wrapped)
    )
    result = parse_edfi_xml(_files(tmp_path, metadata, results), "district")
    assert result.ok, [i.message for i in result.errors]
    issue = find_issue(result, "value-drift", "warning")
    assert (issue.file, issue.line, issue.column) == (
        "A_StudentAssessment.xml",
        3,
        "StudentAssessment/AcademicSubject",
    )
    assert issue.value is not None and issue.value.endswith("#Reading")
    assert sum(i.code == "value-drift" for i in result.issues) == 3
    subjects = {r["source_person_id"]: r["subject"] for r in result.tables["assessment_result"].to_pylist()}
    assert subjects == {"1": "English Language Arts", "2": "Reading", "3": "Writing"}


def test_unknown_assessment_reference_is_a_located_error(tmp_path: Path) -> None:
    metadata = _assessment("ELA-03", "English Language Arts", "Third grade")
    results = _result("1", "ELA-03", "Proficient") + _result("2", "ELA-3", "Basic")
    result = parse_edfi_xml(_files(tmp_path, metadata, results), "district")
    assert not result.ok
    issue = find_issue(result, "unknown-reference", "error")
    assert (issue.file, issue.line, issue.value) == ("A_StudentAssessment.xml", 4, "ELA-3")
    assert issue.column == "StudentAssessment/AssessmentReference/AssessmentIdentity/AssessmentIdentifier"
    # Only the result with a known assessment is kept.
    assert [r["source_person_id"] for r in result.tables["assessment_result"].to_pylist()] == ["1"]


def test_results_without_any_metadata_warn_once_and_leave_the_subject_empty(tmp_path: Path) -> None:
    results = _result("1", "ELA-03", "Proficient") + _result("2", "MATH-08", "Basic")
    result = parse_edfi_xml(_files(tmp_path, None, results), "district")
    assert result.ok
    warnings = [i for i in result.issues if i.code == "missing-metadata"]
    assert len(warnings) == 1 and (warnings[0].file, warnings[0].line) == ("A_StudentAssessment.xml", 3)
    rows = result.tables["assessment_result"].to_pylist()
    assert [r["subject"] for r in rows] == [None, None]


def test_assessment_without_identifier_and_bad_grade_are_located_errors(tmp_path: Path) -> None:
    metadata = "<Assessment><AssessmentTitle>x</AssessmentTitle></Assessment>\n" + _assessment(
        "ELA-03", "English Language Arts", "Grade Three-ish"
    )
    result = parse_edfi_xml(_files(tmp_path, metadata, _result("1", "ELA-03", "Proficient")), "district")
    missing = find_issue(result, "missing-value", "error")
    assert (missing.file, missing.line, missing.column) == (
        "B_Assessment.xml",
        3,
        "Assessment/AssessmentIdentifier",
    )
    bad = find_issue(result, "bad-value", "error")
    assert (bad.file, bad.line, bad.value) == (
        "B_Assessment.xml",
        4,
        f"{U}GradeLevelDescriptor#Grade Three-ish",
    )


# --- end to end: generated district → do_ingest → grade-3 reading and grade-8 math by school -----------------


def _file_proficiency(edfi: Path, prefix: str) -> tuple[int, int]:
    """(proficient, tested) students of one test, counted from StudentAssessment.xml independently of ingest."""
    ns = {"e": NS}
    tested: dict[str, str] = {}
    root = ET.parse(edfi / "StudentAssessment.xml").getroot()  # noqa: S314 - a file this test just generated
    for el in root.iterfind("e:StudentAssessment", ns):
        ident = el.findtext("e:AssessmentReference/e:AssessmentIdentity/e:AssessmentIdentifier", "", ns)
        if ident.startswith(prefix):
            sid = el.findtext("e:StudentReference/e:StudentIdentity/e:StudentUniqueId", "", ns)
            tested[sid] = el.findtext("e:PerformanceLevel/e:PerformanceLevel", "", ns).split("#")[1]
    return sum(v in ("Proficient", "Advanced") for v in tested.values()), len(tested)


@pytest.mark.django_db
@pytest.mark.slow
def test_generated_district_answers_grade3_reading_and_grade8_math_by_school(tmp_path: Path) -> None:
    manifest = generate(GeneratorConfig(students=600, seed=23, out_dir=tmp_path)).manifest
    load_community(manifest)
    district = Organization.objects.get(slug=manifest["district"]["slug"])
    edfi = tmp_path / "district" / "edfi"
    sub = do_ingest(acting_user=None, organization=district, fmt="edfi-xml", paths=sorted(edfi.glob("*.xml")))
    assert sub.status == "accepted", sub.report.get("issues")
    cells: dict[str, dict[str, tuple[float, float]]] = {}
    with system_read("test: grade-3 reading and grade-8 math by school"):
        con = dataplane.connect()
        try:
            for table in ("person", "school", "enrollment", "assessment_result", "calendar_date"):
                dataplane.current_relation(con, table).create_view(table)
            for ind in ("grade3_reading", "grade8_math"):
                out = run_indicator(con, ind, ["school"]).to_pylist()
                cells[ind] = {
                    r["school"]: (r["numerator"], r["denominator"]) for r in out if r["measure"] == ind
                }
        finally:
            con.close()
    # The read went through the gate as the hub's own job, and left its audit row.
    assert (
        AuditEvent.objects.filter(action="gate.system_read", summary__contains="grade-3 reading").count() == 1
    )
    for ind, prefix in (("grade3_reading", "SAR-ELA-03-"), ("grade8_math", "SAR-MATH-08-")):
        by_school = dict(cells[ind])
        total = by_school.pop("All")
        # Every grade-3 (grade-8) test taker in the file is counted once, proficient or not, as in the file.
        assert total == _file_proficiency(edfi, prefix), ind
        # Several schools of the right level, whose parts add up to the total; rates are plausible, not 0 or 1.
        assert len(by_school) >= 2, (ind, by_school)
        assert all(school for school in by_school), by_school
        assert tuple(map(sum, zip(*by_school.values(), strict=True))) == total
        # (Grade-8 math runs lower, as in real state results: about a fifth proficient at this seed.)
        assert 0.1 < total[0] / total[1] < 0.8, (ind, total)
        assert all(0 <= n <= d for n, d in by_school.values()), by_school
