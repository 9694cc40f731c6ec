"""The mapping wizard: a sample file, a suggested mapping, a live preview, and "Save".

Only the head of the sample (10 rows, as a small CSV) is kept, in ``<home>/data/wizard/<token>/``, and only for
the session that uploaded it; it is deleted when the mapping is saved or another sample replaces it.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView, View

from commonground.ecosystem.models import InformationSystem
from commonground.ingest import wizard
from commonground.ingest.connectors.mapping import suggest_mapping
from commonground.ingest.forms import MappingForm, SampleForm, column_field_name, date_field_name
from commonground.ingest.inbox import save_upload
from commonground.ingest.mapping_actions import do_save_mapping
from commonground.ingest.views.access import DataSubmitterRequiredMixin

SESSION_KEY = "ingest_wizard"
SAMPLE_NAME = "sample.csv"


def _wizard_root() -> Path:
    return Path(settings.COMMONGROUND_HOME) / "data" / "wizard"


def _forget(request: HttpRequest) -> None:
    state = request.session.pop(SESSION_KEY, None)
    if state and str(state.get("token", "")).isalnum():
        shutil.rmtree(_wizard_root() / state["token"], ignore_errors=True)


class WizardStartView(DataSubmitterRequiredMixin, TemplateView):
    """Step 1: upload a sample and say which system it comes from and what it holds."""

    template_name = "ingest/wizard_start.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        initial = {"system": request.GET.get("system")} if request.GET.get("system", "").isdigit() else {}
        form = SampleForm(organizations=self.organizations(), initial=initial)
        return self.render_to_response(self.get_context_data(form=form, title="Mapping wizard"))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SampleForm(request.POST, request.FILES, organizations=self.organizations())
        if form.is_valid():
            data = form.cleaned_data
            _forget(request)
            token = uuid.uuid4().hex
            folder = _wizard_root() / token
            folder.mkdir(parents=True)
            original = save_upload(data["file"], folder)
            try:
                sample = wizard.read_sample(original, sheet=data["sheet"] or None)
            except wizard.SampleError as exc:
                shutil.rmtree(folder, ignore_errors=True)
                form.add_error("file", str(exc))
            else:
                wizard.write_sample(sample, folder / SAMPLE_NAME)
                original.unlink()  # only the head is kept
                request.session[SESSION_KEY] = {
                    "token": token,
                    "system": data["system"].pk,
                    "table": data["table"],
                    "sheet": data["sheet"],
                    "file": data["file"].name,
                }
                return HttpResponseRedirect(reverse("ingest:mapping_wizard_map", args=[token]))
        return self.render_to_response(self.get_context_data(form=form, title="Mapping wizard"))


class _WizardStepMixin(DataSubmitterRequiredMixin):
    """The wizard's state for ``token``: only the session that uploaded the sample may use it."""

    kwargs: dict[str, Any]

    def load(self) -> dict[str, Any]:
        state = self.request.session.get(SESSION_KEY)
        if not state or state.get("token") != self.kwargs["token"]:
            raise Http404("This sample is no longer available; upload it again.")
        system = InformationSystem.objects.filter(
            pk=state["system"], organization__in=self.organizations()
        ).first()
        if system is None:
            raise Http404("No such system.")
        sample = wizard.read_sample(_wizard_root() / state["token"] / SAMPLE_NAME)
        return {**state, "system_obj": system, "sample": sample}

    def mapping_form(self, state: dict[str, Any], data: Any = None) -> MappingForm:
        sample: wizard.Sample = state["sample"]
        table = state["table"]
        initial: dict[str, Any] = {"name": table.replace("_", "-")}
        if data is None:
            for name, header in suggest_mapping(sample.headers, table)["columns"].items():
                initial[column_field_name(name)] = header
            for name in wizard.date_fields(table):
                header = initial.get(column_field_name(name))
                if header:
                    position = sample.headers.index(header)
                    values = [r[position] for r in sample.rows if position < len(r)]
                    initial[date_field_name(name)] = ", ".join(wizard.guess_date_formats(values))
        return MappingForm(
            data, table=table, headers=sample.headers, sheet=state.get("sheet", ""), initial=initial
        )

    def preview_for(self, state: dict[str, Any], form: MappingForm) -> wizard.Preview | None:
        if not form.is_valid() or form.mapping is None:
            return None
        return wizard.preview(_wizard_root() / state["token"] / SAMPLE_NAME, form.mapping)


class WizardMapView(_WizardStepMixin, TemplateView):
    """Step 2: the sample, the suggested mapping as a form, its preview, and "Save"."""

    template_name = "ingest/wizard_map.html"

    def render_step(self, state: dict[str, Any], form: MappingForm, status: int = 200) -> HttpResponse:
        # A bound form shows its own values; an unbound one is previewed with the suggested mapping.
        preview_form = form if form.is_bound else self.mapping_form(state, self._initial_data(form))
        context = self.get_context_data(
            form=form,
            state=state,
            sample=state["sample"],
            preview=self.preview_for(state, preview_form),
            preview_errors=preview_form.errors if preview_form.is_bound else {},
            yaml_text=wizard.mapping_yaml(preview_form.mapping_dict) if preview_form.mapping_dict else "",
            title="Mapping wizard: check the suggested mapping",
        )
        return self.render_to_response(context, status=status)

    @staticmethod
    def _initial_data(form: MappingForm) -> dict[str, Any]:
        return {name: form.initial.get(name, "") for name in form.fields}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state = self.load()
        return self.render_step(state, self.mapping_form(state))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state = self.load()
        form = self.mapping_form(state, request.POST)
        if "save" not in request.POST or not form.is_valid() or form.mapping is None:
            return self.render_step(state, form)
        if not form.cleaned_data.get("name"):
            form.add_error("name", "give the mapping a name to save it under")
            return self.render_step(state, form)
        system: InformationSystem = state["system_obj"]
        try:
            saved = do_save_mapping(
                acting_user=request.user,
                system=system,
                name=form.cleaned_data["name"],
                yaml_text=wizard.mapping_yaml(form.mapping_dict),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_step(state, form)
        _forget(request)
        messages.success(request, f"Saved the mapping “{saved.name}” for {system.name}.")
        query = urlencode(
            {
                "organization": system.organization.slug,
                "system": str(system.pk),
                "format": "tabular",
                "mapping": str(saved.pk),
            }
        )
        return HttpResponseRedirect(f"{reverse('ingest:upload')}?{query}")


class WizardPreviewView(_WizardStepMixin, View):
    """The live preview (htmx): the mapped first rows with per-cell errors, for the form as it is now."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        state = self.load()
        form = self.mapping_form(state, request.POST)
        context = {
            "preview": self.preview_for(state, form),
            "preview_errors": form.errors,
            "yaml_text": wizard.mapping_yaml(form.mapping_dict) if form.mapping_dict else "",
        }
        return render(request, "ingest/includes/mapping_preview.html", context)
