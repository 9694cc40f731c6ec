"""The pathfinder's decision table: every combination of answers → the expected lawful paths (Django-free).

The expectations are written as data — when each basis is available, and each activity's order of preference —
independently of how ``pathfinder.py`` computes them; every one of the 640 combinations is checked.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from commonground.governance.pathfinder import Activity, Answers, Fit, recommend

FLAGS = ("identifiable", "consent", "district_function", "district_control", "directory_only", "study_aim",
         "supported_program")  # fmt: skip
ALL_ANSWERS = [
    Answers(activity, **dict(zip(FLAGS, values, strict=True)))
    for activity in Activity
    for values in itertools.product((True, False), repeat=len(FLAGS))
]

#: A basis is available when the answers match any of its rows (every listed answer must hold).
AVAILABLE_WHEN: dict[str, list[dict[str, Any]]] = {
    "deidentified": [{"identifiable": False}, {"activity": Activity.REPORTING}],
    "consent": [{"identifiable": True, "consent": True}],
    "school_official": [
        {
            "identifiable": True,
            "activity": Activity.SERVICES,
            "district_function": True,
            "district_control": True,
        },
        {
            "identifiable": True,
            "activity": Activity.INSTITUTIONAL,
            "district_function": True,
            "district_control": True,
        },
    ],
    "studies": [{"identifiable": True, "activity": Activity.STUDY, "study_aim": True}],
    "audit_evaluation": [{"identifiable": True, "activity": Activity.EVALUATION, "supported_program": True}],
    "directory": [{"identifiable": True, "directory_only": True}],
}
#: Among the available bases, the first of these is recommended.
PREFERENCE = {
    Activity.SERVICES: ["school_official", "consent", "directory", "deidentified"],
    Activity.INSTITUTIONAL: ["school_official", "consent", "directory", "deidentified"],
    Activity.STUDY: ["studies", "consent", "directory", "deidentified"],
    Activity.EVALUATION: ["audit_evaluation", "consent", "directory", "deidentified"],
    Activity.REPORTING: ["deidentified", "consent", "directory"],
}


def expected_available(a: Answers) -> set[str]:
    return {
        basis
        for basis, rows in AVAILABLE_WHEN.items()
        if any(all(getattr(a, k) == v for k, v in row.items()) for row in rows)
    }


def test_the_table_covers_every_combination() -> None:
    assert len(ALL_ANSWERS) == 5 * 2**7 == 640
    for answers in ALL_ANSWERS:
        result = recommend(answers)
        available = expected_available(answers)
        assert {p.basis for p in result.lawful()} == available, answers
        wanted = next((b for b in PREFERENCE[answers.activity] if b in available), None)
        assert (result.recommended.basis if result.recommended else None) == wanted, answers
        consent_fit = result.fit_of("consent")
        if answers.identifiable and not answers.consent:
            assert consent_fit == Fit.POSSIBLE, answers  # the path to yes: ask for consent
        assert len(result.paths) == 6 and result.paths[0].fit in (
            Fit.RECOMMENDED,
            Fit.POSSIBLE,
            Fit.NOT_AVAILABLE,
        )


def answers(activity: Activity, **flags: bool) -> Answers:
    return Answers(activity, **{f: flags.get(f, False) for f in FLAGS})


@pytest.mark.parametrize(
    ("story", "given", "recommended", "also"),
    [
        ("after-school program with consent forms", answers(Activity.SERVICES, identifiable=True, consent=True),
         "consent", set()),
        ("tutoring contractor under district control", answers(Activity.SERVICES, identifiable=True,
         district_function=True, district_control=True, consent=True), "school_official", {"consent"}),
        ("university study to improve instruction", answers(Activity.STUDY, identifiable=True, study_aim=True),
         "studies", set()),
        ("city evaluates a state-funded program", answers(Activity.EVALUATION, identifiable=True,
         supported_program=True), "audit_evaluation", set()),
        ("mayor's annual report", answers(Activity.REPORTING, identifiable=True), "deidentified", set()),
        ("funder wants counts only", answers(Activity.STUDY), "deidentified", set()),
        ("outreach mailing of names and grades", answers(Activity.SERVICES, identifiable=True, directory_only=True),
         "directory", set()),
        ("nonprofit research with no consent and no district aim", answers(Activity.STUDY, identifiable=True),
         None, set()),
    ],
)  # fmt: skip
def test_stories(story: str, given: Answers, recommended: str | None, also: set[str]) -> None:
    result = recommend(given)
    assert (result.recommended.basis if result.recommended else None) == recommended, story
    assert {p.basis for p in result.lawful()} - {recommended} == also, story


def test_each_path_says_what_it_needs_with_citations() -> None:
    result = recommend(answers(Activity.STUDY, identifiable=True, study_aim=True))
    studies = result.recommended
    assert studies is not None and studies.citation == "34 CFR 99.31(a)(6)"
    assert ("Destruction deadline", "34 CFR 99.31(a)(6)(iii)(C)(4)") in studies.needs
    consent = next(p for p in result.paths if p.basis == "consent")
    assert ("The records that may be disclosed", "34 CFR 99.30(b)(1)") in consent.needs
    assert ("The purpose of the disclosure", "34 CFR 99.30(b)(2)") in consent.needs
    assert any("99.30(d)" in citation for _, citation in consent.needs)
    assert consent.fit == Fit.POSSIBLE and "collecting it would open this path" in consent.reason
    assert all(p.plain_words and p.reason for p in result.paths)
