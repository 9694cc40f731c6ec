"""Tables of the governance pages."""

from __future__ import annotations

from django.utils import timezone

from commonground.utilities.tables import Column, Table


class AgreementTable(Table):
    """Agreements with their status, basis, purpose and term."""

    default_sort = "reference"
    columns = (
        Column(
            "reference", "Reference", lambda a: a.reference, lambda a: a.get_absolute_url(), ("reference",)
        ),
        Column("title", "Title", lambda a: a.title, order_by=("title",)),
        Column("status", "Status", lambda a: a.get_status_display(), order_by=("status", "reference")),
        Column(
            "basis",
            "Legal basis",
            lambda a: a.get_legal_basis_display(),
            order_by=("legal_basis", "reference"),
        ),
        Column("ends", "Ends", lambda a: a.ends_on or "—", order_by=("ends_on", "reference")),
    )


class ConsentTable(Table):
    """Consents: the student, who signed, when, and whether it is still in force."""

    default_sort = "-signed"
    columns = (
        Column(
            "student", "Student", lambda c: c.student_name, lambda c: c.get_absolute_url(), ("student_name",)
        ),
        Column("record", "Record", lambda c: f"{c.source_organization.slug} / {c.source_person_id}"),
        Column("signer", "Signed by", lambda c: f"{c.signer_name} ({c.get_relationship_display()})"),
        Column("signed", "Signed on", lambda c: c.signed_on, order_by=("signed_on", "student_name")),
        Column(
            "method", "Method", lambda c: c.get_signature_method_display(), order_by=("signature_method",)
        ),
        Column(
            "status",
            "Status",
            lambda c: c.status_label(timezone.now()),
        ),
    )


class DesignationTable(Table):
    """Directory designations of each district."""

    columns = (
        Column(
            "district", "District", lambda d: d.district, lambda d: d.get_absolute_url(), ("district__name",)
        ),
        Column("from", "In effect from", lambda d: d.effective_from, order_by=("effective_from",)),
        Column("until", "Until", lambda d: d.effective_until or "—", order_by=("effective_until",)),
        Column("elements", "Elements", lambda d: len(d.elements)),
    )


class OptOutTable(Table):
    """Directory opt-outs."""

    columns = (
        Column(
            "student", "Student", lambda o: o.student_name, lambda o: o.get_absolute_url(), ("student_name",)
        ),
        Column("district", "District", lambda o: o.district, order_by=("district__name",)),
        Column("received", "Received", lambda o: o.received_on, order_by=("received_on",)),
        Column("withdrawn", "Withdrawn", lambda o: o.withdrawn_on or "—", order_by=("withdrawn_on",)),
    )
