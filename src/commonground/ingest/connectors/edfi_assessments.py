"""Ed-Fi Assessment metadata and StudentAssessment results → ``assessment_result`` rows with their subject.

In Ed-Fi Data Standard 5.x a result does not name its subject: the ``Assessment`` it references (by
``AssessmentIdentifier``) carries ``AcademicSubject`` and ``AssessedGradeLevel``. Results are kept while the
files are read and resolved against the metadata once every file of the submission has been read
(:func:`resolve`), because ``Assessment.xml`` may come after ``StudentAssessment.xml``.

- A result whose assessment is not among the submission's Assessment records is an ``unknown-reference``
  error at the result's line. A submission with no Assessment records at all (an Ed-Fi API pull of changed
  results only) cannot be checked: each file gets one ``missing-metadata`` warning and the subject stays empty.
- Some vendors write ``AcademicSubject`` on the StudentAssessment itself. That is accepted with a
  ``value-drift`` warning; the Assessment's own subject wins when both are present.
- When a result has no ``WhenAssessedGradeLevel``, the Assessment's grade is used if it names exactly one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from .edfi_state import DATE, EdfiState, parse_date, text
from .values import descriptor_value, parse_float, parse_grade

REFERENCE_COLUMN = "StudentAssessment/AssessmentReference/AssessmentIdentity/AssessmentIdentifier"
#: Where a drifted subject sits on a StudentAssessment; the wrapped (API-style) form first, since ``text`` stops
#: at the first element found even when that element only wraps another.
SUBJECT_PATHS = ("AcademicSubject/AcademicSubjectDescriptor", "AcademicSubjectDescriptor", "AcademicSubject")


def assessment(state: EdfiState, el: ET.Element, file: str) -> None:
    """Assessment (metadata) → the subject and assessed grade of the results that reference it."""
    ident = text(el, "AssessmentIdentifier")
    if not ident:
        state.result.error(
            "missing-value", file, state.line_of(el), "Assessment/AssessmentIdentifier", None, "an identifier"
        )
        return
    subject = text(el, ".//AcademicSubjectDescriptor", ".//AcademicSubject")
    # An unknown subject still makes the reference known: the assessment exists, its subject is empty.
    state.subjects[ident] = descriptor_value(subject) if subject else ""
    grades: set[str] = set()
    for node in el.iter("AssessedGradeLevel"):
        raw = text(node, "GradeLevelDescriptor") or (node.text or "").strip()
        if raw:
            try:
                grades.add(state.parsed(parse_grade, raw))
            except ValueError:
                state.result.error(
                    "bad-value",
                    file,
                    state.line_of(node),
                    "Assessment/AssessedGradeLevel",
                    raw,
                    "a grade level",
                )
    if len(grades) == 1:
        state.assessed_grades[ident] = grades.pop()


def _drift_subject(state: EdfiState, el: ET.Element, file: str) -> str | None:
    """A subject written on the StudentAssessment itself (not Ed-Fi 5.x): kept, with a warning."""
    raw = text(el, *SUBJECT_PATHS)
    if raw is None:
        return None
    state.result.warning(
        "value-drift",
        file,
        state.line_of(el),
        "StudentAssessment/AcademicSubject",
        raw,
        "no subject on StudentAssessment: Ed-Fi 5.x puts AcademicSubject on the referenced Assessment "
        "(used only when the Assessment has none)",
    )
    return descriptor_value(raw)


def student_assessment(state: EdfiState, el: ET.Element, file: str) -> None:
    """StudentAssessment → assessment_result (scale score and performance level); the subject comes later."""
    sid = state.student(el, file)
    ident = text(el, "AssessmentReference/AssessmentIdentity/AssessmentIdentifier", ".//AssessmentIdentifier")
    scale = level = None
    for score in el.iter("ScoreResult"):
        method = text(score, "AssessmentReportingMethodDescriptor", "AssessmentReportingMethod") or ""
        if "scale" in method.lower():
            scale = state.value(score, file, "Result", parse_float, "a numeric scale score")
    for perf in el.iter("PerformanceLevel"):
        met = (text(perf, "PerformanceLevelMet") or "true").lower()
        value = text(perf, "PerformanceLevelDescriptor", "PerformanceLevel")
        if value and met in ("true", "1"):
            level = descriptor_value(value)
    drift = _drift_subject(state, el, file)
    if ident is None:
        state.result.error(
            "missing-value", file, state.line_of(el), REFERENCE_COLUMN, None, "the AssessmentIdentifier"
        )
    if sid is None or ident is None:
        return
    grade_text = text(el, "WhenAssessedGradeLevelDescriptor", "WhenAssessedGradeLevel")
    state.rows.setdefault("assessment_result", []).append(
        {
            **state.base(el, file),
            "source_person_id": sid,
            "assessment_id": ident,
            "date": state.value(el, file, "AdministrationDate", parse_date, DATE, required=True),
            "grade_level": state.value(
                el,
                file,
                "WhenAssessedGradeLevelDescriptor",
                parse_grade,
                "a grade level",
                "WhenAssessedGradeLevel",
            )
            if grade_text
            else None,
            "scale_score": scale,
            "performance_level": level,
            "_assessment_key": ident,
            "_subject": drift,
        }
    )


def resolve(state: EdfiState) -> None:
    """Give each result its Assessment's subject (and grade when it has none); flag unknown references."""
    rows: list[dict[str, Any]] = state.rows.get("assessment_result", [])
    kept: list[dict[str, Any]] = []
    warned: set[str] = set()
    for row in rows:
        ident = row.pop("_assessment_key")
        drift = row.pop("_subject")
        if not state.subjects:
            if row["source_file"] not in warned:
                warned.add(row["source_file"])
                state.result.warning(
                    "missing-metadata", row["source_file"], row["source_line"], REFERENCE_COLUMN, ident,
                    "the Assessment records (Assessment.xml) in the same submission, to know each test's "
                    "subject (subjects left empty)",
                )  # fmt: skip
            row["subject"] = drift
        elif ident not in state.subjects:
            state.result.error(
                "unknown-reference", row["source_file"], row["source_line"], REFERENCE_COLUMN, ident,
                "the AssessmentIdentifier of an Assessment in the submission's Assessment records",
            )  # fmt: skip
            continue
        else:
            row["subject"] = state.subjects[ident] or drift
            if row["grade_level"] is None:
                row["grade_level"] = state.assessed_grades.get(ident)
        kept.append(row)
    if rows:
        state.rows["assessment_result"] = kept
