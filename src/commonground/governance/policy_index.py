"""The facts of one gate request arranged for the policy: who holds whose records, which consents, opt-outs,
holds and directory designations are in force at the request's moment (Django-free, see :mod:`.policy`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from commonground.governance.policy_types import (
    AgreementFacts,
    ConsentFacts,
    DesignationFacts,
    Facts,
    HoldFacts,
    MembershipFact,
    OptOutFacts,
    PopulationFact,
    TrainingFact,
)


def membership_active(m: MembershipFact, day: dt.date) -> bool:
    """Active flag set, started, not ended (the end day still counts)."""
    return m.is_active and m.starts_on <= day and (m.ends_on is None or day <= m.ends_on)


def current_courses(training: Iterable[TrainingFact], day: dt.date) -> frozenset[int]:
    """Courses with a completion that covers ``day``."""
    return frozenset(t.course for t in training if t.completed_on <= day < t.expires_on)


def agreement_in_force(a: AgreementFacts, at: dt.datetime, day: dt.date) -> bool:
    """Activated by ``at``, not ended at ``at``, and ``day`` within the term (as ``Agreement.is_in_force``)."""
    if a.activated_at is None or a.activated_at > at:
        return False
    if a.ended_at is not None and a.ended_at <= at:
        return False
    if a.starts_on is None or a.ends_on is None:
        return False
    return a.starts_on <= day <= a.ends_on


def consent_in_force(c: ConsentFacts, at: dt.datetime, day: dt.date) -> bool:
    """Signed by ``day``, not expired, not revoked at ``at`` (revocation acts at once, 99.30)."""
    if c.signed_on > day:
        return False
    if c.expires_on is not None and day > c.expires_on:
        return False
    return c.revoked_at is None or at < c.revoked_at


def hold_active(h: HoldFacts, at: dt.datetime) -> bool:
    """Placed by ``at`` and not yet lifted."""
    return h.placed_at <= at and (h.lifted_at is None or at < h.lifted_at)


def _spell_covers(begins: dt.date | None, ends: dt.date | None, day: dt.date) -> bool:
    return (begins is None or begins <= day) and (ends is None or day <= ends)


class RequestIndex:
    """The facts arranged for one request (by student, by district, active holds)."""

    def __init__(self, facts: Facts, at: dt.datetime, day: dt.date) -> None:
        self.facts = facts
        self.at = at
        self.day = day
        self.population: dict[str, list[PopulationFact]] = {}
        # Organizations holding a record of each student, with the districts of the schools among them.
        self.record_holders: dict[str, set[int]] = {}
        for p in facts.population:
            if p.kind == "record":
                holders = self.record_holders.setdefault(p.subject, set())
                holders.add(p.organization)
                info = facts.organizations.get(p.organization)
                if info is not None and info.parent is not None:
                    holders.add(info.parent)
            else:
                self.population.setdefault(p.subject, []).append(p)
        self.consents: dict[str, list[ConsentFacts]] = {}
        for c in sorted(facts.consents, key=lambda c: -c.id):  # newest first: see consented()
            if consent_in_force(c, at, day):
                self.consents.setdefault(c.subject, []).append(c)
        self.opt_outs: dict[str, list[OptOutFacts]] = {}
        for o in facts.opt_outs:
            if o.received_on <= day and (o.withdrawn_on is None or day < o.withdrawn_on):
                self.opt_outs.setdefault(o.subject, []).append(o)
        active = [h for h in facts.holds if hold_active(h, at)]
        self.held_subjects = {h.subject for h in active if h.scope == "subject"}
        self.held_orgs = {h.organization for h in active if h.scope == "organization"}
        self.held_agreements = {h.agreement for h in active if h.scope == "agreement"}
        current: dict[int, DesignationFacts] = {}
        for d in facts.designations:
            if not _spell_covers(d.effective_from, d.effective_until, day):
                continue
            best = current.get(d.district)
            if best is None or (d.effective_from, d.id) > (best.effective_from, best.id):
                current[d.district] = d
        self.designated: dict[int, frozenset[str]] = {district: d.elements for district, d in current.items()}

    def holds_record(self, subject: str, organizations: frozenset[int]) -> bool:
        """The student has a record held by one of ``organizations`` or by a school under one of them."""
        holders = self.record_holders.get(subject)
        return holders is not None and not holders.isdisjoint(organizations)

    def in_population(self, subject: str, a: AgreementFacts) -> bool:
        """The student has a record at a disclosing organization and fits the agreement's population."""
        if not self.holds_record(subject, a.disclosing):
            return False
        if a.population_kind == "district":
            return True
        facts = self.population.get(subject, ())
        if a.population_kind == "schools":
            return any(
                p.kind == "school"
                and p.organization in a.population_schools
                and _spell_covers(p.begins, p.ends, self.day)
                for p in facts
            )
        if a.population_kind == "program":
            return any(
                p.kind == "program"
                and p.organization == a.population_program_organization
                and (not a.population_program or p.value == a.population_program)
                and _spell_covers(p.begins, p.ends, self.day)
                for p in facts
            )
        return False  # an agreement without a population covers nobody

    def consented(self, subject: str, a: AgreementFacts, org: int) -> dict[str, int]:
        """Element → id of the first consent in force that names it, the agreement's purpose and the recipient."""
        orgs = self.facts.organizations
        kind = orgs[org].kind if org in orgs else ""
        out: dict[str, int] = {}
        # Newest first, so the oldest covering consent is written last and wins.
        for c in self.consents.get(subject, ()):
            if c.purpose_category != a.purpose_category:
                continue
            if org in c.recipients or (c.recipient_class != "" and c.recipient_class == kind):
                out.update(dict.fromkeys(c.elements, c.id))
        return out

    def opted_out(self, subject: str, districts: frozenset[int]) -> frozenset[str] | None:
        """The elements a directory opt-out to one of ``districts`` withholds; None means every element."""
        withheld: set[str] = set()
        for o in self.opt_outs.get(subject, ()):
            if o.district in districts:
                if not o.elements:
                    return None
                withheld |= o.elements
        return frozenset(withheld)

    def directory_designated(self, districts: frozenset[int]) -> frozenset[str]:
        """The elements a current designation of one of ``districts`` names."""
        out: frozenset[str] = frozenset()
        for d in districts:
            out |= self.designated.get(d, frozenset())
        return out
