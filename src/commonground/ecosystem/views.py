"""Pages of the ecosystem registry: organizations, systems, flows and the map."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Model, Q
from django.views.generic import TemplateView

from commonground.ecosystem import actions, ecomap
from commonground.ecosystem.forms import DataFlowForm, InformationSystemForm, OrganizationForm
from commonground.ecosystem.models import DataFlow, InformationSystem, Organization
from commonground.ecosystem.tables import DataFlowTable, InformationSystemTable, OrganizationTable
from commonground.people.permissions import is_steward
from commonground.utilities.views import ObjectDetailView, ObjectEditView, ObjectListView

FLOW_RELATIONS = ("source__organization", "target__organization")


# Organizations ------------------------------------------------------------------------------------------


class OrganizationListView(ObjectListView):
    """Every organization, filterable by kind and searchable by name."""

    model = Organization
    queryset = Organization.objects.select_related("parent").annotate(system_count=Count("systems"))
    table_class = OrganizationTable
    search_fields = ("name", "slug", "neighborhood", "description")
    kind_field = "kind"
    title = "Organizations"
    intro = (
        "Every district, school, nonprofit, agency, city office and funder taking part, and the hub itself."
    )
    create_url_name = "ecosystem:organization_create"


class OrganizationDetailView(ObjectDetailView):
    """An organization with its schools, systems, flows and (for stewards) its members."""

    model = Organization
    queryset = Organization.objects.select_related("parent")
    slug_url_kwarg = "slug"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        org = self.object
        context["children"] = org.children.all()
        context["systems"] = org.systems.all()
        context["flows"] = DataFlow.objects.filter(
            Q(source__organization=org) | Q(target__organization=org)
        ).select_related(*FLOW_RELATIONS)
        if is_steward(self.request.user):
            context["memberships"] = org.memberships.select_related("user")
        return context


class OrganizationEditView(ObjectEditView):
    """Register (no slug) or change an organization."""

    model = Organization
    form_class = OrganizationForm

    def save(self, form: Any) -> Model:
        data = form.cleaned_data
        if self.object is None:
            return actions.do_create_organization(acting_user=self.request.user, **data)
        return actions.do_update_organization(
            acting_user=self.request.user, organization=cast(Organization, self.object), **data
        )


# Systems ------------------------------------------------------------------------------------------------


class SystemListView(ObjectListView):
    """Every information system, filterable by kind."""

    model = InformationSystem
    queryset = InformationSystem.objects.select_related("organization")
    table_class = InformationSystemTable
    search_fields = ("name", "vendor", "organization__name", "data_held")
    kind_field = "kind"
    title = "Information systems"
    intro = "The systems partners already run. The hub connects to them; it does not re-create them."
    create_url_name = "ecosystem:system_create"


class SystemDetailView(ObjectDetailView):
    """A system, its constraints and the flows in and out of it."""

    model = InformationSystem
    queryset = InformationSystem.objects.select_related("organization")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["outgoing"] = self.object.outgoing_flows.select_related(*FLOW_RELATIONS)
        context["incoming"] = self.object.incoming_flows.select_related(*FLOW_RELATIONS)
        return context


class SystemEditView(ObjectEditView):
    """Register or change a system."""

    model = InformationSystem
    form_class = InformationSystemForm

    def save(self, form: Any) -> Model:
        data = form.cleaned_data
        if self.object is None:
            return actions.do_create_system(acting_user=self.request.user, **data)
        return actions.do_update_system(
            acting_user=self.request.user, system=cast(InformationSystem, self.object), **data
        )


# Flows --------------------------------------------------------------------------------------------------


class FlowListView(ObjectListView):
    """Every data flow, filterable by method."""

    model = DataFlow
    queryset = DataFlow.objects.select_related(*FLOW_RELATIONS, "agreement")
    table_class = DataFlowTable
    search_fields = (
        "what",
        "source__name",
        "target__name",
        "source__organization__name",
        "target__organization__name",
        "agreement_reference",
    )
    kind_field = "method"
    kind_label = "Method"
    title = "Data flows"
    intro = "Data that moves between systems: what, how often, how, and under which agreement."
    create_url_name = "ecosystem:flow_create"


class FlowDetailView(ObjectDetailView):
    """One flow."""

    model = DataFlow
    queryset = DataFlow.objects.select_related(*FLOW_RELATIONS)


class FlowEditView(ObjectEditView):
    """Record or change a flow."""

    model = DataFlow
    form_class = DataFlowForm

    def save(self, form: Any) -> Model:
        data = form.cleaned_data
        if self.object is None:
            return actions.do_create_flow(acting_user=self.request.user, **data)
        return actions.do_update_flow(acting_user=self.request.user, flow=cast(DataFlow, self.object), **data)


# The map ------------------------------------------------------------------------------------------------


class MapView(LoginRequiredMixin, TemplateView):
    """The ecosystem drawn as a picture, with the table of every flow beside it."""

    template_name = "ecosystem/map.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        collapse = self.request.GET.get("schools") != "all"
        context["map"] = ecomap.build_map(collapse_schools=collapse)
        context["collapse"] = collapse
        return context
