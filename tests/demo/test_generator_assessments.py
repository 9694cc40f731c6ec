"""The demo district's state tests are written as Ed-Fi 5.x writes them: metadata and results apart (Django-free).

``Assessment.xml`` (InterchangeAssessmentMetadata) holds one Assessment per subject and tested grade with its
AcademicSubject, AssessedGradeLevel and performance levels; each StudentAssessment names no subject, references
one of those Assessments, and reports the performance level whose score range holds its scale score.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from itertools import pairwise
from pathlib import Path

import pytest

from commonground.demo.generator import GeneratorConfig, generate

E = "{http://ed-fi.org/5.2.0}"


def _code(el: ET.Element, tag: str) -> str:
    """The code value of a descriptor child (the URI's fragment); fails when the child is missing."""
    found = el.find(E + tag)
    assert found is not None and found.text and "#" in found.text, (el.tag, tag)
    return found.text.split("#", 1)[1]


@pytest.fixture(scope="module")
def edfi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("assess-community")
    generate(GeneratorConfig(students=300, seed=11, out_dir=root))
    return root / "district" / "edfi"


def test_assessment_metadata_names_subject_grade_and_levels(edfi: Path) -> None:
    root = ET.parse(edfi / "Assessment.xml").getroot()  # noqa: S314 - a file this test just generated
    assert root.tag == E + "InterchangeAssessmentMetadata"
    tests = root.findall(E + "Assessment")
    got = Counter((_code(a, "AcademicSubject"), _code(a, "AssessedGradeLevel")) for a in tests)
    grades = ("Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Eleventh")
    assert got == {(s, f"{g} grade"): 1 for s in ("English Language Arts", "Mathematics") for g in grades}
    for a in tests:
        assert a.findtext(E + "Namespace") == "uri://state-assessment.example.org/Assessment"
        levels = a.findall(E + "PerformanceLevel")
        names = [_code(p, "PerformanceLevel") for p in levels]
        assert names == ["Below Basic", "Basic", "Proficient", "Advanced"]
        bounds = [
            (int(p.findtext(E + "MinimumScore", "")), int(p.findtext(E + "MaximumScore", ""))) for p in levels
        ]
        # Contiguous, non-overlapping score ranges covering the test's whole scale.
        assert all(hi + 1 == nxt[0] for (_, hi), nxt in pairwise(bounds))
        assert (bounds[0][0], bounds[-1][1]) == (
            int(a.findtext(f"{E}Score/{E}MinimumScore", "")),
            int(a.findtext(f"{E}Score/{E}MaximumScore", "")),
        )


def test_results_reference_the_metadata_and_match_its_cut_scores(edfi: Path) -> None:
    meta = ET.parse(edfi / "Assessment.xml").getroot()  # noqa: S314 - a file this test just generated
    ranges = {
        a.findtext(E + "AssessmentIdentifier"): [
            (
                _code(p, "PerformanceLevel"),
                int(p.findtext(E + "MinimumScore", "")),
                int(p.findtext(E + "MaximumScore", "")),
            )
            for p in a.findall(E + "PerformanceLevel")
        ]
        for a in meta.findall(E + "Assessment")
    }
    tree = ET.parse(edfi / "StudentAssessment.xml")  # noqa: S314 - a file this test just generated
    results = tree.getroot().findall(E + "StudentAssessment")
    assert results
    seen: Counter[str] = Counter()
    for r in results:
        # Ed-Fi 5.x: the subject is on the Assessment, not on the result.
        assert r.find(E + "AcademicSubject") is None
        ident = r.findtext(f"{E}AssessmentReference/{E}AssessmentIdentity/{E}AssessmentIdentifier")
        assert ident in ranges
        score = int(r.findtext(f"{E}ScoreResult/{E}Result", ""))
        perf = r.find(f"{E}PerformanceLevel")
        assert perf is not None
        level = _code(perf, "PerformanceLevel")
        assert [name for name, lo, hi in ranges[ident] if lo <= score <= hi] == [level], (ident, score, level)
        seen[level] += 1
    # Every level occurs, and the proficient share is plausible for a state test.
    assert set(seen) == {"Below Basic", "Basic", "Proficient", "Advanced"}
    assert 0.2 < (seen["Proficient"] + seen["Advanced"]) / sum(seen.values()) < 0.7
