"""The plain data the gate's policy reads (facts) and answers with (decisions), and its reason codes.

Django-free frozen dataclasses, so :mod:`commonground.governance.policy` stays a pure function and tests can build
any community by hand.  Everything here is re-exported by :mod:`~commonground.governance.policy`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

#: Reason codes in the order the checks run; a higher rank means the request got further.
RANK: dict[str, int] = {
    "no_membership": 0,
    "deidentified_only": 1,
    "no_agreement": 2,
    "role_not_permitted": 3,
    "training_missing": 4,
    "hold": 5,
    "element_not_covered": 6,
    "not_in_population": 7,
    "student_hold": 8,
    "not_directory": 9,
    "no_consent": 10,
    "directory_opt_out": 11,
}

#: Plain words for each reason code (the same words every time, so a denial leaks nothing about the student).
REASONS: dict[str, str] = {
    "no_membership": "You hold no active role in any organization.",
    "deidentified_only": "De-identified reporting receives published aggregates only, never student-level data "
    "(34 CFR 99.31(b)).",
    "no_agreement": "No agreement in force names your organization as a recipient for this purpose.",
    "role_not_permitted": "Your role is not one the agreement lets see student data.",
    "training_missing": "You lack current training that the agreement requires.",
    "hold": "A hold on the agreement or an organization stops this disclosure.",
    "element_not_covered": "The agreement does not cover this data element.",
    "not_in_population": "The student is not in the population the agreement covers.",
    "student_hold": "A hold on this student's records stops disclosures.",
    "not_directory": "The element is not designated as directory information by the disclosing district "
    "(34 CFR 99.37).",
    "no_consent": "No written consent in force covers this element, purpose and recipient (34 CFR 99.30); "
    "a revoked or expired consent no longer counts.",
    "directory_opt_out": "The family opted out of directory disclosures (34 CFR 99.37(a)(2)).",
}


# --- Facts -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MembershipFact:
    """The actor's role in one organization over a period."""

    organization: int
    role: str
    starts_on: dt.date
    ends_on: dt.date | None = None
    is_active: bool = True


@dataclass(frozen=True)
class TrainingFact:
    """One completion of a course, current from ``completed_on`` until the day before ``expires_on``."""

    course: int
    completed_on: dt.date
    expires_on: dt.date


@dataclass(frozen=True)
class ActorFacts:
    """Who asks: their memberships and training."""

    user_id: int | None
    memberships: tuple[MembershipFact, ...] = ()
    training: tuple[TrainingFact, ...] = ()
    #: Hub ids of the children this person is verified for in the family portal.
    family: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AgreementFacts:
    """The terms of an agreement the gate reads."""

    id: int
    legal_basis: str
    purpose_category: str
    activated_at: dt.datetime | None
    ended_at: dt.datetime | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    disclosing: frozenset[int]
    recipients: frozenset[int]
    recipient_roles: frozenset[str]
    elements: frozenset[str]
    population_kind: str
    population_schools: frozenset[int] = frozenset()
    population_program_organization: int | None = None
    population_program: str = ""
    required_training: frozenset[int] = frozenset()
    reference: str = ""


@dataclass(frozen=True)
class ConsentFacts:
    """A signed consent, attached to the hub person it is about."""

    id: int
    subject: str
    elements: frozenset[str]
    purpose_category: str
    recipients: frozenset[int]
    recipient_class: str
    signed_on: dt.date
    expires_on: dt.date | None = None
    revoked_at: dt.datetime | None = None


@dataclass(frozen=True)
class DesignationFacts:
    """A district's directory-information designation."""

    id: int
    district: int
    elements: frozenset[str]
    effective_from: dt.date
    effective_until: dt.date | None = None


@dataclass(frozen=True)
class OptOutFacts:
    """A family's directory opt-out (empty ``elements``: every directory element)."""

    subject: str
    district: int
    elements: frozenset[str]
    received_on: dt.date
    withdrawn_on: dt.date | None = None


@dataclass(frozen=True)
class HoldFacts:
    """A hold on a student, an organization or an agreement."""

    scope: str  # "subject", "organization" or "agreement"
    placed_at: dt.datetime
    lifted_at: dt.datetime | None = None
    subject: str | None = None
    organization: int | None = None
    agreement: int | None = None


@dataclass(frozen=True)
class PopulationFact:
    """A fact that places a student in populations: a record an organization holds, a school, a program."""

    subject: str
    kind: str  # "record", "school" or "program"
    organization: int
    value: str = ""  # record: the source person id; program: the program's name
    begins: dt.date | None = None
    ends: dt.date | None = None


@dataclass(frozen=True)
class OrganizationFacts:
    """An organization's kind and parent (a school's district)."""

    id: int
    kind: str
    parent: int | None = None


@dataclass(frozen=True)
class Facts:
    """Everything :func:`decide` reads."""

    actor: ActorFacts
    agreements: tuple[AgreementFacts, ...] = ()
    consents: tuple[ConsentFacts, ...] = ()
    designations: tuple[DesignationFacts, ...] = ()
    opt_outs: tuple[OptOutFacts, ...] = ()
    holds: tuple[HoldFacts, ...] = ()
    population: tuple[PopulationFact, ...] = ()
    organizations: Mapping[int, OrganizationFacts] = field(default_factory=dict)


# --- Decision ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """Why an element may be seen: the legal basis, the agreement and consent, who receives it, in which role.

    ``sources`` limits the rows to the records these organizations (or their schools) hold: an agreement's
    disclosing organizations, or the actor's own organization for own-records access.
    """

    kind: str
    agreement_id: int | None
    consent_id: int | None
    organization_id: int
    role: str
    sources: frozenset[int] = frozenset()


@dataclass(frozen=True)
class SubjectDecision:
    """The answer for one student: allowed elements with their basis, denied elements with a reason code."""

    subject: str
    allowed: Mapping[str, Basis]
    denied: Mapping[str, str]

    @property
    def elements(self) -> frozenset[str]:
        """The allowed elements."""
        return frozenset(self.allowed)

    def reasons(self) -> dict[str, str]:
        """Each denied element with its reason in plain words."""
        return {element: REASONS[code] for element, code in self.denied.items()}


@dataclass(frozen=True)
class Decision:
    """The answer for a whole request."""

    actor_id: int | None
    purpose: str
    at: dt.datetime
    elements: tuple[str, ...]
    subjects: Mapping[str, SubjectDecision]
    actor_label: str = ""  # the recipient's name for the record of disclosures

    def allowed_subjects(self) -> list[str]:
        """Students with at least one allowed element, in request order."""
        return [s for s, d in self.subjects.items() if d.allowed]

    def allows(self, subject: str, element: str) -> bool:
        """True when ``element`` of ``subject`` may be seen."""
        decision = self.subjects.get(subject)
        return decision is not None and element in decision.allowed
