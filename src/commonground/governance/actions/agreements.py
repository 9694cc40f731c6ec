"""Creating and amending agreements, and their signatories.  Each action is one transaction with its audit row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.ecosystem.models import Organization
from commonground.governance import snapshot
from commonground.governance.actions.versions import locked, new_version
from commonground.governance.choices import EDITABLE, AgreementStatus, PartyRole
from commonground.governance.models import Agreement, AgreementParty, Signatory
from commonground.governance.requirements import missing
from commonground.people.models import TrainingCourse

#: Relations set after the agreement row exists: parties (by role) and the two many-to-many fields.
RELATIONS = ("disclosing", "recipients", "hub", "population_schools", "required_training")
_PARTY_ROLE = {"disclosing": PartyRole.DISCLOSING, "recipients": PartyRole.RECIPIENT, "hub": PartyRole.HUB}
#: Statuses in which signatories may still be added, signed or removed.
SIGNABLE = (AgreementStatus.DRAFT, AgreementStatus.IN_REVIEW)


def _ids(objs: Iterable[Any] | None) -> list[int]:
    return sorted(o.pk for o in objs or [])


def _current_relations(agreement: Agreement) -> dict[str, list[int]]:
    parties = list(agreement.parties.all())
    result = {
        key: sorted(p.organization_id for p in parties if p.role == role) for key, role in _PARTY_ROLE.items()
    }
    result["population_schools"] = _ids(agreement.population_schools.all())
    result["required_training"] = _ids(agreement.required_training.all())
    return result


def _check_parties(relations: dict[str, list[int]]) -> None:
    both = set(relations["disclosing"]) & set(relations["recipients"])
    if both:
        names = ", ".join(Organization.objects.filter(pk__in=both).values_list("name", flat=True))
        raise ValidationError(
            {"recipients": f"{names} cannot both disclose and receive under one agreement."}
        )


def _set_relations(agreement: Agreement, relations: dict[str, list[int]]) -> None:
    AgreementParty.objects.filter(agreement=agreement).delete()
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=agreement, organization_id=org_id, role=_PARTY_ROLE[key])
        for key in _PARTY_ROLE
        for org_id in relations[key]
    )
    agreement.population_schools.set(relations["population_schools"])
    agreement.required_training.set(TrainingCourse.objects.filter(pk__in=relations["required_training"]))


def _wanted_relations(given: dict[str, Any], current: dict[str, list[int]]) -> dict[str, list[int]]:
    wanted = dict(current)
    for key in RELATIONS:
        if key in given and given[key] is not None:
            value = given[key]
            wanted[key] = _ids([value] if isinstance(value, Organization) else value)
    return wanted


@transaction.atomic
def do_create_agreement(
    *, acting_user: Any, reference: str, title: str, legal_basis: str, purpose_category: str, **fields: Any
) -> Agreement:
    """Register a draft agreement.  ``disclosing``, ``recipients`` and ``hub`` name the parties (organizations);
    ``population_schools`` and ``required_training`` are lists; every other keyword is an agreement field."""
    relations = _wanted_relations(fields, {key: [] for key in RELATIONS})
    scalars = {k: v for k, v in fields.items() if k not in RELATIONS}
    agreement = Agreement(
        reference=reference,
        title=title,
        legal_basis=legal_basis,
        purpose_category=purpose_category,
        **scalars,
    )
    agreement.full_clean()
    _check_parties(relations)
    agreement.save()
    _set_relations(agreement, relations)
    audit.record(
        actor=acting_user,
        action="governance.create_agreement",
        obj=agreement,
        summary=f"Drafted agreement {reference}",
        details={"legal_basis": legal_basis, "purpose_category": purpose_category},
    )
    return agreement


@transaction.atomic
def do_update_agreement(
    *, acting_user: Any, agreement: Agreement, note: str = "", **fields: Any
) -> Agreement:
    """Change an agreement's terms.  After the draft stage every change is a new version; an active agreement
    must keep every element its basis requires; expired, terminated and destroyed agreements cannot change."""
    agreement = locked(agreement)
    if agreement.status not in EDITABLE:
        raise ValidationError(
            f"Agreement {agreement.reference} is {agreement.get_status_display().lower()}; its terms can no longer "
            "change. Draft a new agreement instead."
        )
    current = _current_relations(agreement)
    wanted = _wanted_relations(fields, current)
    changes: dict[str, list[str]] = {}
    for name, value in fields.items():
        if name in RELATIONS:
            continue
        old = getattr(agreement, name)
        if old != value:
            changes[name] = [str(old), str(value)]
            setattr(agreement, name, value)
    for key in RELATIONS:
        if wanted[key] != current[key]:
            changes[key] = [str(current[key]), str(wanted[key])]
    if not changes:
        return agreement
    agreement.full_clean()
    _check_parties(wanted)
    agreement.save()
    _set_relations(agreement, wanted)
    if agreement.status == AgreementStatus.ACTIVE:
        gaps = missing(snapshot.facts(snapshot.build(agreement)))
        if gaps:
            raise ValidationError(
                ["An active agreement must keep every required element."]
                + [g.message.replace("cannot be activated", "cannot be changed this way") for g in gaps]
            )
    if agreement.status != AgreementStatus.DRAFT:
        new_version(agreement, acting_user=acting_user, note=note or f"Amended: {', '.join(sorted(changes))}")
    audit.record(
        actor=acting_user,
        action="governance.update_agreement",
        obj=agreement,
        summary=f"Updated agreement {agreement.reference}",
        details={"changes": changes, "version": agreement.version},
    )
    return agreement


def _signable(agreement: Agreement) -> Agreement:
    agreement = locked(agreement)
    if agreement.status not in SIGNABLE:
        raise ValidationError(
            f"Agreement {agreement.reference} is {agreement.get_status_display().lower()}; signatories can change "
            "only while it is a draft or in review."
        )
    return agreement


def _after_signatory_change(
    agreement: Agreement, acting_user: Any, action: str, summary: str, obj: Any
) -> None:
    if agreement.status != AgreementStatus.DRAFT:
        new_version(agreement, acting_user=acting_user, note=summary)
    audit.record(
        actor=acting_user, action=action, obj=obj, summary=summary, details={"agreement": agreement.pk}
    )


def _check_signed_on(signed_on: dt.date | None) -> None:
    if signed_on is not None and signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "A signature cannot be dated in the future."})


@transaction.atomic
def do_add_signatory(
    *,
    acting_user: Any,
    agreement: Agreement,
    name: str,
    title: str,
    organization: Organization,
    signed_on: dt.date | None = None,
) -> Signatory:
    """Name a decision maker who signs for one of the parties (principle 1)."""
    agreement = _signable(agreement)
    if not agreement.parties.filter(organization=organization).exists():
        raise ValidationError(
            {"organization": f"{organization} is not a party to agreement {agreement.reference}."}
        )
    _check_signed_on(signed_on)
    signatory = Signatory(
        agreement=agreement, name=name, title=title, organization=organization, signed_on=signed_on
    )
    signatory.full_clean()
    signatory.save()
    _after_signatory_change(
        agreement,
        acting_user,
        "governance.add_signatory",
        f"Added signatory {name} ({title}, {organization})",
        signatory,
    )
    return signatory


@transaction.atomic
def do_record_signature(*, acting_user: Any, signatory: Signatory, signed_on: dt.date) -> Signatory:
    """Record the date a signatory signed."""
    agreement = _signable(signatory.agreement)
    _check_signed_on(signed_on)
    signatory.signed_on = signed_on
    signatory.save(update_fields=["signed_on"])
    _after_signatory_change(
        agreement,
        acting_user,
        "governance.record_signature",
        f"{signatory.name} signed on {signed_on}",
        signatory,
    )
    return signatory


@transaction.atomic
def do_remove_signatory(*, acting_user: Any, signatory: Signatory) -> Agreement:
    """Take a signatory off an agreement that is still a draft or in review."""
    agreement = _signable(signatory.agreement)
    summary = f"Removed signatory {signatory.name}"
    audit.record(
        actor=acting_user,
        action="governance.remove_signatory",
        obj=signatory,
        summary=summary,
        details={"agreement": agreement.pk},
    )
    signatory.delete()
    if agreement.status != AgreementStatus.DRAFT:
        new_version(agreement, acting_user=acting_user, note=summary)
    return agreement
