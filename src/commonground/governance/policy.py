"""The gate's decision as a pure function over plain facts: who may see which element of which student, and why.

Django-free, so it is easy to test exhaustively (``tests/governance/test_policy_*.py`` compare it with an
independent oracle) and cheap to call: :mod:`commonground.governance.gate` loads the facts in a fixed number of
queries and calls :func:`decide`.  The rules follow DESIGN.md §5 and 34 CFR Part 99 (see ``docs/gate.md``).

For each requested (student, element) the policy looks for a *grant*: an agreement in force for the requested
purpose that names one of the actor's organizations as recipient.  The grant's checks run in a fixed order; the
first that fails is the grant's reason.  An element is allowed by the first grant (lowest agreement id, then
organization id, then role) whose checks all pass; otherwise the denial carries the reason of the grant that got
furthest (the highest :data:`RANK`).  Checks about the student (population, holds, consent, opt-out) come last,
and a student the hub does not know fails the population check exactly as a known student outside the population
does, so a denial never tells whether a student exists.

Reading one's own organization's records back (purpose :data:`OWN_RECORDS`) is not a disclosure (the records
never leave the organization that holds them); it is allowed to the organization's data leads and case managers
for students it holds a record of, limited to the rows it submitted (``Basis.sources``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from commonground.governance.policy_index import (
    RequestIndex,
    agreement_in_force,
    current_courses,
    membership_active,
)
from commonground.governance.policy_types import (
    RANK,
    REASONS,
    ActorFacts,
    AgreementFacts,
    Basis,
    ConsentFacts,
    Decision,
    DesignationFacts,
    Facts,
    HoldFacts,
    MembershipFact,
    OptOutFacts,
    OrganizationFacts,
    PopulationFact,
    SubjectDecision,
    TrainingFact,
)

__all__ = [
    "RANK",
    "REASONS",
    "ActorFacts",
    "AgreementFacts",
    "Basis",
    "ConsentFacts",
    "Decision",
    "DesignationFacts",
    "Facts",
    "HoldFacts",
    "MembershipFact",
    "OptOutFacts",
    "OrganizationFacts",
    "PopulationFact",
    "SubjectDecision",
    "TrainingFact",
    "decide",
]

# Legal bases, as stored on agreements (``governance.choices.LegalBasis``), plus the own-records access.
CONSENT = "consent"
SCHOOL_OFFICIAL = "school_official"
STUDIES = "studies"
AUDIT_EVALUATION = "audit_evaluation"
DIRECTORY = "directory"
DEIDENTIFIED = "deidentified"
OWN_RECORDS = "own_records"
#: A parent's (or eligible student's) own inspection of the child's records through the family portal (99.10).
FAMILY_ACCESS = "family_access"

#: Bases that are themselves the exception to consent (34 CFR 99.31(a)(1), (a)(6), (a)(3) with 99.35).
EXCEPTIONS = frozenset({SCHOOL_OFFICIAL, STUDIES, AUDIT_EVALUATION})
#: Disclosures 99.32(d) exempts from the record of disclosures (the hub records them anyway, marked as such).
RECORD_EXEMPT = frozenset({CONSENT, SCHOOL_OFFICIAL, DIRECTORY, OWN_RECORDS, FAMILY_ACCESS})
#: Roles a family member holds (people.choices.Role).
FAMILY_ROLES = frozenset({"parent", "eligible_student"})

#: The purpose of de-identified reporting: it gets published aggregates only, never student-level elements.
DEIDENTIFIED_REPORTING = "deidentified_reporting"
#: Roles that may read their own organization's records back.
OWN_RECORDS_ROLES = frozenset({"data_lead", "case_manager"})


@dataclass(frozen=True)
class _Grant:
    """An agreement reaching the actor through one membership, with the result of its student-free checks."""

    agreement: AgreementFacts
    membership: MembershipFact
    failure: str | None  # the first failing student-free check, if any
    _bases: dict[int | None, Basis] = field(default_factory=dict, compare=False)
    _splits: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, compare=False
    )

    def split(self, elements: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``elements`` the agreement covers, and those it does not (cached: most students ask the same)."""
        found = self._splits.get(elements)
        if found is None:
            covered = self.agreement.elements
            found = (
                tuple(e for e in elements if e in covered),
                tuple(e for e in elements if e not in covered),
            )
            self._splits[elements] = found
        return found

    def basis(self, consent_id: int | None) -> Basis:
        """The basis this grant gives (one shared object per consent)."""
        found = self._bases.get(consent_id)
        if found is None:
            a, m = self.agreement, self.membership
            found = Basis(a.legal_basis, a.id, consent_id, m.organization, m.role, a.disclosing)
            self._bases[consent_id] = found
        return found


def _grants(
    facts: Facts, index: RequestIndex, purpose: str, memberships: list[MembershipFact]
) -> list[_Grant]:
    training = current_courses(facts.actor.training, index.day)
    grants: list[_Grant] = []
    for a in sorted(facts.agreements, key=lambda a: a.id):
        if a.purpose_category != purpose or not agreement_in_force(a, index.at, index.day):
            continue
        for m in sorted(memberships, key=lambda m: (m.organization, m.role)):
            if m.organization not in a.recipients:
                continue
            failure: str | None = None
            if a.legal_basis == DEIDENTIFIED:
                failure = "deidentified_only"
            elif m.role not in a.recipient_roles:
                failure = "role_not_permitted"
            elif not a.required_training <= training:
                failure = "training_missing"
            elif (
                a.id in index.held_agreements
                or m.organization in index.held_orgs
                or bool(a.disclosing & index.held_orgs)
            ):
                failure = "hold"
            grants.append(_Grant(a, m, failure))
    return grants


def _verdict(
    index: RequestIndex, grant: _Grant, subject: str, elements: tuple[str, ...], population: dict[int, bool]
) -> tuple[dict[str, Basis], dict[str, str]]:
    """What ``grant`` allows of ``subject`` (element → basis) and, for the rest, the first check that failed.

    ``population`` caches, per agreement id, whether the student is in its population.
    """
    if grant.failure is not None:
        return {}, dict.fromkeys(elements, grant.failure)
    a, m = grant.agreement, grant.membership
    covered, outside = grant.split(elements)
    denied = dict.fromkeys(outside, "element_not_covered")
    if not covered:
        return {}, denied
    if a.id not in population:
        population[a.id] = index.in_population(subject, a)
    if not population[a.id]:
        return {}, {**denied, **dict.fromkeys(covered, "not_in_population")}
    if subject in index.held_subjects:
        return {}, {**denied, **dict.fromkeys(covered, "student_hold")}
    allowed: dict[str, Basis] = {}
    if a.legal_basis == CONSENT:
        consented = index.consented(subject, a, m.organization)
        for e in covered:
            consent_id = consented.get(e)
            if consent_id is None:
                denied[e] = "no_consent"
            else:
                allowed[e] = grant.basis(consent_id)
    elif a.legal_basis == DIRECTORY:
        designated = index.directory_designated(a.disclosing)
        withheld = index.opted_out(subject, a.disclosing)
        for e in covered:
            if e not in designated:
                denied[e] = "not_directory"
            elif withheld is None or e in withheld:
                denied[e] = "directory_opt_out"
            else:
                allowed[e] = grant.basis(None)
    elif a.legal_basis in EXCEPTIONS:
        allowed = dict.fromkeys(covered, grant.basis(None))
    else:
        denied.update(dict.fromkeys(covered, "no_agreement"))  # an unknown basis grants nothing
    return allowed, denied


def _decide_own_records(
    index: RequestIndex, subjects: list[str], elements: tuple[str, ...], memberships: list[MembershipFact]
) -> dict[str, SubjectDecision]:
    staff = sorted(
        (m for m in memberships if m.role in OWN_RECORDS_ROLES), key=lambda m: (m.organization, m.role)
    )
    usable = [m for m in staff if m.organization not in index.held_orgs]
    out: dict[str, SubjectDecision] = {}
    for subject in subjects:
        code = "role_not_permitted" if not staff else "hold" if not usable else ""
        sources = frozenset(
            m.organization for m in usable if index.holds_record(subject, frozenset({m.organization}))
        )
        if not code and not sources:
            code = "not_in_population"
        elif not code and subject in index.held_subjects:
            code = "student_hold"
        if code:
            out[subject] = SubjectDecision(subject, {}, dict.fromkeys(elements, code))
            continue
        first = next(m for m in usable if m.organization in sources)
        basis = Basis(OWN_RECORDS, None, None, first.organization, first.role, sources)
        out[subject] = SubjectDecision(subject, dict.fromkeys(elements, basis), {})
    return out


def _decide_family(
    index: RequestIndex,
    subjects: list[str],
    elements: tuple[str, ...],
    memberships: list[MembershipFact],
    family: frozenset[str],
) -> dict[str, SubjectDecision]:
    """A verified parent or eligible student sees every record the hub holds of their own child (34 CFR 99.10,
    99.12: only that child). Any other student is "not in the population", as for everyone else."""
    member = next(
        (m for m in sorted(memberships, key=lambda m: m.organization) if m.role in FAMILY_ROLES), None
    )
    out: dict[str, SubjectDecision] = {}
    for subject in subjects:
        holders = frozenset(index.record_holders.get(subject, ()))
        if member is None:
            out[subject] = SubjectDecision(subject, {}, dict.fromkeys(elements, "role_not_permitted"))
        elif subject not in family or not holders:
            out[subject] = SubjectDecision(subject, {}, dict.fromkeys(elements, "not_in_population"))
        else:
            basis = Basis(FAMILY_ACCESS, None, None, member.organization, member.role, holders)
            out[subject] = SubjectDecision(subject, dict.fromkeys(elements, basis), {})
    return out


def decide(
    facts: Facts,
    *,
    purpose: str,
    subjects: Iterable[str],
    elements: Iterable[str],
    at: dt.datetime,
    day: dt.date,
) -> Decision:
    """Decide, for every student and element, whether the actor may see it, on which basis, or why not.

    ``day`` is ``at``'s date in the hub's time zone (the caller knows the zone; this module does not).
    Revocations, expiries, lifted holds and ended memberships all compare with ``at``/``day``, so they act at once.
    """
    wanted = tuple(dict.fromkeys(elements))
    ordered = list(dict.fromkeys(subjects))
    index = RequestIndex(facts, at, day)
    memberships = [m for m in facts.actor.memberships if membership_active(m, day)]
    result: dict[str, SubjectDecision]
    if not memberships or purpose == DEIDENTIFIED_REPORTING:
        code = "no_membership" if not memberships else "deidentified_only"
        result = {s: SubjectDecision(s, {}, dict.fromkeys(wanted, code)) for s in ordered}
    elif purpose == OWN_RECORDS:
        result = _decide_own_records(index, ordered, wanted, memberships)
    elif purpose == FAMILY_ACCESS:
        result = _decide_family(index, ordered, wanted, memberships, facts.actor.family)
    else:
        result = _decide_grants(index, purpose, ordered, wanted, memberships)
    return Decision(facts.actor.user_id, purpose, at, wanted, result)


def _decide_grants(
    index: RequestIndex,
    purpose: str,
    subjects: list[str],
    elements: tuple[str, ...],
    memberships: list[MembershipFact],
) -> dict[str, SubjectDecision]:
    grants = _grants(index.facts, index, purpose, memberships)
    out: dict[str, SubjectDecision] = {}
    if not grants:
        for subject in subjects:
            out[subject] = SubjectDecision(subject, {}, dict.fromkeys(elements, "no_agreement"))
        return out
    start = dict.fromkeys(elements, "no_agreement")
    for subject in subjects:
        population: dict[int, bool] = {}
        allowed: dict[str, Basis] = {}
        best = start.copy()
        pending = elements
        for grant in grants:
            granted, refused = _verdict(index, grant, subject, pending, population)
            if granted:
                allowed.update(granted)
                pending = tuple(e for e in pending if e not in granted)
            for element, code in refused.items():
                if RANK[code] > RANK[best[element]]:
                    best[element] = code
            if not pending:
                break
        out[subject] = SubjectDecision(subject, allowed, {e: best[e] for e in pending})
    return out
