"""The pathfinder: "getting to yes".  From a few answers about who wants which data to do what, recommend the
lawful path(s) under FERPA, in plain words with citations, and say what each path needs.  Django-free.

The rules, one per basis (34 CFR Part 99):

- **De-identified data** (99.31(b)) fits whenever no individual student needs to be identified, and always for
  public reporting.
- **Written consent** (99.30) fits any purpose once a parent (or the student, 18+) signs a consent that names the
  records, the purpose and the recipient; without consent it stays *possible* — the path to yes is to ask.
- **School official** (99.31(a)(1)(i)(B)) fits services and institutional functions the district would otherwise
  perform with its own employees, under its direct control.
- **Studies** (99.31(a)(6)) fit research for or on behalf of the district to develop predictive tests,
  administer student aid or improve instruction.
- **Audit or evaluation** (99.31(a)(3), 99.35) fits the evaluation of a Federal- or State-supported education
  program by the district's authorized representative.
- **Directory information** (99.31(a)(11), 99.37) fits when every element needed is designated as directory
  information (opted-out students are left out).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from commonground.governance.requirements import BASIS_CITATION, CONSENT_FORM_CONTENT, requirements_for


class Activity(StrEnum):
    """What the requester wants to do with the data."""

    SERVICES = "services"
    STUDY = "study"
    EVALUATION = "evaluation"
    REPORTING = "reporting"
    INSTITUTIONAL = "institutional"


ACTIVITY_LABELS: dict[str, str] = {
    Activity.SERVICES: "Provide services to individual children",
    Activity.STUDY: "Research or a study",
    Activity.EVALUATION: "Evaluate a program",
    Activity.REPORTING: "Public reporting",
    Activity.INSTITUTIONAL: "An institutional function the district would otherwise do itself",
}

#: The agreement's purpose category (choices.PurposeCategory values) for each activity.
PURPOSE_CATEGORY: dict[str, str] = {
    Activity.SERVICES: "direct_services",
    Activity.STUDY: "study",
    Activity.EVALUATION: "audit_evaluation",
    Activity.REPORTING: "deidentified_reporting",
    Activity.INSTITUTIONAL: "school_official",
}


class Fit(StrEnum):
    """How a path fits the answers."""

    RECOMMENDED = "recommended"  # the best lawful path
    AVAILABLE = "available"  # also lawful
    POSSIBLE = "possible"  # lawful once the requester does something more (collect consent)
    NOT_AVAILABLE = "not_available"


@dataclass(frozen=True)
class Answers:
    """The pathfinder's questions.  Questions that do not apply to an activity are ignored."""

    activity: Activity
    identifiable: bool  # needs records about individual, identifiable students
    consent: bool  # will obtain signed and dated written consent (99.30)
    district_function: bool  # a service the district would otherwise perform with its own employees
    district_control: bool  # the district keeps direct control over use and upkeep of the records
    directory_only: bool  # every element needed is designated directory information
    study_aim: bool  # the study is for the district: predictive tests, student aid or improving instruction
    supported_program: bool  # the program evaluated is a Federal- or State-supported education program


@dataclass(frozen=True)
class PathAdvice:
    """One legal basis: how it fits, why, and what it needs."""

    basis: str
    title: str
    citation: str
    fit: Fit
    reason: str
    plain_words: str
    needs: tuple[tuple[str, str], ...]  # (what, citation)


@dataclass(frozen=True)
class Recommendation:
    """Every basis with its fit; ``recommended`` is the best one (``None`` when no path fits yet)."""

    paths: tuple[PathAdvice, ...]

    @property
    def recommended(self) -> PathAdvice | None:
        """The recommended path, if any."""
        return next((p for p in self.paths if p.fit == Fit.RECOMMENDED), None)

    def lawful(self) -> list[PathAdvice]:
        """Paths that fit now (recommended first)."""
        return [p for p in self.paths if p.fit in (Fit.RECOMMENDED, Fit.AVAILABLE)]

    def fit_of(self, basis: str) -> Fit:
        """How ``basis`` fits."""
        return next(p.fit for p in self.paths if p.basis == basis)


TITLES: dict[str, str] = {
    "deidentified": "De-identified data",
    "consent": "Written consent of the parent or eligible student",
    "school_official": "School official with a legitimate educational interest",
    "studies": "Studies for the district",
    "audit_evaluation": "Audit or evaluation",
    "directory": "Directory information",
}

PLAIN_WORDS: dict[str, str] = {
    "deidentified": "Share counts and rates, or records with every identifier removed, checked so that no student "
    "can be recognised — even by combining this release with earlier ones.",
    "consent": "Ask each family (or the student, once 18) to sign a consent that names the records, the purpose and "
    "your organization. Records flow only for students whose consent is on file, and stop the moment it is revoked.",
    "school_official": "The district treats your staff like its own for this task: you do work it would otherwise do "
    "itself, under its direct control, and only staff who need the records see them.",
    "studies": "The district asks you to study something it needs (predictive tests, student aid, better "
    "instruction). A written agreement fixes the purpose, scope, duration, data and a destruction deadline.",
    "audit_evaluation": "The district designates you its authorized representative to evaluate a Federal- or "
    "State-supported education program, in a written agreement with a destruction deadline and protection rules.",
    "directory": "Only the items the district has published as directory information (such as name and grade), "
    "and never for students whose parents opted out.",
}

#: Which activity-specific exception comes first for each activity, before consent and directory information.
_EXCEPTION_FOR: dict[str, str] = {
    Activity.SERVICES: "school_official",
    Activity.INSTITUTIONAL: "school_official",
    Activity.STUDY: "studies",
    Activity.EVALUATION: "audit_evaluation",
}


def _needs(basis: str) -> tuple[tuple[str, str], ...]:
    if basis == "consent":
        agreement = tuple((r.heading, r.citation) for r in requirements_for(basis))
        return CONSENT_FORM_CONTENT + agreement
    return tuple((r.heading, r.citation) for r in requirements_for(basis))


def _fits(a: Answers) -> dict[str, tuple[bool, str]]:
    """For each basis: whether it fits the answers, and why (or why not), in plain words."""
    services = a.activity in (Activity.SERVICES, Activity.INSTITUTIONAL)
    ident = a.identifiable
    return {
        "deidentified": (
            not ident or a.activity == Activity.REPORTING,
            "Public reports never identify a student."
            if a.activity == Activity.REPORTING
            else (
                "You do not need to identify individual students."
                if not ident
                else "You need identifiable records."
            ),
        ),
        "consent": (
            ident and a.consent,
            "You will collect signed and dated written consent."
            if a.consent
            else "No consent is collected yet; collecting it would open this path.",
        ),
        "school_official": (
            ident and services and a.district_function and a.district_control,
            "Only for services the district would otherwise perform itself, under its direct control."
            if not (services and a.district_function and a.district_control)
            else "You perform a district function under the district's direct control.",
        ),
        "studies": (
            ident and a.activity == Activity.STUDY and a.study_aim,
            "The study is for the district and serves an aim the studies exception allows."
            if a.activity == Activity.STUDY and a.study_aim
            else "Only for studies for the district on predictive tests, student aid or improving instruction.",
        ),
        "audit_evaluation": (
            ident and a.activity == Activity.EVALUATION and a.supported_program,
            "You evaluate a Federal- or State-supported education program for the district."
            if a.activity == Activity.EVALUATION and a.supported_program
            else "Only to audit or evaluate a Federal- or State-supported education program.",
        ),
        "directory": (
            ident and a.directory_only,
            "Every element you need is designated directory information."
            if a.directory_only
            else "Some elements you need are not directory information.",
        ),
    }


def _order(a: Answers) -> list[str]:
    """Preference order: the activity's own exception, then consent, then directory information."""
    first = ["deidentified"] if not a.identifiable or a.activity == Activity.REPORTING else []
    exception = _EXCEPTION_FOR.get(a.activity)
    rest = [exception] if exception else []
    rest += ["consent", "directory", "deidentified"]
    ordered = first + [b for b in rest if b not in first]
    return ordered + [b for b in TITLES if b not in ordered]


def recommend(answers: Answers) -> Recommendation:
    """Every basis with how it fits ``answers``, the recommended one first.

    Example:
        >>> a = Answers(Activity.STUDY, True, False, False, False, False, True, False)
        >>> recommend(a).recommended.basis
        'studies'
    """
    fits = _fits(answers)
    chosen = next((b for b in _order(answers) if fits[b][0]), None)
    paths = []
    for basis in _order(answers):
        ok, reason = fits[basis]
        if basis == chosen:
            fit = Fit.RECOMMENDED
        elif ok:
            fit = Fit.AVAILABLE
        elif basis == "consent" and answers.identifiable:
            fit = Fit.POSSIBLE  # consent can always be asked for: the path to yes
        else:
            fit = Fit.NOT_AVAILABLE
        paths.append(
            PathAdvice(
                basis, TITLES[basis], BASIS_CITATION[basis], fit, reason, PLAIN_WORDS[basis], _needs(basis)
            )
        )
    rank = {Fit.RECOMMENDED: 0, Fit.AVAILABLE: 1, Fit.POSSIBLE: 2, Fit.NOT_AVAILABLE: 3}
    return Recommendation(tuple(sorted(paths, key=lambda p: rank[p.fit])))
