"""Turn the registry into the ecosystem map: cards, arrows, links, and the flow table beside the picture."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from commonground.ecosystem import graph
from commonground.ecosystem.choices import OrganizationKind
from commonground.ecosystem.models import DataFlow, InformationSystem, Organization

KIND_ORDER = [
    OrganizationKind.DISTRICT,
    OrganizationKind.SCHOOL,
    OrganizationKind.AGENCY,
    OrganizationKind.CITY,
    OrganizationKind.NONPROFIT,
    OrganizationKind.FUNDER,
    OrganizationKind.HUB,
]


@dataclass(frozen=True)
class LegendEntry:
    """One colour of the legend, with its text."""

    kind: str
    label: str
    count: int


@dataclass
class EcosystemMap:
    """Everything the map template draws."""

    layout: graph.Layout
    urls: dict[str, str]
    legend: list[LegendEntry]
    flows: list[DataFlow]
    organization_count: int
    collapsed_schools: int
    description: str
    folded: list[tuple[Organization, list[Organization]]]


def _collapsed_into(orgs: list[Organization], collapse_schools: bool) -> dict[int, int]:
    """Map each school that has a district parent to that district (when schools are collapsed)."""
    if not collapse_schools:
        return {}
    kinds = {org.pk: org.kind for org in orgs}
    return {
        org.pk: org.parent_id
        for org in orgs
        if org.kind == OrganizationKind.SCHOOL
        and org.parent_id is not None
        and kinds.get(org.parent_id) == OrganizationKind.DISTRICT
    }


def build_map(*, collapse_schools: bool = True) -> EcosystemMap:
    """Read the registry (three queries) and lay it out."""
    orgs = list(Organization.objects.all())
    systems = list(InformationSystem.objects.all())
    flows = list(
        DataFlow.objects.select_related("source__organization", "target__organization").order_by(
            "source__organization__name", "source__name", "target__organization__name", "target__name", "pk"
        )
    )
    folded = _collapsed_into(orgs, collapse_schools)
    school_count: dict[int, int] = defaultdict(int)
    for district in folded.values():
        school_count[district] += 1
    systems_of: dict[int, list[InformationSystem]] = defaultdict(list)
    for system in systems:
        systems_of[system.organization_id].append(system)

    urls: dict[str, str] = {}
    clusters = []
    for org in orgs:
        if org.pk in folded:
            continue
        subtitle = str(org.get_kind_display())
        if school_count.get(org.pk):
            count = school_count[org.pk]
            subtitle += f" · {count} school" + ("s" if count != 1 else "")
        items = []
        for system in sorted(systems_of[org.pk], key=lambda s: s.name.casefold()):
            items.append(graph.Item(f"sys-{system.pk}", system.name))
            urls[f"sys-{system.pk}"] = system.get_absolute_url()
        clusters.append(graph.Cluster(f"org-{org.pk}", org.name, org.kind, tuple(items), subtitle))
        urls[f"org-{org.pk}"] = org.get_absolute_url()

    def endpoint(system: InformationSystem) -> str:
        district = folded.get(system.organization_id)
        return f"org-{district}" if district is not None else f"sys-{system.pk}"

    labels: dict[tuple[str, str], list[str]] = defaultdict(list)
    for flow in flows:
        key = (endpoint(flow.source), endpoint(flow.target))
        if key[0] == key[1]:
            continue
        label = str(flow.get_frequency_display())
        if label not in labels[key]:
            labels[key].append(label)
    edges = [graph.Edge(src, dst, ", ".join(names)) for (src, dst), names in labels.items()]

    result = graph.layout(clusters, edges, kind_order=[str(k) for k in KIND_ORDER])
    counts: dict[str, int] = defaultdict(int)
    for org in orgs:
        counts[org.kind] += 1
    legend = [LegendEntry(str(kind), str(kind.label), counts[kind]) for kind in KIND_ORDER if counts[kind]]
    description = (
        f"{len(orgs)} organizations and {len(systems)} systems; {len(flows)} data flows drawn as arrows "
        "labelled with how often they run."
    )
    if folded:
        description += f" {len(folded)} schools are shown inside their district's card."
    description += " The table after the picture lists every flow with links."
    by_pk = {org.pk: org for org in orgs}
    folded_lists: dict[int, list[Organization]] = defaultdict(list)
    for school_pk, district_pk in folded.items():
        folded_lists[district_pk].append(by_pk[school_pk])
    folded_view = [(by_pk[d], sorted(s, key=lambda o: o.name.casefold())) for d, s in folded_lists.items()]
    return EcosystemMap(result, urls, legend, flows, len(orgs), len(folded), description, folded_view)
