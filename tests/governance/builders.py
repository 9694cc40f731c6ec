"""Complete agreements for every legal basis, and the values their documents must show.

Built through the actions (as the pages do), so the tests exercise the same path as a steward.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.governance import actions
from commonground.governance.models import Agreement, DirectoryDesignation
from commonground.people.models import TrainingCourse
from tests.factories import OrganizationFactory, TrainingCourseFactory

TODAY = timezone.localdate()
START = TODAY - dt.timedelta(days=30)
END = TODAY + dt.timedelta(days=300)
DEADLINE = END + dt.timedelta(days=60)

IDENTIFIED = [
    "attendance_event.date",
    "attendance_event.category",
    "course_grade.letter_grade",
    "person.first_name",
]
ELEMENTS = {
    "consent": IDENTIFIED,
    "school_official": IDENTIFIED,
    "studies": IDENTIFIED,
    "audit_evaluation": IDENTIFIED,
    "directory": ["person.first_name", "person.last_name", "person.grade_level"],
    "deidentified": [
        "attendance_summary.school_year",
        "attendance_summary.days_enrolled",
        "attendance_summary.days_absent",
    ],
}
CATEGORY = {
    "consent": "direct_services",
    "school_official": "school_official",
    "studies": "study",
    "audit_evaluation": "audit_evaluation",
    "directory": "direct_services",
    "deidentified": "deidentified_reporting",
}
TEXT = {
    "purpose": "Case managers follow up with students who miss school.",
    "evaluated_program": "State After-School Learning Grant",
    "activity_description": "Compare the attendance of participants and similar non-participants, term by term.",
    "institutional_function": "Attendance outreach the district would otherwise do with its own social workers.",
    "direct_control": "Records stay in the hub; the district decides who sees them and may audit every access.",
    "annual_notice_criteria": "Annual notification 2025-26, section 4: contractors performing institutional services.",
    "consent_form": "Bright Futures enrollment and consent form, 2025 edition.",
    "protection_policies": "Encrypted at rest; access logged; quarterly access review by the district.",
    "deidentification_method": "Minimum cell size of 10 with complementary suppression checked against earlier releases.",
    "redisclosure_terms": "No redisclosure without prior written consent (34 CFR 99.33).",
    "destruction_method": "Secure deletion following NIST SP 800-88, certified in writing.",
}


def long(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


class World:
    """The organizations and course a test agreement refers to."""

    def __init__(self) -> None:
        self.district = Organization.objects.filter(slug="test-district").first() or OrganizationFactory(
            slug="test-district", name="Riverbend Unified School District", kind="district"
        )
        self.school = Organization.objects.filter(slug="northside-elementary").first() or OrganizationFactory(
            slug="northside-elementary", name="Northside Elementary", kind="school", parent=self.district
        )
        self.partner = Organization.objects.filter(slug="bright-futures").first() or OrganizationFactory(
            slug="bright-futures", name="Bright Futures After-School", kind="nonprofit"
        )
        self.hub = Organization.objects.filter(kind="hub").first() or OrganizationFactory(
            slug="cg-hub", name="Common Ground Hub", kind="hub"
        )
        self.course = TrainingCourse.objects.filter(slug="ferpa-basics").first() or TrainingCourseFactory(
            slug="ferpa-basics", name="FERPA basics"
        )

    def designate(self, elements: list[str] | None = None) -> DirectoryDesignation:
        return actions.do_create_designation(
            acting_user=None,
            district=self.district,
            elements=elements or ["person.first_name", "person.last_name", "person.grade_level"],
            notice_published_on=START,
            notice_reference="Family handbook 2025-26, page 12",
            effective_from=START,
        )


def complete_fields(basis: str, world: World) -> dict[str, Any]:
    """Keyword arguments of ``do_create_agreement`` for a complete agreement of ``basis``."""
    elements = ELEMENTS[basis]
    return {
        "reference": f"T-{basis}",
        "title": f"Test agreement ({basis})",
        "legal_basis": basis,
        "purpose_category": CATEGORY[basis],
        "study_aim": "improve_instruction",
        "elements": elements,
        "governing_laws": {e.split(".")[0]: "ferpa" for e in elements},
        "population_kind": "schools",
        "population_schools": [world.school],
        "recipient_roles": ["case_manager", "researcher"],
        "starts_on": START,
        "ends_on": END,
        "destruction_deadline": DEADLINE,
        "limits_use_to_purpose": True,
        "restricts_identification": True,
        "designates_authorized_representative": True,
        "required_training": [world.course],
        "extra_clauses": [
            {"title": "Breach notice", "text": "Within 72 hours.", "source": "State Student Privacy Act s. 5"}
        ],
        "disclosing": [world.district],
        "recipients": [world.partner],
        "hub": [world.hub],
        **TEXT,
    }


def complete_agreement(basis: str, world: World | None = None, **overrides: Any) -> Agreement:
    """A draft agreement of ``basis`` that holds every element the law requires."""
    world = world or World()
    if basis == "directory" and not DirectoryDesignation.objects.filter(district=world.district).exists():
        world.designate()
    return actions.do_create_agreement(acting_user=None, **{**complete_fields(basis, world), **overrides})


#: What the written agreement must show for each required element of a complete agreement.
def expected_text(key: str, basis: str) -> list[str]:
    return {
        "parties": ["Riverbend Unified School District", "Bright Futures After-School"],
        "purpose": [TEXT["purpose"]],
        "study_aim": ["Improve instruction"],
        "evaluated_program": [TEXT["evaluated_program"]],
        "activity": [TEXT["activity_description"]],
        "institutional_function": [TEXT["institutional_function"]],
        "direct_control": [TEXT["direct_control"]],
        "annual_notice": [TEXT["annual_notice_criteria"]],
        "consent_form": [TEXT["consent_form"], "signed and dated a written consent"],
        "scope": ["Students enrolled at Northside Elementary."],
        "duration": [f"From {long(START)} to {long(END)}."],
        "information": [f"({e})" for e in ELEMENTS[basis]],
        "use_limited": ["only to meet the purpose stated in this agreement"],
        "no_identification": ["does not permit personal identification of parents and students"],
        "authorized_representative": [
            "designates Bright Futures After-School as its authorized representative"
        ],
        "recipient_roles": ["Case manager / site coordinator", "Researcher"],
        "protection_policies": [TEXT["protection_policies"]],
        "redisclosure": [TEXT["redisclosure_terms"]],
        "destruction": [TEXT["destruction_method"]],
        "destruction_deadline": [f"no later than {long(DEADLINE)}"],
        "directory_designated": [
            "Designated as directory information in the public notice",
            "Family handbook",
        ],
        "no_pii": ["No element identifies a student"],
        "deidentification": [TEXT["deidentification_method"]],
        "governing_law": ["FERPA (34 CFR Part 99)"],
    }[key]


#: How to take each required element out of a complete agreement (``do_update_agreement`` keywords).
def removal(key: str, basis: str) -> dict[str, Any]:
    elements = ELEMENTS[basis]
    return {
        "parties": {"recipients": []},
        "purpose": {"purpose": ""},
        "study_aim": {"study_aim": ""},
        "evaluated_program": {"evaluated_program": ""},
        "activity": {"activity_description": ""},
        "institutional_function": {"institutional_function": ""},
        "direct_control": {"direct_control": ""},
        "annual_notice": {"annual_notice_criteria": ""},
        "consent_form": {"consent_form": ""},
        "scope": {"population_kind": ""},
        "duration": {"ends_on": None},
        "information": {"elements": [], "governing_laws": {}},
        "use_limited": {"limits_use_to_purpose": False},
        "no_identification": {"restricts_identification": False},
        "authorized_representative": {"designates_authorized_representative": False},
        "recipient_roles": {"recipient_roles": []},
        "protection_policies": {"protection_policies": ""},
        "redisclosure": {"redisclosure_terms": ""},
        "destruction": {"destruction_method": ""},
        "destruction_deadline": {"destruction_deadline": None},
        "directory_designated": {"elements": [*elements, "course_grade.letter_grade"],
                                 "governing_laws": {"person": "ferpa", "course_grade": "ferpa"}},
        "no_pii": {"elements": [*elements, "person.birth_date"],
                   "governing_laws": {"attendance_summary": "ferpa", "person": "ferpa"}},
        "deidentification": {"deidentification_method": ""},
        "governing_law": {"governing_laws": {}},
    }[key]  # fmt: skip


def mark_signed(agreement: Agreement) -> Agreement:
    """Skip review and signatures (tested elsewhere): put the agreement straight into "signed"."""
    Agreement.objects.filter(pk=agreement.pk).update(status="signed")
    agreement.refresh_from_db()
    return agreement


def activate(agreement: Agreement, at: dt.datetime | None = None) -> Agreement:
    """Take a complete draft through review, signatures and activation, as a steward would."""
    world = World()
    agreement = actions.do_submit_agreement_for_review(acting_user=None, agreement=agreement)
    for org, name, title in ((world.district, "Dr. Alma Reyes", "Superintendent"),
                             (world.partner, "Jordan Blake", "Executive Director")):  # fmt: skip
        signatory = actions.do_add_signatory(
            acting_user=None, agreement=agreement, name=name, title=title, organization=org
        )
        actions.do_record_signature(acting_user=None, signatory=signatory, signed_on=TODAY)
    agreement = actions.do_sign_agreement(acting_user=None, agreement=agreement)
    return actions.do_activate_agreement(acting_user=None, agreement=agreement, at=at)
