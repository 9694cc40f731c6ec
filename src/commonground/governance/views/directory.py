"""Directory information pages: designations (public notice, any signed-in user) and opt-outs (stewards)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from commonground.governance import actions
from commonground.governance.elements import label
from commonground.governance.forms import DesignationForm, OptOutForm, WithdrawOptOutForm
from commonground.governance.models import DirectoryDesignation, DirectoryOptOut
from commonground.governance.tables import DesignationTable, OptOutTable
from commonground.people.permissions import is_steward
from commonground.utilities.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    StewardObjectListView,
    StewardRequiredMixin,
)


class DesignationListView(ObjectListView):
    """What each district designated as directory information (its public notice)."""

    template_name = "governance/object_list.html"
    model = DirectoryDesignation
    queryset = DirectoryDesignation.objects.select_related("district")
    table_class = DesignationTable
    search_fields = ("district__name", "notice_reference")
    title = "Directory information"
    intro = (
        "The items each district has published as directory information (34 CFR 99.37). Only these may be shared "
        "without consent, and never for a student whose family opted out."
    )
    create_url_name = "governance:designation_create"


class DesignationDetailView(ObjectDetailView):
    """One designation."""

    model = DirectoryDesignation

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["element_labels"] = [(e, label(e)) for e in self.object.elements]
        return context


class DesignationEditView(ObjectEditView):
    """Record or change a designation."""

    template_name = "governance/object_form.html"
    model = DirectoryDesignation
    form_class = DesignationForm

    def save(self, form: Any) -> Model:
        data = form.cleaned_data
        if self.object is None:
            return actions.do_create_designation(acting_user=self.request.user, **data)
        return actions.do_update_designation(
            acting_user=self.request.user, designation=cast(DirectoryDesignation, self.object), **data
        )


class OptOutListView(StewardObjectListView):
    """Every directory opt-out."""

    template_name = "governance/object_list.html"
    model = DirectoryOptOut
    queryset = DirectoryOptOut.objects.select_related("district")
    table_class = OptOutTable
    search_fields = ("source_person_id",)  # names are encrypted at rest: not searchable
    title = "Directory opt-outs"
    intro = "Families who refused directory disclosures (34 CFR 99.37(a)(2)). Their children are left out of them."
    create_url_name = "governance:optout_create"


class OptOutDetailView(ObjectDetailView):
    """One opt-out; anyone but a steward gets "not found"."""

    model = DirectoryOptOut

    def get_queryset(self) -> QuerySet[Any]:
        if not is_steward(self.request.user):
            return DirectoryOptOut.objects.none()
        return DirectoryOptOut.objects.select_related("district", "source_organization")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["withdraw_form"] = WithdrawOptOutForm(initial={"withdrawn_on": timezone.localdate()})
        return context


class OptOutCreateView(ObjectEditView):
    """Record an opt-out."""

    template_name = "governance/object_form.html"
    model = DirectoryOptOut
    form_class = OptOutForm

    def save(self, form: Any) -> Model:
        return actions.do_record_opt_out(acting_user=self.request.user, **form.cleaned_data)


class OptOutWithdrawView(StewardRequiredMixin, View):
    """Record that the family withdrew its opt-out (POST)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        opt_out = get_object_or_404(DirectoryOptOut, pk=pk)
        form = WithdrawOptOutForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the date the opt-out was withdrawn.")
        else:
            try:
                actions.do_withdraw_opt_out(acting_user=request.user, opt_out=opt_out, **form.cleaned_data)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, "Recorded the withdrawal of the opt-out.")
        return HttpResponseRedirect(opt_out.get_absolute_url())
