"""Every write of data requests: one transaction each, with its audit row and a step in the request's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.actionlists.choices import OPEN, RequestKind, RequestStatus, RequestStep
from commonground.actionlists.models import DataRequest, DataRequestEvent
from commonground.actionlists.permissions import is_owner_approver, requesting_organizations
from commonground.core import audit
from commonground.ecosystem.models import Organization
from commonground.governance import elements as catalog
from commonground.governance.actions import do_create_agreement
from commonground.governance.actions.agreements import RELATIONS
from commonground.governance.models import Agreement
from commonground.people.permissions import is_steward

#: Agreement fields a draft amendment does not copy: identity, lifecycle and destruction records.
_NOT_COPIED = frozenset({"id", "reference", "title", "status", "version", "activated_at", "ended_at", "end_reason",
                         "destroyed_on", "destruction_certified_by", "created_at", "updated_at", "legal_basis",
                         "purpose_category", "pathfinder_answers"})  # fmt: skip


def _step(request: DataRequest, actor: Any, step: str, note: str = "", at: dt.datetime | None = None) -> None:
    DataRequestEvent.objects.create(
        request=request, at=at or timezone.now(), actor=actor, step=step, note=note
    )


def _locked(request: DataRequest) -> DataRequest:
    return DataRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def do_submit_data_request(
    *,
    acting_user: Any,
    organization: Organization,
    disclosing: Organization,
    kind: str,
    reason: str,
    elements: Iterable[str] = (),
    agreement: Agreement | None = None,
    population: str = "",
    question: str = "",
) -> DataRequest:
    """A data lead or case manager asks, for ``organization``, for more of ``disclosing``'s data, with a reason."""
    if organization.pk not in requesting_organizations(acting_user):
        raise PermissionDenied(
            "Only a data lead or case manager of the organization may ask for data for it."
        )
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Say why the data is needed: the action it will inform."
    try:
        wanted = catalog.check(elements)
    except catalog.UnknownElementError as exc:
        errors["elements"] = str(exc)
        wanted = []
    if kind == RequestKind.ELEMENT and not wanted and "elements" not in errors:
        errors["elements"] = "Name at least one data element."
    if kind == RequestKind.POPULATION and not population.strip():
        errors["population"] = "Describe the population asked for."
    if kind == RequestKind.QUESTION and not question.strip():
        errors["question"] = "State the question the data would answer."
    if disclosing.pk == organization.pk:
        errors["disclosing"] = "An organization does not need to request its own records."
    if errors:
        raise ValidationError(errors)
    request = DataRequest(
        requester=acting_user, requesting_organization=organization, disclosing_organization=disclosing,
        agreement=agreement, kind=kind, elements=wanted, population=population.strip(),
        question=question.strip(), reason=reason.strip(),
    )  # fmt: skip
    request.full_clean()
    request.save()
    _step(request, acting_user, RequestStep.SUBMITTED, reason.strip())
    audit.record(
        actor=acting_user,
        action="actionlists.submit_request",
        obj=request,
        summary=f"{organization.name} asked {disclosing.name} for data ({request.get_kind_display().lower()})",
        details={"elements": wanted, "agreement": agreement.reference if agreement else ""},
    )
    return request


@transaction.atomic
def do_approve_data_request(*, acting_user: Any, request: DataRequest, note: str = "") -> DataRequest:
    """Record the approval of the hub steward or of the disclosing organization's data lead (whichever the user
    is); once both approved, the request waits for the steward to draft the amendment."""
    request = _locked(request)
    if request.status != RequestStatus.PENDING:
        raise ValidationError(
            f"This request is {request.get_status_display().lower()}; it cannot be approved now."
        )
    now = timezone.now()
    steps = []
    if is_steward(acting_user) and request.steward_approved_at is None:
        request.steward_approved_by, request.steward_approved_at = acting_user, now
        steps.append(RequestStep.STEWARD_APPROVED)
    if is_owner_approver(acting_user, request) and request.owner_approved_at is None:
        request.owner_approved_by, request.owner_approved_at = acting_user, now
        steps.append(RequestStep.OWNER_APPROVED)
    if not steps:
        raise PermissionDenied(
            "Only the hub steward and a data lead of the disclosing organization approve, once each."
        )
    if request.steward_approved_at and request.owner_approved_at:
        request.status = RequestStatus.APPROVED
    request.save()
    for step in steps:
        _step(request, acting_user, step, note, now)
    audit.record(
        actor=acting_user,
        action="actionlists.approve_request",
        obj=request,
        summary=f"Approved data request {request.pk} ({', '.join(steps)})",
        details={"status": request.status},
    )
    return request


@transaction.atomic
def do_decline_data_request(*, acting_user: Any, request: DataRequest, reason: str) -> DataRequest:
    """Either reviewer declines an open request; a reason is required and shown to the requester."""
    request = _locked(request)
    if not (is_steward(acting_user) or is_owner_approver(acting_user, request)):
        raise PermissionDenied("Only the hub steward and a data lead of the disclosing organization decide.")
    if request.status not in OPEN:
        raise ValidationError(
            f"This request is {request.get_status_display().lower()}; it cannot be declined now."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Give the requester the reason it was declined."})
    request.status, request.decline_reason, request.decided_at = (
        RequestStatus.DECLINED,
        reason.strip(),
        timezone.now(),
    )
    request.save()
    _step(request, acting_user, RequestStep.DECLINED, reason.strip(), request.decided_at)
    audit.record(
        actor=acting_user,
        action="actionlists.decline_request",
        obj=request,
        summary=f"Declined data request {request.pk}",
        details={"reason": reason.strip()},
    )
    return request


def _amendment_reference(agreement: Agreement) -> str:
    n = 1
    while Agreement.objects.filter(reference=f"{agreement.reference}-A{n}").exists():
        n += 1
    return f"{agreement.reference}-A{n}"


@transaction.atomic
def do_amend_from_request(*, acting_user: Any, request: DataRequest) -> DataRequest:
    """The steward drafts the amendment both reviewers approved: a new draft agreement copying the one the
    request names, with the requested elements added (it then follows the usual review, signing and activation)."""
    request = _locked(request)
    if not is_steward(acting_user):
        raise PermissionDenied("Only the hub steward drafts amendments.")
    if request.status != RequestStatus.APPROVED:
        raise ValidationError("Both the hub steward and the disclosing organization must approve first.")
    old = request.agreement
    if old is None:
        raise ValidationError(
            "The request names no agreement to amend: draft a new agreement, or decline it."
        )
    scalars = {
        f.name: getattr(old, f.name)
        for f in Agreement._meta.concrete_fields
        if f.name not in _NOT_COPIED and not f.is_relation
    }
    scalars["population_program_organization"] = old.population_program_organization
    scalars["elements"] = [*old.elements, *(e for e in request.elements if e not in old.elements)]
    scalars["governing_laws"] = {
        **{e.split(".", 1)[0]: "ferpa" for e in request.elements},
        **(old.governing_laws or {}),
    }
    parties = {role: [p.organization for p in old.parties.all() if p.role == role]
               for role in ("disclosing", "recipient", "hub")}  # fmt: skip
    relations = {
        "disclosing": parties["disclosing"],
        "recipients": parties["recipient"],
        "hub": parties["hub"],
        "population_schools": list(old.population_schools.all()),
        "required_training": list(old.required_training.all()),
    }
    assert set(relations) == set(RELATIONS)  # noqa: S101 - fails loudly if governance adds a relation
    draft = do_create_agreement(
        acting_user=acting_user,
        reference=_amendment_reference(old),
        title=f"{old.title} (amendment)"[:200],
        legal_basis=old.legal_basis,
        purpose_category=old.purpose_category,
        **scalars,
        **relations,
    )
    request.status, request.amendment, request.decided_at = RequestStatus.AMENDED, draft, timezone.now()
    request.save()
    _step(request, acting_user, RequestStep.AMENDED, f"Draft {draft.reference}", request.decided_at)
    audit.record(
        actor=acting_user,
        action="actionlists.amend_from_request",
        obj=request,
        summary=f"Drafted amendment {draft.reference} of {old.reference} for data request {request.pk}",
        details={
            "amendment": draft.reference,
            "added": [e for e in request.elements if e not in old.elements],
        },
    )
    return request
