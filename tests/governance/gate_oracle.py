"""An independent, deliberately plain oracle of the gate's rules, written from docs/gate.md, not from policy.py.

It reads the same fact records (plain data) but calls nothing in :mod:`commonground.governance.policy`: every
rule is spelled out again with simple loops, one condition per line, so a mistake in either shows up as a
disagreement in ``test_policy_property.py``.

The answer for one (student, element) is ``("allow", basis, agreement, consent, organization, role, sources)`` or
``("deny", code)``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# The order in which the checks run; a denial reports the check the furthest candidate failed.
CHECK_ORDER = [
    "no_membership",
    "deidentified_only",
    "no_agreement",
    "role_not_permitted",
    "training_missing",
    "hold",
    "element_not_covered",
    "not_in_population",
    "student_hold",
    "not_directory",
    "no_consent",
    "directory_opt_out",
]


def _is_member_now(m: Any, day: dt.date) -> bool:
    if not m.is_active:
        return False
    if m.starts_on > day:
        return False
    return not (m.ends_on is not None and m.ends_on < day)


def _has_course(training: Any, course: int, day: dt.date) -> bool:
    for t in training:  # noqa: SIM110 - the oracle spells every rule out as a loop on purpose
        if t.course == course and t.completed_on <= day and day < t.expires_on:
            return True
    return False


def _agreement_live(a: Any, at: dt.datetime, day: dt.date) -> bool:
    if a.activated_at is None:
        return False
    if a.activated_at > at:
        return False
    if a.ended_at is not None and a.ended_at <= at:
        return False
    if a.starts_on is None or a.ends_on is None:
        return False
    if day < a.starts_on:
        return False
    return not day > a.ends_on


def _hold_on(holds: Any, at: dt.datetime, scope: str, target: Any) -> bool:
    for h in holds:
        if h.scope != scope:
            continue
        if h.placed_at > at:
            continue
        if h.lifted_at is not None and h.lifted_at <= at:
            continue
        value = {"subject": h.subject, "organization": h.organization, "agreement": h.agreement}[scope]
        if value == target:
            return True
    return False


def _record_at(facts: Any, subject: str, orgs: Any) -> bool:
    for p in facts.population:
        if p.subject != subject or p.kind != "record":
            continue
        if p.organization in orgs:
            return True
        info = facts.organizations.get(p.organization)
        if info is not None and info.parent is not None and info.parent in orgs:
            return True
    return False


def _covers_day(begins: Any, ends: Any, day: dt.date) -> bool:
    if begins is not None and begins > day:
        return False
    return not (ends is not None and ends < day)


def _in_population(facts: Any, subject: str, a: Any, day: dt.date) -> bool:
    if not _record_at(facts, subject, a.disclosing):
        return False
    if a.population_kind == "district":
        return True
    for p in facts.population:
        if p.subject != subject:
            continue
        if not _covers_day(p.begins, p.ends, day):
            continue
        if a.population_kind == "schools" and p.kind == "school" and p.organization in a.population_schools:
            return True
        if (
            a.population_kind == "program"
            and p.kind == "program"
            and p.organization == a.population_program_organization
            and (a.population_program == "" or a.population_program == p.value)
        ):
            return True
    return False


def _consent_for(
    facts: Any, subject: str, element: str, a: Any, org: int, at: dt.datetime, day: dt.date
) -> Any:
    best = None
    for c in facts.consents:
        if c.subject != subject:
            continue
        if c.signed_on > day:
            continue
        if c.expires_on is not None and c.expires_on < day:
            continue
        if c.revoked_at is not None and c.revoked_at <= at:
            continue
        if element not in c.elements:
            continue
        if c.purpose_category != a.purpose_category:
            continue
        named = org in c.recipients
        info = facts.organizations.get(org)
        in_class = c.recipient_class != "" and info is not None and info.kind == c.recipient_class
        if not (named or in_class):
            continue
        if best is None or c.id < best:
            best = c.id
    return best


def _designated(facts: Any, element: str, districts: Any, day: dt.date) -> bool:
    for district in districts:
        chosen = None
        for d in facts.designations:
            if d.district != district:
                continue
            if not _covers_day(d.effective_from, d.effective_until, day):
                continue
            if chosen is None or d.effective_from > chosen.effective_from:  # noqa: SIM114 - one rule per branch
                chosen = d
            elif d.effective_from == chosen.effective_from and d.id > chosen.id:
                chosen = d
        if chosen is not None and element in chosen.elements:
            return True
    return False


def _opted_out(facts: Any, subject: str, element: str, districts: Any, day: dt.date) -> bool:
    for o in facts.opt_outs:
        if o.subject != subject or o.district not in districts:
            continue
        if o.received_on > day:
            continue
        if o.withdrawn_on is not None and o.withdrawn_on <= day:
            continue
        if len(o.elements) == 0 or element in o.elements:
            return True
    return False


def _one_candidate(
    facts: Any, a: Any, m: Any, subject: str, element: str, at: dt.datetime, day: dt.date
) -> Any:
    """Run the checks of one agreement reached through one membership, in order."""
    if a.legal_basis == "deidentified":
        return ("deny", "deidentified_only")
    if m.role not in a.recipient_roles:
        return ("deny", "role_not_permitted")
    for course in a.required_training:
        if not _has_course(facts.actor.training, course, day):
            return ("deny", "training_missing")
    if _hold_on(facts.holds, at, "agreement", a.id):
        return ("deny", "hold")
    if _hold_on(facts.holds, at, "organization", m.organization):
        return ("deny", "hold")
    for d in a.disclosing:
        if _hold_on(facts.holds, at, "organization", d):
            return ("deny", "hold")
    if element not in a.elements:
        return ("deny", "element_not_covered")
    if not _in_population(facts, subject, a, day):
        return ("deny", "not_in_population")
    if _hold_on(facts.holds, at, "subject", subject):
        return ("deny", "student_hold")
    consent = None
    if a.legal_basis == "consent":
        consent = _consent_for(facts, subject, element, a, m.organization, at, day)
        if consent is None:
            return ("deny", "no_consent")
    elif a.legal_basis == "directory":
        if not _designated(facts, element, a.disclosing, day):
            return ("deny", "not_directory")
        if _opted_out(facts, subject, element, a.disclosing, day):
            return ("deny", "directory_opt_out")
    elif a.legal_basis not in ("school_official", "studies", "audit_evaluation"):
        return ("deny", "no_agreement")
    return ("allow", a.legal_basis, a.id, consent, m.organization, m.role, frozenset(a.disclosing))


def _own_records(facts: Any, members: list[Any], subject: str, at: dt.datetime) -> Any:
    staff = [m for m in members if m.role in ("data_lead", "case_manager")]
    if not staff:
        return ("deny", "role_not_permitted")
    usable = [m for m in staff if not _hold_on(facts.holds, at, "organization", m.organization)]
    if not usable:
        return ("deny", "hold")
    holding = []
    for m in usable:
        if _record_at(facts, subject, {m.organization}) and m.organization not in holding:
            holding.append(m.organization)
    if not holding:
        return ("deny", "not_in_population")
    if _hold_on(facts.holds, at, "subject", subject):
        return ("deny", "student_hold")
    first = sorted((m.organization, m.role) for m in usable if m.organization in holding)[0]
    return ("allow", "own_records", None, None, first[0], first[1], frozenset(holding))


def oracle(
    facts: Any, purpose: str, subjects: list[str], elements: list[str], at: dt.datetime, day: dt.date
) -> dict[str, dict[str, Any]]:
    """The expected answer for every (student, element)."""
    members = [m for m in facts.actor.memberships if _is_member_now(m, day)]
    answer: dict[str, dict[str, Any]] = {}
    for subject in subjects:
        answer[subject] = {}
        for element in elements:
            if not members:
                answer[subject][element] = ("deny", "no_membership")
            elif purpose == "deidentified_reporting":
                answer[subject][element] = ("deny", "deidentified_only")
            elif purpose == "own_records":
                answer[subject][element] = _own_records(facts, members, subject, at)
            else:
                answer[subject][element] = _by_agreements(facts, members, purpose, subject, element, at, day)
    return answer


def _by_agreements(
    facts: Any, members: list[Any], purpose: str, subject: str, element: str, at: dt.datetime, day: dt.date
) -> Any:
    furthest = "no_agreement"
    for a in sorted(facts.agreements, key=lambda a: a.id):
        if a.purpose_category != purpose:
            continue
        if not _agreement_live(a, at, day):
            continue
        for m in sorted(members, key=lambda m: (m.organization, m.role)):
            if m.organization not in a.recipients:
                continue
            result = _one_candidate(facts, a, m, subject, element, at, day)
            if result[0] == "allow":
                return result
            if CHECK_ORDER.index(result[1]) > CHECK_ORDER.index(furthest):
                furthest = result[1]
    return ("deny", furthest)
