"""Turning the pathfinder's answers into a draft agreement with the clauses of the chosen basis."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.governance import elements as catalog
from commonground.governance.actions.agreements import do_create_agreement
from commonground.governance.choices import GoverningLaw, LegalBasis, PopulationKind
from commonground.governance.models import Agreement
from commonground.governance.pathfinder import PURPOSE_CATEGORY, Answers, Fit, recommend
from commonground.people.choices import Role

REDISCLOSURE = (
    "The recipient will not disclose personally identifiable information from education records to any other party "
    "without the prior written consent of the parent or eligible student, except as 34 CFR 99.31 allows on the "
    "disclosing organization's behalf and with its record of the redisclosure (34 CFR 99.33). A party that breaks "
    "this condition may be denied access for at least five years (34 CFR 99.33(e))."
)
#: Who at the recipient usually sees the data, per basis (the steward adjusts it).
DEFAULT_ROLES = {
    "consent": [Role.CASE_MANAGER],
    "school_official": [Role.CASE_MANAGER],
    "studies": [Role.RESEARCHER],
    "audit_evaluation": [Role.RESEARCHER, Role.DATA_LEAD],
    "directory": [Role.DATA_LEAD],
    "deidentified": [Role.DATA_LEAD, Role.LEADER],
}


def _reference(requester: Organization) -> str:
    stem = f"DRAFT-{requester.slug[:32]}-{timezone.localdate():%Y%m%d}"
    n = 1
    while Agreement.objects.filter(reference=f"{stem}-{n}").exists():
        n += 1
    return f"{stem}-{n}"


@transaction.atomic
def do_draft_agreement_from_pathfinder(
    *,
    acting_user: Any,
    answers: Answers,
    requester: Organization,
    disclosing: Organization,
    elements: list[str],
    purpose: str,
    basis: str | None = None,
    hub: Organization | None = None,
) -> Agreement:
    """Create a draft agreement for the recommended (or chosen) lawful path, pre-filled from the answers.

    The standard clauses of the basis (use limited to the purpose, no identification by others, redisclosure,
    designation of the authorized representative) are written in; what only the parties can say (term,
    population, destruction deadline and method, protection policies) is left for the steward to complete.
    """
    advice = recommend(answers)
    if basis is None:
        chosen = advice.recommended
        if chosen is None:
            raise ValidationError(
                "No lawful path fits these answers yet. Collect written consent, or ask for de-identified data."
            )
        basis = chosen.basis
    elif advice.fit_of(basis) not in (Fit.RECOMMENDED, Fit.AVAILABLE):
        raise ValidationError(f"{LegalBasis(basis).label} does not fit these answers.")
    chosen_elements = catalog.check(elements)
    studies, audit_eval = basis == "studies", basis == "audit_evaluation"
    return do_create_agreement(
        acting_user=acting_user,
        reference=_reference(requester),
        title=f"{LegalBasis(basis).label.split(' (')[0]}: {disclosing.name} and {requester.name}",
        legal_basis=basis,
        purpose_category=PURPOSE_CATEGORY[answers.activity],
        purpose=purpose,
        elements=chosen_elements,
        governing_laws=dict.fromkeys(catalog.tables(chosen_elements), GoverningLaw.FERPA.value),
        # With consent the requester serves its own participants; the other paths cover the district's students.
        population_kind=PopulationKind.PROGRAM if basis == "consent" else PopulationKind.DISTRICT,
        population_program_organization=requester if basis == "consent" else None,
        recipient_roles=[str(r) for r in DEFAULT_ROLES[basis]],
        redisclosure_terms=REDISCLOSURE if basis not in ("directory", "deidentified") else "",
        limits_use_to_purpose=basis != "directory",
        restricts_identification=studies,
        designates_authorized_representative=audit_eval,
        pathfinder_answers={k: str(v) for k, v in dataclasses.asdict(answers).items()}
        | {"basis": basis, "requester": requester.slug, "disclosing": disclosing.slug},
        disclosing=[disclosing],
        recipients=[requester],
        hub=[hub] if hub is not None else [],
    )
