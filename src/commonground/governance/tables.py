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
            "student", "Student", lambda c: c.student_name, lambda c: c.get_absolute_url()
        ),  # not sortable: names are encrypted at rest
        Column("record", "Record", lambda c: f"{c.source_organization.slug} / {c.source_person_id}"),
        Column("signer", "Signed by", lambda c: f"{c.signer_name} ({c.get_relationship_display()})"),
        Column("signed", "Signed on", lambda c: c.signed_on, order_by=("signed_on", "id")),
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
            "student", "Student", lambda o: o.student_name, lambda o: o.get_absolute_url()
        ),  # not sortable: names are encrypted at rest
        Column("district", "District", lambda o: o.district, order_by=("district__name",)),
        Column("received", "Received", lambda o: o.received_on, order_by=("received_on",)),
        Column("withdrawn", "Withdrawn", lambda o: o.withdrawn_on or "—", order_by=("withdrawn_on",)),
    )


class DisclosureTable(Table):
    """Disclosure records: when, which student, to whom, on which basis, which elements, by which route."""

    default_sort = "-at"
    columns = (
        Column("at", "When", lambda r: timezone.localtime(r.at).strftime("%Y-%m-%d %H:%M"), order_by=("at",)),
        Column("student", "Student (hub id)", lambda r: r.hub_person_id, order_by=("hub_person_id", "at")),
        Column(
            "recipient",
            "Recipient",
            lambda r: f"{r.recipient_label} ({r.recipient_organization.name})",
            order_by=("recipient_organization__name", "recipient_label", "at"),
        ),
        Column("basis", "Basis", lambda r: r.get_basis_display(), order_by=("basis", "at")),
        Column(
            "agreement",
            "Agreement",
            lambda r: r.agreement_reference or "—",
            order_by=("agreement_reference", "at"),
        ),
        Column("elements", "Elements", lambda r: ", ".join(r.elements)),
        Column("route", "Route", lambda r: f"{r.get_route_display()}: {r.route_path}".rstrip(": ")),
        Column(
            "law", "Required by 99.32", lambda r: "yes" if r.required_by_law else "no (exempt, kept anyway)"
        ),
    )
