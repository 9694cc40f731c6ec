"""The gate's answer for every role × every kind of relationship to a student, through the database.

The community: Riverbend district (with Northside school) discloses to Bright Futures after-school under a consent
agreement for its tutoring participants (attendance and first name, FERPA training required), a directory
agreement (grade level, the district's designation), a school-official agreement for case managers, and an
agreement for a study that has expired.  Each role is held by one Bright Futures staff member with current
training; the "lapsed training" row asks as the same roles with expired training.
"""

from __future__ import annotations

import datetime as dt

import pytest

from commonground.governance import gate
from commonground.governance.models import DirectoryDesignation, DirectoryOptOut
from commonground.portal.models import FamilyLink
from tests.factories import OrganizationFactory, TrainingCourseFactory
from tests.governance.gate_world import (
    NOW,
    TODAY,
    consents,
    hold_student,
    holds_record,
    make_agreement,
    staff,
    takes_part,
)

pytestmark = pytest.mark.django_db

ROLES = ["hub_steward", "data_lead", "case_manager", "leader", "researcher", "parent", "eligible_student"]
ATTENDANCE = "attendance_event.category"
GRADE = "person.grade_level"
DISCIPLINE = "discipline_action.action_type"

# fmt: off
# relationship                         student        purpose            element     lapsed
SCENARIOS = {
    "own program's consented participant": ("consented",   "direct_services", ATTENDANCE, False),
    "participant without consent":         ("no-consent",  "direct_services", ATTENDANCE, False),
    "other organization's student":        ("district-only", "direct_services", ATTENDANCE, False),
    "expired agreement":                   ("consented",   "study",           ATTENDANCE, False),
    "revoked consent":                     ("revoked",     "direct_services", ATTENDANCE, False),
    "lapsed training":                     ("consented",   "direct_services", ATTENDANCE, True),
    "directory element, no opt-out":       ("consented",   "direct_services", GRADE,      False),
    "directory opt-out":                   ("opted-out",   "direct_services", GRADE,      False),
    "element outside the agreement":       ("consented",   "direct_services", DISCIPLINE, False),
    "hold on the student":                 ("held",        "direct_services", ATTENDANCE, False),
    "unknown student":                     ("HP-NOBODY",   "direct_services", ATTENDANCE, False),
    "school official, no consent needed":  ("district-only", "school_official", ATTENDANCE, False),
    "own organization's records":          ("no-consent",  "own_records",     DISCIPLINE, False),
    "de-identified reporting":             ("consented",   "deidentified_reporting", ATTENDANCE, False),
    "family: their own verified child":    ("consented",   "family_access",   DISCIPLINE, False),
    "family: another family's child":      ("no-consent",  "family_access",   ATTENDANCE, False),
}

# What each role gets: "allow:<basis>" or the reason code.
NO = "role_not_permitted"
EXPECTED = {
    #                                        hub_steward      data_lead              case_manager             leader   researcher  parent  eligible_student
    "own program's consented participant": [NO,              "allow:consent",       "allow:consent",         NO,      NO,         NO,     NO],
    "participant without consent":         [NO,              "no_consent",          "no_consent",            NO,      NO,         NO,     NO],
    "other organization's student":        [NO,              "not_in_population",   "not_in_population",     NO,      NO,         NO,     NO],
    "expired agreement":                   ["no_agreement"] * 7,
    "revoked consent":                     [NO,              "no_consent",          "no_consent",            NO,      NO,         NO,     NO],
    "lapsed training":                     [NO,              "training_missing",    "training_missing",      NO,      NO,         NO,     NO],
    "directory element, no opt-out":       [NO,              "allow:directory",     "allow:directory",       NO,      NO,         NO,     NO],
    "directory opt-out":                   [NO,              "directory_opt_out",   "directory_opt_out",     NO,      NO,         NO,     NO],
    "element outside the agreement":       [NO,              "element_not_covered", "element_not_covered",   NO,      NO,         NO,     NO],
    "hold on the student":                 [NO,              "student_hold",        "student_hold",          NO,      NO,         NO,     NO],
    "unknown student":                     [NO,              "not_in_population",   "not_in_population",     NO,      NO,         NO,     NO],
    "school official, no consent needed":  [NO,              NO,                    "allow:school_official", NO,      NO,         NO,     NO],
    "own organization's records":          [NO,              "allow:own_records",   "allow:own_records",     NO,      NO,         NO,     NO],
    "de-identified reporting":             ["deidentified_only"] * 7,
    "family: their own verified child":    [NO,              NO,                    NO,                      NO,      NO,         "allow:family_access", "allow:family_access"],
    "family: another family's child":      [NO,              NO,                    NO,                      NO,      NO,         "not_in_population",   "not_in_population"],
}
# fmt: on


@pytest.fixture
def community() -> dict[str, dict[str, object]]:
    district = OrganizationFactory(slug="riverbend", kind="district")
    school = OrganizationFactory(slug="northside", kind="school", parent=district)
    partner = OrganizationFactory(slug="bright-futures", kind="nonprofit")
    ferpa = TrainingCourseFactory(slug="ferpa")
    make_agreement(
        basis="consent", purpose="direct_services", disclosing=[district], recipients=[partner],
        roles=["case_manager", "data_lead"], elements=[ATTENDANCE, "person.first_name"], population="program",
        program_org=partner, program="tutoring", training=[ferpa],
    )  # fmt: skip
    make_agreement(
        basis="directory", purpose="direct_services", disclosing=[district], recipients=[partner],
        roles=["case_manager", "data_lead"], elements=[GRADE], training=[ferpa],
    )  # fmt: skip
    make_agreement(
        basis="school_official", purpose="school_official", disclosing=[district], recipients=[partner],
        roles=["case_manager"], elements=[ATTENDANCE], training=[ferpa],
    )  # fmt: skip
    make_agreement(
        basis="studies", purpose="study", disclosing=[district], recipients=[partner],
        roles=[*ROLES], elements=[ATTENDANCE], ended_at=NOW - dt.timedelta(days=3),
    )  # fmt: skip
    DirectoryDesignation.objects.create(
        district=district, elements=[GRADE, "person.first_name"], notice_published_on=TODAY - dt.timedelta(days=90),
        notice_reference="Handbook p. 12", effective_from=TODAY - dt.timedelta(days=60),
    )  # fmt: skip
    for hub_id in ("consented", "no-consent", "revoked", "opted-out", "held"):
        holds_record(hub_id, school)  # the district's records are kept per school
        holds_record(hub_id, partner)
        takes_part(hub_id, partner, "tutoring")
    holds_record("district-only", district)
    for hub_id in ("consented", "opted-out", "held"):
        consents(hub_id, partner, [ATTENDANCE, "person.first_name"])
    consents("revoked", partner, [ATTENDANCE], revoked_at=NOW - dt.timedelta(hours=1))
    DirectoryOptOut.objects.create(
        district=district, source_organization=partner, source_person_id="consent-opted-out",
        student_name="Opted Out", hub_person_id="opted-out", requested_by="A Parent", relationship="parent",
        received_on=TODAY - dt.timedelta(days=5),
    )  # fmt: skip
    hold_student("held")
    current = {role: staff(role, partner, [ferpa]) for role in ROLES}
    for role in ("parent", "eligible_student"):  # verified in the family portal for the "consented" child
        FamilyLink.objects.create(
            user=current[role], hub_person_id="consented", relationship="parent" if role == "parent" else "eligible_student",
            verified_at=NOW, verified_by="invitation code + birth date",
        )  # fmt: skip
    return {
        "current": current,
        "lapsed": {role: staff(role, partner, [ferpa], lapsed=True) for role in ROLES},
    }


def outcome(decision: gate.Decision, subject: str, element: str) -> str:
    answer = decision.subjects[subject]
    if element in answer.allowed:
        return f"allow:{answer.allowed[element].kind}"
    return answer.denied[element]


def test_every_role_and_relationship(community: dict[str, dict[str, object]]) -> None:
    got: dict[str, list[str]] = {}
    for name, (subject, purpose, element, lapsed) in SCENARIOS.items():
        users = community["lapsed" if lapsed else "current"]
        got[name] = [
            outcome(gate.authorize(users[role], purpose, [subject], [element]), subject, element)
            for role in ROLES
        ]
    assert got == EXPECTED


def test_a_denial_looks_the_same_whether_the_student_exists_or_not(
    community: dict[str, dict[str, object]],
) -> None:
    case_manager = community["current"]["case_manager"]
    elements = [ATTENDANCE, "person.first_name", DISCIPLINE]
    decision = gate.authorize(case_manager, "direct_services", ["district-only", "HP-NOBODY"], elements)
    known, unknown = decision.subjects["district-only"], decision.subjects["HP-NOBODY"]
    assert not known.allowed and not unknown.allowed
    assert known.denied == unknown.denied
    assert known.reasons() == unknown.reasons()


def test_revocation_acts_at_once(community: dict[str, dict[str, object]]) -> None:
    case_manager = community["current"]["case_manager"]
    before = gate.authorize(
        case_manager, "direct_services", ["revoked"], [ATTENDANCE], at=NOW - dt.timedelta(hours=2)
    )
    after = gate.authorize(
        case_manager, "direct_services", ["revoked"], [ATTENDANCE], at=NOW - dt.timedelta(minutes=59)
    )
    assert before.allows("revoked", ATTENDANCE)
    assert after.subjects["revoked"].denied == {ATTENDANCE: "no_consent"}


def test_every_denial_has_plain_words(community: dict[str, dict[str, object]]) -> None:
    decision = gate.authorize(community["current"]["leader"], "direct_services", ["consented"], [ATTENDANCE])
    assert decision.subjects["consented"].reasons() == {
        ATTENDANCE: "Your role is not one the agreement lets see student data."
    }


def test_bad_requests_get_a_clear_error(community: dict[str, dict[str, object]]) -> None:
    user = community["current"]["case_manager"]
    with pytest.raises(gate.GateError, match="unknown purpose 'marketing'"):
        gate.authorize(user, "marketing", ["consented"], [ATTENDANCE])
    with pytest.raises(gate.GateError, match=r"unknown data element 'person\.shoe_size'"):
        gate.authorize(user, "direct_services", ["consented"], ["person.shoe_size"])
    with pytest.raises(gate.GateError, match="timezone-aware"):
        gate.authorize(user, "direct_services", ["consented"], [ATTENDANCE], at=dt.datetime(2025, 1, 1))  # noqa: DTZ001
