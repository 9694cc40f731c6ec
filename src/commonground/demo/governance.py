"""Demo governance: agreements at every stage, paper consents from the after-school roster (one revoked), and the
district's directory designation.  Idempotent: what already exists is left alone, so a second run writes nothing.

Everything goes through the governance actions, so each step is audited and versioned like a steward's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from commonground.demo.community_extras import HUB, OTHER_ORGANIZATIONS
from commonground.ecosystem.actions import do_update_flow
from commonground.ecosystem.models import DataFlow, Organization
from commonground.governance import actions
from commonground.governance.actions.pathfinder import REDISCLOSURE
from commonground.governance.models import Agreement, Consent, DirectoryDesignation
from commonground.governance.pathfinder import Activity, Answers
from commonground.people.models import TrainingCourse

DESTRUCTION = "Secure deletion of every copy following NIST SP 800-88, certified in writing to the district."
SERVICE_ELEMENTS = [
    "person.first_name", "person.last_name", "person.school_id", "person.grade_level",
    "enrollment.school_id", "enrollment.entry_date", "enrollment.exit_date",  # the days a rate counts against
    "attendance_event.date", "attendance_event.category",
    "course_grade.course_code", "course_grade.term", "course_grade.letter_grade",
]  # fmt: skip
STUDY_ELEMENTS = [
    "enrollment.source_person_id", "enrollment.school_id", "enrollment.grade_level",
    "attendance_summary.days_enrolled", "attendance_summary.days_absent",
    "assessment_result.subject", "assessment_result.scale_score", "assessment_result.performance_level",
    "program_participation.program", "program_participation.begin_date", "program_participation.end_date",
]  # fmt: skip
CONSENTS = 12  # paper consents imported from the after-school roster
SERVICES_PURPOSE = (
    "Site coordinators see the school attendance and grades of participants whose families consented, to follow up "
    "on missed school days and arrange tutoring."
)


def _org(slug: str) -> Organization:
    return Organization.objects.get(slug=slug)


def _partner(manifest: dict[str, Any], folder: str) -> Organization | None:
    """The partner whose exports live under ``partners/<folder>/`` (community.json's file list says which)."""
    for entry in manifest["files"]:
        if entry["path"].startswith(f"partners/{folder}/"):
            return _org(entry["organization"])
    return None


def _laws(elements: list[str]) -> dict[str, str]:
    return {e.split(".", 1)[0]: "ferpa" for e in elements}


def _sign(
    agreement: Agreement, signers: list[tuple[Organization, str, str]], on: dt.date | None
) -> Agreement:
    for org, name, title in signers:
        s = actions.do_add_signatory(
            acting_user=None, agreement=agreement, name=name, title=title, organization=org
        )
        if on is not None:
            actions.do_record_signature(acting_user=None, signatory=s, signed_on=on)
    return agreement


def _lifecycle(
    agreement: Agreement, signers: list[tuple[Organization, str, str]], stage: str, signed: dt.date
) -> None:
    """Take a complete draft to ``stage`` (in_review or active)."""
    agreement = actions.do_submit_agreement_for_review(acting_user=None, agreement=agreement)
    _sign(agreement, signers, signed if stage == "active" else None)
    if stage == "active":
        agreement = actions.do_sign_agreement(acting_user=None, agreement=agreement)
        actions.do_activate_agreement(acting_user=None, agreement=agreement)


def _agreements(manifest: dict[str, Any], today: dt.date) -> dict[str, Agreement]:
    district = _org(manifest["district"]["slug"])
    hub = _org(HUB["slug"])
    research = _org(next(o["slug"] for o in OTHER_ORGANIZATIONS if o["kind"] == "agency"))
    city = _org(next(o["slug"] for o in OTHER_ORGANIZATIONS if o["kind"] == "city"))
    courses = {c.slug: c for c in TrainingCourse.objects.all()}
    ferpa = [courses["ferpa-basics"]] if "ferpa-basics" in courses else []
    security = [courses["data-security"]] if "data-security" in courses else []
    start, end = today - dt.timedelta(days=90), today + dt.timedelta(days=275)
    superintendent = (district, "Dr. Alma Reyes", "Superintendent")
    common = {"starts_on": start, "ends_on": end, "destruction_deadline": end + dt.timedelta(days=90),
              "destruction_method": DESTRUCTION, "redisclosure_terms": REDISCLOSURE, "limits_use_to_purpose": True,
              "disclosing": [district], "hub": [hub]}  # fmt: skip
    made: dict[str, Agreement] = {}
    afterschool = _partner(manifest, "afterschool")
    if afterschool is not None and not Agreement.objects.filter(reference="DSA-AFTERSCHOOL").exists():
        a = actions.do_create_agreement(
            acting_user=None, reference="DSA-AFTERSCHOOL", title=f"After-school services: {afterschool.name}",
            legal_basis="consent", purpose_category="direct_services", purpose=SERVICES_PURPOSE,
            consent_form=f"{afterschool.name} enrollment form, section 5: consent to share school records (2025 edition).",
            elements=SERVICE_ELEMENTS, governing_laws=_laws(SERVICE_ELEMENTS), population_kind="program",
            population_program_organization=afterschool, recipient_roles=["case_manager", "data_lead"],
            required_training=ferpa, recipients=[afterschool], **common,
        )  # fmt: skip
        _lifecycle(a, [superintendent, (afterschool, "Marisol Vega", "Executive Director")], "active", start)
        made["services"] = a
    if not Agreement.objects.filter(reference="RES-STUDY-ATTENDANCE").exists():
        a = actions.do_create_agreement(
            acting_user=None, reference="RES-STUDY-ATTENDANCE", title="Study: after-school participation and attendance",
            legal_basis="studies", purpose_category="study", study_aim="improve_instruction",
            purpose="Study whether after-school participation improves attendance and reading, so the district can "
            "improve instruction in its elementary schools.",
            elements=STUDY_ELEMENTS, governing_laws=_laws(STUDY_ELEMENTS), population_kind="district",
            recipient_roles=["researcher"], restricts_identification=True, required_training=ferpa + security,
            recipients=[research], **common,
        )  # fmt: skip
        _lifecycle(
            a, [superintendent, (research, "Dr. Priya Nair", "Director of the Center")], "active", start
        )
        made["study"] = a
    if not Agreement.objects.filter(reference="EVAL-CITY-ELO").exists():
        a = actions.do_create_agreement(
            acting_user=None, reference="EVAL-CITY-ELO", title="Evaluation of the expanded learning grant",
            legal_basis="audit_evaluation", purpose_category="audit_evaluation",
            purpose="Evaluate the State Expanded Learning Opportunities grant the city administers with the district.",
            evaluated_program="State Expanded Learning Opportunities grant (State-supported education program)",
            activity_description="Compare attendance and assessment results of grant-funded program participants "
            "with similar students, by school and term; results are reported only as suppressed aggregates.",
            designates_authorized_representative=True,
            protection_policies="Data stays in the hub's secure workspace; only named evaluators see it; every "
            "access is logged; no copy leaves the hub; breaches are reported to the district within 72 hours.",
            elements=STUDY_ELEMENTS, governing_laws=_laws(STUDY_ELEMENTS), population_kind="district",
            recipient_roles=["researcher", "data_lead"], required_training=ferpa, recipients=[city], **common,
        )  # fmt: skip
        _lifecycle(a, [superintendent, (city, "Renée Okonkwo", "Director")], "in_review", start)
        made["evaluation"] = a
    if not Agreement.objects.filter(reference="HUB-LINKAGE").exists():
        made["linkage"] = _linkage_agreement(manifest, district, hub, ferpa, common, superintendent, start)
    mentoring = _partner(manifest, "mentoring")
    if (
        mentoring is not None
        and not Agreement.objects.filter(pathfinder_answers__requester=mentoring.slug).exists()
    ):
        answers = Answers(Activity.SERVICES, identifiable=True, consent=True, district_function=False,
                          district_control=False, directory_only=False, study_aim=False, supported_program=False)  # fmt: skip
        a = actions.do_draft_agreement_from_pathfinder(
            acting_user=None, answers=answers, requester=mentoring, disclosing=district, hub=hub,
            elements=["attendance_event.date", "attendance_event.category", "person.first_name", "person.last_name"],
            purpose="Mentors check in with mentees who start missing school.",
        )  # fmt: skip
        made["draft"] = a
    return made


def _linkage_agreement(
    manifest: dict[str, Any],
    district: Organization,
    hub: Organization,
    training: list[TrainingCourse],
    common: dict[str, Any],
    superintendent: tuple[Organization, str, str],
    start: dt.date,
) -> Agreement:
    """The hub's own operating agreement: it links records for the district as a school official, and its
    stewards may see the identifying fields of a borderline pair to decide it (the linkage review page)."""
    from commonground.linkage.review_records import ELEMENTS as REVIEW_ELEMENTS

    senders = {_org(e["organization"]) for e in manifest["files"]} - {district, hub}
    terms = {**common, "disclosing": [district, *sorted(senders, key=lambda o: o.slug)], "hub": []}
    a = actions.do_create_agreement(
        acting_user=None, reference="HUB-LINKAGE", title="Hub operations: linking each child's records",
        legal_basis="school_official", purpose_category="school_official",
        purpose="The hub links each child's records across the district and its partners, so that every later "
        "disclosure names the right child; stewards look at a pair of records only to decide whether they are "
        "one child.",
        institutional_function="Record linkage and data management the district would otherwise do with its own "
        "data staff.",
        direct_control="The district decides what is linked and who reviews; it may audit every review, and every "
        "look at a record is in the record of disclosures.",
        annual_notice_criteria="Annual FERPA notice: contractors performing institutional services, including the "
        "community data hub.",
        elements=list(REVIEW_ELEMENTS), governing_laws=_laws(list(REVIEW_ELEMENTS)), population_kind="district",
        recipient_roles=["hub_steward"], required_training=training, recipients=[hub], **terms,
    )  # fmt: skip
    directors = [
        "Marisol Vega",
        "Samuel Adeyemi",
        "Grace Lin",
        "Tomás Herrera",
        "Priya Natarajan",
        "Owen Brooks",
    ]
    partner_signers = [
        (org, directors[i % len(directors)], "Executive Director")
        for i, org in enumerate(sorted(senders, key=lambda o: o.slug))
    ]
    _lifecycle(a, [superintendent, *partner_signers, (hub, "Jordan Ellis", "Hub director")], "active", start)
    return a


def _link_flows() -> None:
    """Label the hub's outgoing flows with the agreement they run under (the ecosystem map shows it)."""
    for agreement in Agreement.objects.exclude(status="draft"):
        recipients = [p.organization for p in agreement.parties.filter(role="recipient")]
        flows = DataFlow.objects.filter(
            source__organization__slug=HUB["slug"],
            target__organization__in=recipients,
            agreement__isnull=True,
        )
        for flow in flows:
            do_update_flow(
                acting_user=None, flow=flow, agreement=agreement, agreement_reference=agreement.reference
            )


def _designation(district: Organization, today: dt.date) -> None:
    if DirectoryDesignation.objects.filter(district=district).exists():
        return
    actions.do_create_designation(
        acting_user=None, district=district,
        elements=["person.first_name", "person.last_name", "person.grade_level", "person.school_id",
                  "enrollment.school_id", "enrollment.entry_date", "enrollment.exit_date"],
        notice_published_on=today - dt.timedelta(days=100), notice_reference="Family handbook, annual FERPA notice, page 12",
        opt_out_deadline=today - dt.timedelta(days=70), effective_from=today - dt.timedelta(days=70),
    )  # fmt: skip


def _consents(afterschool: Organization, roster: Path, today: dt.date) -> int:
    """Import paper consents for the first participants of the after-school roster; revoke one."""
    if not roster.exists() or Consent.objects.filter(collected_by=afterschool).exists():
        return 0
    with roster.open(encoding="utf-8-sig", newline="") as f:
        participants = [r for _, r in zip(range(CONSENTS), csv.DictReader(f), strict=False)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["student_id", "student_name", "signer_name", "relationship", "signed_on", "elements", "purpose",
                     "purpose_category", "form_reference", "recipients"])  # fmt: skip
    for i, p in enumerate(participants):
        signer = (p.get("Parent/Guardian") or "").strip() or f"Parent of {p['First Name']}"
        writer.writerow([p["Participant ID"], f"{p['First Name']} {p['Last Name']}", signer, "parent",
                         (today - dt.timedelta(days=80 - i)).isoformat(), ";".join(SERVICE_ELEMENTS), SERVICES_PURPOSE,
                         "direct_services", f"Enrollment forms binder {1 + i // 6}, page {1 + i % 6}", afterschool.slug])  # fmt: skip
    created = actions.do_import_consents(
        acting_user=None,
        organization=afterschool,
        raw=out.getvalue().encode(),
        file="afterschool-consents.csv",
    )
    if len(created) > 2:
        actions.do_revoke_consent(
            acting_user=None, consent=created[2], requested_by=f"{created[2].signer_name}, by phone to the site",
            reason="The family no longer wants school records shared with the program.",
        )  # fmt: skip
    return len(created)


@transaction.atomic
def load_governance(
    manifest: dict[str, Any], community: Path, today: dt.date | None = None
) -> dict[str, int]:
    """Create the demo's agreements, designation and consents once; return how many of each were made."""
    day = today or timezone.localdate()
    district = _org(manifest["district"]["slug"])
    made = _agreements(manifest, day)
    _designation(district, day)
    _link_flows()
    afterschool = _partner(manifest, "afterschool")
    consents = 0
    if afterschool is not None:
        consents = _consents(afterschool, community / "partners" / "afterschool" / "participants.csv", day)
    return {"agreements": len(made), "consents": consents}
