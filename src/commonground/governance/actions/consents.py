"""Recording, importing and revoking written consent (34 CFR 99.30)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from commonground.core import audit
from commonground.ecosystem.choices import OrganizationKind
from commonground.ecosystem.models import Organization
from commonground.governance import consent_csv
from commonground.governance.choices import PurposeCategory, SignatureMethod
from commonground.governance.models import Consent


class ConsentImportError(Exception):
    """A consent file has errors; nothing of it was stored.  ``errors`` lists each one with line and column."""

    def __init__(self, errors: list[consent_csv.RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error{'s' if len(errors) != 1 else ''}; nothing was imported")


def _check_signature(signed_on: dt.date) -> None:
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": "A consent cannot be dated in the future."})


def _save_consent(consent: Consent, recipients: Iterable[Organization]) -> Consent:
    recipients = list(recipients)
    if not recipients and not consent.recipient_class:
        raise ValidationError(
            {"recipients": "Name the recipients or a class of recipients (34 CFR 99.30(b)(3))."}
        )
    consent.full_clean()
    consent.save()
    consent.recipients.set(recipients)
    return consent


@transaction.atomic
def do_record_consent(*, acting_user: Any, recipients: Iterable[Organization] = (), **fields: Any) -> Consent:
    """Record one signed consent (entered by a steward, or signed electronically in the portal)."""
    consent = Consent(**fields)
    _check_signature(consent.signed_on)
    _save_consent(consent, recipients)
    audit.record(
        actor=acting_user,
        action="governance.record_consent",
        obj=consent,
        # Names stay out of the audit log (it is never re-encrypted or shredded): the consent's ids say who.
        summary=f"Recorded consent for student {consent.source_person_id} of {consent.source_organization.slug} "
        f"({consent.get_signature_method_display().lower()})",
        details={"elements": consent.elements, "purpose_category": consent.purpose_category},
    )
    return consent


@transaction.atomic
def do_revoke_consent(
    *, acting_user: Any, consent: Consent, requested_by: str, reason: str, at: dt.datetime | None = None
) -> Consent:
    """Revoke a consent, effective immediately: nothing is disclosed under it from ``at`` on."""
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.revoked_at is not None:
        raise ValidationError(f"This consent was already revoked on {consent.revoked_at:%Y-%m-%d %H:%M}.")
    if not requested_by.strip():
        raise ValidationError({"requested_by": "Say who asked for the revocation."})
    consent.revoked_at = at or timezone.now()
    consent.revoked_by = acting_user if getattr(acting_user, "pk", None) else None
    consent.revocation_requested_by = requested_by
    consent.revocation_reason = reason
    consent.save(
        update_fields=[
            "revoked_at",
            "revoked_by",
            "revocation_requested_by",
            "revocation_reason",
            "updated_at",
        ]
    )
    audit.record(
        actor=acting_user,
        action="governance.revoke_consent",
        obj=consent,
        summary=f"Revoked consent for student {consent.source_person_id} of {consent.source_organization.slug}",
        details={
            "requested_by": "recorded on the consent (encrypted)",  # a person's name: not in the log
            "reason": reason,
            "revoked_at": consent.revoked_at.isoformat(),
        },
    )
    return consent


def parse_consent_file(
    raw: bytes, *, file: str
) -> tuple[list[consent_csv.ConsentRow], list[consent_csv.RowError]]:
    """Read a consent CSV with today's date and the hub's vocabularies."""
    return consent_csv.parse(
        raw,
        file=file,
        today=timezone.localdate(),
        purpose_categories=PurposeCategory.values,
        recipient_classes=OrganizationKind.values,
    )


@transaction.atomic
def do_import_consents(
    *, acting_user: Any, organization: Organization, raw: bytes, file: str
) -> list[Consent]:
    """Import consents collected on paper by ``organization``: all rows or none.

    Raises :class:`ConsentImportError` with every row-level error (file, line, column) and stores nothing.
    """
    rows, errors = parse_consent_file(raw, file=file)
    orgs = {o.slug: o for o in Organization.objects.all()}
    created: list[Consent] = []
    for row in rows:
        source = orgs.get(row.source_org or organization.slug)
        if source is None:
            errors.append(
                consent_csv.RowError(file, row.line, "source_org", f"unknown organization {row.source_org!r}")
            )
        unknown = [slug for slug in row.recipients if slug not in orgs]
        if unknown:
            errors.append(
                consent_csv.RowError(
                    file, row.line, "recipients", f"unknown organization(s): {', '.join(unknown)}"
                )
            )
        if source is None or unknown:
            continue
        if Consent.objects.filter(
            source_organization=source, source_person_id=row.student_id, form_reference=row.form_reference
        ).exists():
            errors.append(
                consent_csv.RowError(
                    file, row.line, "form_reference", "this signed form was already imported"
                )
            )
            continue
        consent = Consent(
            source_organization=source,
            source_person_id=row.student_id,
            student_name=row.student_name,
            collected_by=organization,
            signer_name=row.signer_name,
            relationship=row.relationship,
            elements=row.elements,
            purpose=row.purpose,
            purpose_category=row.purpose_category,
            recipient_class=row.recipient_class,
            signed_on=row.signed_on,
            signature_method=SignatureMethod.PAPER,
            form_reference=row.form_reference,
            expires_on=row.expires_on,
        )
        try:
            created.append(_save_consent(consent, [orgs[s] for s in row.recipients]))
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.extend(consent_csv.RowError(file, row.line, field, m) for m in messages)
    if errors:
        raise ConsentImportError(sorted(errors, key=lambda e: (e.line, e.column)))
    if not created:
        raise ConsentImportError([consent_csv.RowError(file, 1, "", "the file holds no consents")])
    audit.record(
        actor=acting_user,
        action="governance.import_consents",
        obj=organization,
        summary=f"Imported {len(created)} paper consents collected by {organization.name} from {file}",
        details={"file": file, "count": len(created), "consents": [c.pk for c in created]},
    )
    return created
