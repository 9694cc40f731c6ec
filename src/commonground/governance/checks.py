"""How each element a written agreement may require is checked, and its heading.  Django-free.

Each check returns ``None`` when the element is present, otherwise the phrase that completes "The agreement
cannot be activated: ..." (e.g. "it has no destruction deadline").  :mod:`requirements` says which basis needs
which element, under which citation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from commonground.governance.elements import IDENTIFYING


@dataclass(frozen=True)
class AgreementFacts:
    """Everything the requirements look at, as plain values (built from an agreement's snapshot)."""

    basis: str
    purpose: str = ""
    study_aim: str = ""
    evaluated_program: str = ""
    activity_description: str = ""
    institutional_function: str = ""
    direct_control: str = ""
    annual_notice_criteria: str = ""
    consent_form: str = ""
    protection_policies: str = ""
    deidentification_method: str = ""
    redisclosure_terms: str = ""
    destruction_method: str = ""
    designates_authorized_representative: bool = False
    limits_use_to_purpose: bool = False
    restricts_identification: bool = False
    disclosing: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    recipient_roles: tuple[str, ...] = ()
    elements: tuple[str, ...] = ()
    population: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    destruction_deadline: dt.date | None = None
    governing_laws: dict[str, str] = field(default_factory=dict)
    #: The disclosing district's directory designation: its elements, or ``None`` when it has none.
    directory_elements: frozenset[str] | None = None
    directory_notice: str = ""


Check = Callable[[AgreementFacts], "str | None"]


def _text(attr: str, phrase: str) -> Check:
    return lambda f: None if str(getattr(f, attr)).strip() else phrase


def _flag(attr: str, phrase: str) -> Check:
    return lambda f: None if getattr(f, attr) else phrase


def _parties(f: AgreementFacts) -> str | None:
    if not f.disclosing:
        return "it names no disclosing organization"
    if not f.recipients:
        return "it names no recipient organization"
    return None


def _duration(f: AgreementFacts) -> str | None:
    if f.starts_on is None or f.ends_on is None:
        return "it has no term (a start date and an end date)"
    if f.ends_on < f.starts_on:
        return "its term ends before it starts"
    return None


def _deadline(f: AgreementFacts) -> str | None:
    if f.destruction_deadline is None:
        return "it has no destruction deadline"
    if f.ends_on is not None and f.destruction_deadline < f.ends_on:
        return "its destruction deadline falls before the end of its term"
    return None


def _governing_law(f: AgreementFacts) -> str | None:
    tables = sorted({e.split(".", 1)[0] for e in f.elements})
    lacking = [t for t in tables if not f.governing_laws.get(t)]
    if lacking:
        return f"it does not say which law governs the dataset{'s' if len(lacking) > 1 else ''} {', '.join(lacking)}"
    return None


def _directory(f: AgreementFacts) -> str | None:
    if f.directory_elements is None:
        return "the disclosing district has not designated any directory information"
    outside = [e for e in f.elements if e not in f.directory_elements]
    if outside:
        return f"{', '.join(outside)} {'is' if len(outside) == 1 else 'are'} not designated as directory information"
    return None


def _no_pii(f: AgreementFacts) -> str | None:
    pii = [e for e in f.elements if e in IDENTIFYING]
    if pii:
        return f"its elements include personally identifiable information ({', '.join(pii)})"
    return None


#: The generic definition of every element: heading in the written agreement and how to check it.
DEFINITIONS: dict[str, tuple[str, Check]] = {
    "parties": ("Parties", _parties),
    "purpose": ("Purpose", _text("purpose", "it states no purpose")),
    "study_aim": (
        "Aim of the study",
        _text(
            "study_aim",
            "it does not say which aim the study serves (predictive tests, student aid programs "
            "or improving instruction)",
        ),
    ),
    "evaluated_program": (
        "Program audited or evaluated",
        _text(
            "evaluated_program",
            "it does not name the Federal- or State-supported education program evaluated",
        ),
    ),
    "activity": (
        "Description of the activity",
        _text(
            "activity_description",
            "it does not describe the audit or evaluation and how the data will be used",
        ),
    ),
    "institutional_function": (
        "Institutional service or function",
        _text(
            "institutional_function",
            "it does not describe the institutional service the district would "
            "otherwise perform with its own employees",
        ),
    ),
    "direct_control": (
        "District's direct control",
        _text(
            "direct_control",
            "it does not say how the district keeps direct control over the use and "
            "maintenance of the records",
        ),
    ),
    "annual_notice": (
        "Criteria in the annual notification",
        _text(
            "annual_notice_criteria",
            "it does not cite the annual notification's criteria for school officials "
            "with a legitimate educational interest",
        ),
    ),
    "consent_form": (
        "Written consent",
        _text(
            "consent_form", "it does not name the consent form that collects signed and dated written consent"
        ),
    ),
    "scope": ("Scope: the students covered", _text("population", "it does not say which students it covers")),
    "duration": ("Term", _duration),
    "information": (
        "Information to be disclosed",
        lambda f: None if f.elements else "it names no data elements to be disclosed",
    ),
    "use_limited": (
        "Use only for the stated purpose",
        _flag("limits_use_to_purpose", "it does not limit the use of the data to the stated purpose"),
    ),
    "no_identification": (
        "No identification by others",
        _flag(
            "restricts_identification",
            "it does not forbid identification of parents and students by anyone "
            "other than the recipient's representatives with legitimate interests",
        ),
    ),
    "authorized_representative": (
        "Designation of the authorized representative",
        _flag(
            "designates_authorized_representative",
            "it does not designate the recipient as the district's authorized representative",
        ),
    ),
    "recipient_roles": (
        "Who may see the data",
        lambda f: (
            None if f.recipient_roles else "it does not say which of the recipient's staff may see the data"
        ),
    ),
    "protection_policies": (
        "Policies and procedures to protect the data",
        _text(
            "protection_policies",
            "it sets no policies and procedures to protect the data from further "
            "disclosure and unauthorized use",
        ),
    ),
    "redisclosure": (
        "Redisclosure",
        _text("redisclosure_terms", "it does not tell the recipient the limits on redisclosure"),
    ),
    "destruction": (
        "Destruction",
        _text("destruction_method", "it does not require destruction or say how the data will be destroyed"),
    ),
    "destruction_deadline": ("Destruction deadline", _deadline),
    "directory_designated": ("Directory information", _directory),
    "no_pii": ("No personally identifiable information", _no_pii),
    "deidentification": (
        "De-identification",
        _text(
            "deidentification_method",
            "it does not say how the district determined that no student can be "
            "identified through single or multiple releases",
        ),
    ),
    "governing_law": ("Law governing each dataset", _governing_law),
}
