"""The facts of one gate request arranged for the policy: who holds whose records, which consents, opt-outs,
holds and directory designations are in force at the request's moment (Django-free, see :mod:`.policy`); and
:func:`remembered`, which reuses a decision when the facts and the day are the same (:mod:`.gate` uses it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator

from commonground.governance.policy_types import (
    AgreementFacts,
    ConsentFacts,
    Decision,
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
    """The facts arranged for one request (by student, by district, active holds).

    An index is a pure function of its (immutable) facts and moment, so the last one built is reused when the
    same facts are decided at the same moment again — a page asking under several purposes at once
    (``gate.authorize_many``) arranges its students' facts once, not once per purpose.
    """

    _last: tuple[Facts, dt.datetime, dt.date, RequestIndex] | None = None

    def __new__(cls, facts: Facts, at: dt.datetime, day: dt.date) -> RequestIndex:
        """The index of the previous call when it was for these very facts at this moment, else a new one."""
        last = cls._last
        if last is not None and last[0] is facts and last[1] == at and last[2] == day:
            return last[3]
        index = super().__new__(cls)
        index._build(facts, at, day)
        cls._last = (facts, at, day, index)
        return index

    def __init__(self, facts: Facts, at: dt.datetime, day: dt.date) -> None:
        """Built by :meth:`__new__` (which may hand back the previous index); nothing left to do."""

    def _build(self, facts: Facts, at: dt.datetime, day: dt.date) -> None:
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


#: The latest decisions, by what was asked (purpose, students, elements): the facts they were made from, when.
_DECIDED: OrderedDict[Hashable, tuple[Facts, dt.datetime, dt.date, Decision]] = OrderedDict()
_DECIDED_KEPT = 32
_DECIDED_LOCK = threading.Lock()


def _moments(facts: Facts) -> Iterator[dt.datetime]:
    """Every moment in the facts that the policy compares with the time of a decision."""
    for a in facts.agreements:
        yield from (m for m in (a.activated_at, a.ended_at) if m is not None)
    yield from (c.revoked_at for c in facts.consents if c.revoked_at is not None)
    for h in facts.holds:
        yield from (m for m in (h.placed_at, h.lifted_at) if m is not None)


def remembered(
    key: Hashable, facts: Facts, at: dt.datetime, day: dt.date, decide: Callable[[], Decision]
) -> Decision:
    """``decide()``, or the decision made earlier for ``key`` when it is sure to be the same answer.

    The policy is a pure function of the facts, the question (``key``) and the moment; the moment matters only
    through its day and the moments in the facts it is compared with.  So an earlier decision is reused only
    when the facts loaded now are *equal* to those it was made from (every consent, hold, membership and
    population fact is loaded afresh for each request), on the same day, with no moment of the facts between
    the two times: a revocation, a new hold or an ended agreement changes the facts or crosses a moment, and is
    decided anew.  A page that asks about a whole roster on every view skips the per-student work when nothing
    changed.
    """
    with _DECIDED_LOCK:
        earlier = _DECIDED.get(key)
    if earlier is not None:
        then_facts, then, then_day, decision = earlier
        if (
            then_day == day
            and then <= at
            and then_facts == facts
            and not any(then < moment <= at for moment in _moments(facts))
        ):
            return dataclasses.replace(decision, at=at)
    decision = decide()
    with _DECIDED_LOCK:
        _DECIDED[key] = (facts, at, day, decision)
        _DECIDED.move_to_end(key)
        while len(_DECIDED) > _DECIDED_KEPT:
            _DECIDED.popitem(last=False)
    return decision
