"""What a written agreement must contain for each legal basis, with the regulation's citations.  Django-free.

Each legal basis (34 CFR Part 99) lists the elements its agreement must hold.  Where the law does not demand an
agreement (consent, directory information, de-identified data) the hub still keeps one — it is how the gate knows
who may receive what — and cites the rule each element serves.  Elements the hub needs for itself (a term, the law
that governs each dataset) cite "Common Ground policy".

:func:`missing` checks a set of :class:`AgreementFacts` and returns what is absent; activation refuses an
agreement while anything is missing, naming each element and its citation.
"""

from __future__ import annotations

from dataclasses import dataclass

from commonground.governance.checks import DEFINITIONS, AgreementFacts, Check

POLICY = "Common Ground policy"

#: The legal bases, in the order the pathfinder and the pages present them.
BASES: tuple[str, ...] = (
    "consent",
    "school_official",
    "studies",
    "audit_evaluation",
    "directory",
    "deidentified",
)

BASIS_CITATION: dict[str, str] = {
    "consent": "34 CFR 99.30",
    "school_official": "34 CFR 99.31(a)(1)(i)(B)",
    "studies": "34 CFR 99.31(a)(6)",
    "audit_evaluation": "34 CFR 99.31(a)(3), 99.35",
    "directory": "34 CFR 99.31(a)(11), 99.37",
    "deidentified": "34 CFR 99.31(b)",
}

#: How a refusal names the basis: "(required by ... for studies)".
BASIS_PHRASE: dict[str, str] = {
    "consent": "disclosures with written consent",
    "school_official": "school officials",
    "studies": "studies",
    "audit_evaluation": "audits and evaluations",
    "directory": "directory information",
    "deidentified": "de-identified data",
}

__all__ = ["AgreementFacts", "Missing", "Requirement", "missing", "requirements_for"]


@dataclass(frozen=True)
class Requirement:
    """One element a written agreement must contain.

    ``check`` returns ``None`` when the element is present, otherwise the phrase that completes "The agreement
    cannot be activated: ..." (e.g. "it has no destruction deadline").
    """

    key: str
    heading: str
    citation: str
    check: Check


@dataclass(frozen=True)
class Missing:
    """A required element an agreement lacks, with the sentence that explains the refusal."""

    key: str
    heading: str
    citation: str
    problem: str
    message: str


def _req(key: str, citation: str) -> Requirement:
    heading, check = DEFINITIONS[key]
    return Requirement(key, heading, citation, check)


_STUDY = "34 CFR 99.31(a)(6)(iii)(C)"
_AUDIT = "34 CFR 99.35(a)(3)"
_SO = "34 CFR 99.31(a)(1)(i)(B)"

REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    "studies": (
        _req("parties", _STUDY),
        _req("purpose", f"{_STUDY}(1)"),
        _req("study_aim", "34 CFR 99.31(a)(6)(i)"),
        _req("scope", f"{_STUDY}(1)"),
        _req("duration", f"{_STUDY}(1)"),
        _req("information", f"{_STUDY}(1)"),
        _req("use_limited", f"{_STUDY}(2)"),
        _req("no_identification", f"{_STUDY}(3)"),
        _req("recipient_roles", f"{_STUDY}(3)"),
        _req("destruction", f"{_STUDY}(4)"),
        _req("destruction_deadline", f"{_STUDY}(4)"),
        _req("redisclosure", "34 CFR 99.33(a), (d)"),
        _req("governing_law", POLICY),
    ),
    "audit_evaluation": (
        _req("parties", _AUDIT),
        _req("authorized_representative", f"{_AUDIT}(i)"),
        _req("information", f"{_AUDIT}(ii)(A)"),
        _req("purpose", f"{_AUDIT}(ii)(B)"),
        _req("evaluated_program", f"{_AUDIT}(ii)(B)"),
        _req("activity", f"{_AUDIT}(ii)(C)"),
        _req("scope", POLICY),
        _req("duration", POLICY),
        _req("destruction", f"{_AUDIT}(iii)"),
        _req("destruction_deadline", f"{_AUDIT}(iv)"),
        _req("protection_policies", f"{_AUDIT}(v)"),
        _req("recipient_roles", f"{_AUDIT}(v)"),
        _req("redisclosure", "34 CFR 99.33(a), (d)"),
        _req("governing_law", POLICY),
    ),
    "school_official": (
        _req("parties", _SO),
        _req("purpose", _SO),
        _req("institutional_function", f"{_SO}(1)"),
        _req("direct_control", f"{_SO}(2)"),
        _req("redisclosure", f"{_SO}(3) and 99.33(a)"),
        _req("annual_notice", "34 CFR 99.7(a)(3)(iii)"),
        _req("recipient_roles", "34 CFR 99.31(a)(1)(ii)"),
        _req("information", "34 CFR 99.31(a)(1)(ii)"),
        _req("scope", POLICY),
        _req("duration", POLICY),
        _req("governing_law", POLICY),
    ),
    "consent": (
        _req("parties", "34 CFR 99.30(b)(3)"),
        _req("information", "34 CFR 99.30(b)(1)"),
        _req("purpose", "34 CFR 99.30(b)(2)"),
        _req("consent_form", "34 CFR 99.30(a)"),
        _req("recipient_roles", "34 CFR 99.33(a)(2)"),
        _req("redisclosure", "34 CFR 99.33(a), (d)"),
        _req("scope", POLICY),
        _req("duration", POLICY),
        _req("governing_law", POLICY),
    ),
    "directory": (
        _req("parties", POLICY),
        _req("purpose", POLICY),
        _req("information", "34 CFR 99.37(a)(1)"),
        _req("directory_designated", "34 CFR 99.3, 99.37(a)"),
        _req("scope", POLICY),
        _req("duration", POLICY),
        _req("governing_law", POLICY),
    ),
    "deidentified": (
        _req("parties", POLICY),
        _req("purpose", POLICY),
        _req("information", POLICY),
        _req("no_pii", "34 CFR 99.31(b)(1)"),
        _req("deidentification", "34 CFR 99.31(b)(1)"),
        _req("scope", POLICY),
        _req("duration", POLICY),
        _req("governing_law", POLICY),
    ),
}

#: What a written consent must contain (34 CFR 99.30), for consent forms and the pathfinder.
CONSENT_FORM_CONTENT: tuple[tuple[str, str], ...] = (
    ("The records that may be disclosed", "34 CFR 99.30(b)(1)"),
    ("The purpose of the disclosure", "34 CFR 99.30(b)(2)"),
    ("The party or class of parties to whom the records may be disclosed", "34 CFR 99.30(b)(3)"),
    (
        "The signature of the parent, or of the student once 18 or in postsecondary education",
        "34 CFR 99.30(a), 99.5",
    ),
    ("The date of the signature", "34 CFR 99.30(a)"),
    (
        "For electronic consent: a signature that identifies and authenticates the signer and shows their approval",
        "34 CFR 99.30(d)",
    ),
    (
        "On request, a copy of the records disclosed is given to the parent or eligible student",
        "34 CFR 99.30(c)",
    ),
)


def heading(key: str) -> str:
    """The heading an element has in the written agreement."""
    return DEFINITIONS[key][0]


def requirements_for(basis: str) -> tuple[Requirement, ...]:
    """The requirements of one basis (``KeyError`` names an unknown basis)."""
    try:
        return REQUIREMENTS[basis]
    except KeyError:
        raise KeyError(f"unknown legal basis {basis!r}; known: {', '.join(BASES)}") from None


def refusal(problem: str, citation: str, basis: str) -> str:
    """The sentence that names one missing element."""
    return f"The agreement cannot be activated: {problem} (required by {citation} for {BASIS_PHRASE[basis]})."


def missing(facts: AgreementFacts) -> list[Missing]:
    """Every required element ``facts`` lacks for its basis, in the order the law lists them.

    Example:
        >>> [m.key for m in missing(AgreementFacts(basis="studies", purpose="x"))][:2]
        ['parties', 'study_aim']
    """
    result = []
    for req in requirements_for(facts.basis):
        problem = req.check(facts)
        if problem is not None:
            result.append(
                Missing(
                    req.key, req.heading, req.citation, problem, refusal(problem, req.citation, facts.basis)
                )
            )
    return result
