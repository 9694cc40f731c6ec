"""What each legal basis requires of a written agreement (Django-free, milliseconds)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from commonground.governance import elements as catalog
from commonground.governance.requirements import (
    BASES,
    BASIS_CITATION,
    REQUIREMENTS,
    AgreementFacts,
    missing,
    requirements_for,
)

START, END = dt.date(2025, 9, 1), dt.date(2026, 6, 30)
ELEMENTS = {
    "directory": ("person.first_name", "person.grade_level"),
    "deidentified": ("attendance_summary.days_absent", "attendance_summary.school_year"),
}
IDENTIFIED = ("attendance_event.category", "person.first_name")


def complete(basis: str) -> AgreementFacts:
    elements = ELEMENTS.get(basis, IDENTIFIED)
    return AgreementFacts(
        basis=basis,
        purpose="Follow up on absences.",
        study_aim="improve_instruction",
        evaluated_program="State After-School Learning Grant",
        activity_description="Compare attendance of participants and non-participants.",
        institutional_function="Attendance outreach.",
        direct_control="Data stays in the hub.",
        annual_notice_criteria="Annual notice, section 4.",
        consent_form="Enrollment form 2025.",
        protection_policies="Encryption and access review.",
        deidentification_method="Cell size 10 and complementary suppression.",
        redisclosure_terms="No redisclosure.",
        destruction_method="NIST SP 800-88.",
        designates_authorized_representative=True,
        limits_use_to_purpose=True,
        restricts_identification=True,
        disclosing=("District",),
        recipients=("Partner",),
        recipient_roles=("case_manager",),
        elements=elements,
        population="All students of the disclosing district.",
        starts_on=START,
        ends_on=END,
        destruction_deadline=dt.date(2026, 9, 30),
        governing_laws={e.split(".")[0]: "ferpa" for e in elements},
        directory_elements=frozenset(ELEMENTS["directory"]),
        directory_notice="Handbook p. 12",
    )


#: How to remove each element from complete facts.
REMOVE = {
    "parties": {"disclosing": ()},
    "purpose": {"purpose": "  "},
    "study_aim": {"study_aim": ""},
    "evaluated_program": {"evaluated_program": ""},
    "activity": {"activity_description": ""},
    "institutional_function": {"institutional_function": ""},
    "direct_control": {"direct_control": ""},
    "annual_notice": {"annual_notice_criteria": ""},
    "consent_form": {"consent_form": ""},
    "scope": {"population": ""},
    "duration": {"starts_on": None},
    "information": {"elements": (), "governing_laws": {}},
    "use_limited": {"limits_use_to_purpose": False},
    "no_identification": {"restricts_identification": False},
    "authorized_representative": {"designates_authorized_representative": False},
    "recipient_roles": {"recipient_roles": ()},
    "protection_policies": {"protection_policies": ""},
    "redisclosure": {"redisclosure_terms": ""},
    "destruction": {"destruction_method": ""},
    "destruction_deadline": {"destruction_deadline": None},
    "directory_designated": {"directory_elements": None},
    "no_pii": {"elements": (*ELEMENTS["deidentified"], "attendance_summary.source_person_id")},
    "deidentification": {"deidentification_method": ""},
    "governing_law": {"governing_laws": {}},
}
CASES = [(basis, req.key) for basis in BASES for req in REQUIREMENTS[basis]]


@pytest.mark.parametrize("basis", BASES)
def test_complete_agreement_misses_nothing(basis: str) -> None:
    assert missing(complete(basis)) == []


@pytest.mark.parametrize(("basis", "key"), CASES, ids=[f"{b}-{k}" for b, k in CASES])
def test_each_removed_element_is_named(basis: str, key: str) -> None:
    facts = dataclasses.replace(complete(basis), **REMOVE[key])
    gaps = missing(facts)
    assert [g.key for g in gaps] == [key]
    citation = next(r.citation for r in REQUIREMENTS[basis] if r.key == key)
    assert gaps[0].message.startswith("The agreement cannot be activated: ")
    assert f"(required by {citation} for " in gaps[0].message


def test_the_studies_destruction_deadline_message() -> None:
    facts = dataclasses.replace(complete("studies"), destruction_deadline=None)
    assert [g.message for g in missing(facts)] == [
        "The agreement cannot be activated: it has no destruction deadline "
        "(required by 34 CFR 99.31(a)(6)(iii)(C)(4) for studies)."
    ]


def test_every_removal_table_entry_is_used_and_every_basis_has_a_citation() -> None:
    keys = {req.key for reqs in REQUIREMENTS.values() for req in reqs}
    assert keys == set(REMOVE)
    assert set(BASIS_CITATION) == set(BASES) == set(REQUIREMENTS)


@pytest.mark.parametrize(
    ("basis", "citations"),
    [
        ("studies", ["34 CFR 99.31(a)(6)(iii)(C)(1)", "(C)(2)", "(C)(3)", "(C)(4)"]),
        ("audit_evaluation", ["99.35(a)(3)(i)", "(ii)(A)", "(ii)(B)", "(ii)(C)", "(iii)", "(iv)", "(v)"]),
        (
            "school_official",
            ["99.31(a)(1)(i)(B)(1)", "(B)(2)", "(B)(3)", "99.7(a)(3)(iii)", "99.31(a)(1)(ii)"],
        ),
        ("consent", ["99.30(b)(1)", "99.30(b)(2)", "99.30(b)(3)", "99.30(a)"]),
        ("directory", ["99.37(a)(1)", "99.3, 99.37(a)"]),
        ("deidentified", ["99.31(b)(1)"]),
    ],
)
def test_each_basis_cites_the_regulation(basis: str, citations: list[str]) -> None:
    cited = " ".join(r.citation for r in requirements_for(basis))
    for citation in citations:
        assert citation in cited


def test_specific_problems_are_explained() -> None:
    facts = dataclasses.replace(complete("studies"), destruction_deadline=dt.date(2026, 1, 1))
    assert "falls before the end of its term" in missing(facts)[0].problem
    facts = dataclasses.replace(
        complete("studies"), ends_on=dt.date(2025, 1, 1), destruction_deadline=dt.date(2026, 9, 30)
    )
    assert "ends before it starts" in missing(facts)[0].problem
    facts = dataclasses.replace(
        complete("directory"), elements=("person.first_name", "course_grade.letter_grade")
    )
    problems = [g.problem for g in missing(facts)]
    assert "course_grade.letter_grade is not designated as directory information" in problems
    assert "it does not say which law governs the dataset course_grade" in problems


def test_unknown_basis_is_named() -> None:
    with pytest.raises(KeyError, match="unknown legal basis 'opt_out'"):
        requirements_for("opt_out")


def test_element_catalog() -> None:
    assert "attendance_event.category" in catalog.ELEMENTS
    assert not any(e.endswith((".submission_id", ".source_file", ".source_org")) for e in catalog.ELEMENTS)
    assert "person.birth_date" in catalog.IDENTIFYING and "school.address" not in catalog.IDENTIFYING
    assert catalog.check(["person.last_name", "attendance_event.date"]) == [
        "person.last_name",
        "attendance_event.date",
    ]
    with pytest.raises(catalog.UnknownElementError, match=r"'person\.ssn'"):
        catalog.check(["person.ssn"])
    assert catalog.label("attendance_event.category") == "Attendance event: category"
    assert catalog.not_directory_eligible(["person.first_name", "course_grade.letter_grade"]) == [
        "course_grade.letter_grade"
    ]
