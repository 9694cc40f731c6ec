"""Tables of the ecosystem registry."""

from __future__ import annotations

from commonground.utilities.tables import Column, Table


class OrganizationTable(Table):
    """Organizations with their kind, district and number of systems."""

    default_sort = "name"
    columns = (
        Column("name", "Name", lambda o: o.name, lambda o: o.get_absolute_url(), ("name",)),
        Column("kind", "Kind", lambda o: o.get_kind_display(), order_by=("kind", "name")),
        Column(
            "parent",
            "Part of",
            lambda o: o.parent,
            lambda o: o.parent and o.parent.get_absolute_url(),
            ("parent__name", "name"),
        ),
        Column("neighborhood", "Neighborhood", lambda o: o.neighborhood, order_by=("neighborhood", "name")),
        Column("systems", "Systems", lambda o: o.system_count, order_by=("system_count", "name")),
    )


class InformationSystemTable(Table):
    """Systems with their organization and kind."""

    default_sort = "name"
    columns = (
        Column(
            "name", "Name", lambda s: s.name, lambda s: s.get_absolute_url(), ("name", "organization__name")
        ),
        Column(
            "organization",
            "Organization",
            lambda s: s.organization,
            lambda s: s.organization.get_absolute_url(),
            ("organization__name", "name"),
        ),
        Column("kind", "Kind", lambda s: s.get_kind_display(), order_by=("kind", "name")),
        Column("vendor", "Vendor", lambda s: s.vendor, order_by=("vendor", "name")),
        Column("exports", "Exports", lambda s: s.export_formats),
    )


class DataFlowTable(Table):
    """Flows: from where to where, what, how often, how and under which agreement."""

    columns = (
        Column("what", "What", lambda f: f.what, lambda f: f.get_absolute_url(), ("what",)),
        Column(
            "source",
            "From",
            lambda f: f"{f.source.organization.name}: {f.source.name}",
            lambda f: f.source.get_absolute_url(),
            ("source__organization__name", "source__name"),
        ),
        Column(
            "target",
            "To",
            lambda f: f"{f.target.organization.name}: {f.target.name}",
            lambda f: f.target.get_absolute_url(),
            ("target__organization__name", "target__name"),
        ),
        Column("frequency", "How often", lambda f: f.get_frequency_display(), order_by=("frequency",)),
        Column("method", "Method", lambda f: f.get_method_display(), order_by=("method",)),
        Column(
            "agreement",
            "Agreement",
            lambda f: f.agreement.reference if f.agreement_id else (f.agreement_reference or "—"),
            order_by=("agreement_reference",),
        ),
    )
