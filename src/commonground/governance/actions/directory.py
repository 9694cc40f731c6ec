"""Directory-information designations and opt-outs (34 CFR 99.37)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from commonground.core import audit
from commonground.core.actions import create_audited, update_audited
from commonground.ecosystem.choices import OrganizationKind
from commonground.ecosystem.models import Organization
from commonground.governance.models import DirectoryDesignation, DirectoryOptOut


def _district(district: Organization) -> None:
    if district.kind != OrganizationKind.DISTRICT:
        raise ValidationError(
            {
                "district": f"{district} is not a school district; only districts designate directory information."
            }
        )


@transaction.atomic
def do_create_designation(*, acting_user: Any, district: Organization, **fields: Any) -> DirectoryDesignation:
    """Record the elements a district designated as directory information in its public notice."""
    _district(district)
    return create_audited(
        DirectoryDesignation(district=district, **fields),
        acting_user=acting_user,
        action="governance.create_designation",
        summary=f"Recorded directory designation of {district.name}",
        details={"elements": list(fields.get("elements", []))},
    )


@transaction.atomic
def do_update_designation(
    *, acting_user: Any, designation: DirectoryDesignation, **fields: Any
) -> DirectoryDesignation:
    """Change a designation (a new school year's notice is better recorded as a new designation)."""
    if "district" in fields:
        _district(fields["district"])
    return update_audited(
        designation,
        fields,
        acting_user=acting_user,
        action="governance.update_designation",
        summary=f"Updated directory designation of {designation.district.name}",
    )


@transaction.atomic
def do_record_opt_out(*, acting_user: Any, district: Organization, **fields: Any) -> DirectoryOptOut:
    """Record that a parent or eligible student refused directory disclosures (effective from ``received_on``)."""
    _district(district)
    return create_audited(
        DirectoryOptOut(district=district, **fields),
        acting_user=acting_user,
        action="governance.record_opt_out",
        # Names stay out of the audit log (it is never re-encrypted or shredded): the ids say who.
        summary=f"Recorded directory opt-out for student {fields.get('source_person_id', '')}",
    )


@transaction.atomic
def do_withdraw_opt_out(
    *, acting_user: Any, opt_out: DirectoryOptOut, withdrawn_on: dt.date
) -> DirectoryOptOut:
    """Record that the family withdrew its opt-out (directory disclosures may resume from ``withdrawn_on``)."""
    opt_out = DirectoryOptOut.objects.select_for_update().get(pk=opt_out.pk)
    if opt_out.withdrawn_on is not None:
        raise ValidationError(f"This opt-out was already withdrawn on {opt_out.withdrawn_on}.")
    if withdrawn_on < opt_out.received_on:
        raise ValidationError({"withdrawn_on": "An opt-out cannot be withdrawn before it was received."})
    opt_out.withdrawn_on = withdrawn_on
    opt_out.save(update_fields=["withdrawn_on", "updated_at"])
    audit.record(
        actor=acting_user,
        action="governance.withdraw_opt_out",
        obj=opt_out,
        summary=f"Directory opt-out for student {opt_out.source_person_id} withdrawn",
        details={"withdrawn_on": withdrawn_on.isoformat()},
    )
    return opt_out
