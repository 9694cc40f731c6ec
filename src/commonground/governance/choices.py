"""Fixed vocabularies of governance: legal bases and purposes (with their citations), statuses, laws.

The basis codes match :data:`commonground.governance.requirements.BASES` (a test keeps them in step).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalBasis(models.TextChoices):
    """The FERPA path a disclosure takes (34 CFR Part 99)."""

    CONSENT = "consent", _("Written consent (34 CFR 99.30)")
    SCHOOL_OFFICIAL = (
        "school_official",
        _("School official with a legitimate educational interest (34 CFR 99.31(a)(1)(i)(B))"),
    )
    STUDIES = "studies", _("Studies for the district (34 CFR 99.31(a)(6))")
    AUDIT_EVALUATION = "audit_evaluation", _("Audit or evaluation (34 CFR 99.31(a)(3), 99.35)")
    DIRECTORY = "directory", _("Directory information (34 CFR 99.31(a)(11), 99.37)")
    DEIDENTIFIED = "deidentified", _("De-identified data (34 CFR 99.31(b))")


class PurposeCategory(models.TextChoices):
    """What the data is for.  The gate matches an actor's stated purpose against it."""

    DIRECT_SERVICES = "direct_services", _("Direct services to individual children")
    SCHOOL_OFFICIAL = "school_official", _("A school-official function for the district (34 CFR 99.31(a)(1))")
    STUDY = "study", _("A study for the district (34 CFR 99.31(a)(6))")
    AUDIT_EVALUATION = "audit_evaluation", _("Audit or evaluation of an education program (34 CFR 99.35)")
    DEIDENTIFIED_REPORTING = "deidentified_reporting", _("De-identified reporting (34 CFR 99.31(b))")


class AgreementStatus(models.TextChoices):
    """Where an agreement is in its life."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")
    DESTROYED = "destroyed", _("Data destroyed")


#: The lifecycle: from each status, the statuses it may move to.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    AgreementStatus.DRAFT: (AgreementStatus.IN_REVIEW,),
    AgreementStatus.IN_REVIEW: (AgreementStatus.DRAFT, AgreementStatus.SIGNED),
    AgreementStatus.SIGNED: (AgreementStatus.ACTIVE, AgreementStatus.TERMINATED),
    AgreementStatus.ACTIVE: (AgreementStatus.EXPIRED, AgreementStatus.TERMINATED),
    AgreementStatus.EXPIRED: (AgreementStatus.DESTROYED,),
    AgreementStatus.TERMINATED: (AgreementStatus.DESTROYED,),
    AgreementStatus.DESTROYED: (),
}

#: Statuses in which the agreement's terms may still be changed (changes after draft create a new version).
EDITABLE = (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW, AgreementStatus.SIGNED, AgreementStatus.ACTIVE)


class PartyRole(models.TextChoices):
    """The part an organization plays in an agreement."""

    DISCLOSING = "disclosing", _("Disclosing organization")
    RECIPIENT = "recipient", _("Recipient")
    HUB = "hub", _("The hub")


class PopulationKind(models.TextChoices):
    """Which students an agreement covers."""

    DISTRICT = "district", _("All students of the disclosing district")
    SCHOOLS = "schools", _("Students at the named schools")
    PROGRAM = "program", _("Participants of a named program")


class StudyAim(models.TextChoices):
    """The aims the studies exception allows (34 CFR 99.31(a)(6)(i))."""

    PREDICTIVE_TESTS = (
        "predictive_tests",
        _("Develop, validate or administer predictive tests (99.31(a)(6)(i)(A))"),
    )
    STUDENT_AID = "student_aid", _("Administer student aid programs (99.31(a)(6)(i)(B))")
    IMPROVE_INSTRUCTION = "improve_instruction", _("Improve instruction (99.31(a)(6)(i)(C))")


class GoverningLaw(models.TextChoices):
    """The law that governs a dataset (FERPA.md, "Beyond FERPA")."""

    FERPA = "ferpa", _("FERPA (34 CFR Part 99)")
    HIPAA = "hipaa", _("HIPAA (45 CFR Parts 160 and 164)")
    PART2 = "part2", _("Substance use disorder records (42 CFR Part 2)")
    HMIS = "hmis", _("HUD HMIS data standards and privacy notice")
    IDEA = "idea", _("IDEA Part B confidentiality (34 CFR 300.610-300.626)")
    STATE = "state", _("State student-privacy law")
    OTHER = "other", _("Other (see the extra clauses)")


class Relationship(models.TextChoices):
    """Who may consent: the parent, or the student once 18 or in postsecondary education (34 CFR 99.5)."""

    PARENT = "parent", _("Parent or guardian")
    ELIGIBLE_STUDENT = "eligible_student", _("Eligible student (18 or older)")


class SignatureMethod(models.TextChoices):
    """How a consent was signed.  There is no opt-out kind: opt-out is never consent (34 CFR 99.30)."""

    PAPER = "paper", _("Signed on paper")
    ELECTRONIC = "electronic", _("Signed electronically (34 CFR 99.30(d))")


class IdentityVerification(models.TextChoices):
    """How the signer of an electronic consent was identified and authenticated (34 CFR 99.30(d)(1))."""

    PORTAL_MFA = "portal_mfa", _("Signed in to the parent portal with two-step verification")
    IN_PERSON_DOCUMENT = "in_person_document", _("Identity document checked in person")
    DISTRICT_ACCOUNT = "district_account", _("District-issued account verified at enrollment")
