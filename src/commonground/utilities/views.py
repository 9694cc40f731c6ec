"""Generic views every app builds on: list, detail and edit, the same shape everywhere (as NetBox does).

Views stay thin: the form validates, then an action (``do_*``) writes — views never call ``.save()``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin, LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, View
from django.views.generic.base import TemplateResponseMixin

from commonground.people.permissions import is_steward
from commonground.utilities.tables import Table


class StewardRequiredMixin(AccessMixin):
    """Anonymous users are sent to sign in; signed-in users who are not hub stewards get 403."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not is_steward(request.user):
            return self.handle_no_permission()  # raises PermissionDenied for a signed-in user
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class ObjectListView(LoginRequiredMixin, ListView):
    """A filtered, sorted, paginated table of objects.

    Subclasses set ``model``, ``table_class``, ``search_fields`` and optionally ``kind_field`` (a choices
    field filtered by the ``kind`` GET parameter).
    """

    template_name = "generic/object_list.html"
    paginate_by = 50
    table_class: type[Table] = Table
    search_fields: tuple[str, ...] = ()
    kind_field: str = ""
    kind_label: str = "Kind"
    create_url_name: str = ""
    title: str = ""
    intro: str = ""

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        params = self.request.GET
        kind = params.get("kind", "")
        if self.kind_field and kind in dict(self.kind_choices()):
            queryset = queryset.filter(**{self.kind_field: kind})
        query = params.get("q", "").strip()
        if query and self.search_fields:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{f"{field}__icontains": query})
            queryset = queryset.filter(condition)
        self.table = self.table_class(self.request, caption=self.title)
        return self.table.order(queryset)

    def kind_choices(self) -> list[tuple[str, str]]:
        """The choices of ``kind_field`` (empty when the list has no kind filter)."""
        if not self.kind_field:
            return []
        return list(self.model._meta.get_field(self.kind_field).choices or [])  # type: ignore[union-attr]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        self.table.bind(context["object_list"])
        params = self.request.GET.copy()
        params.pop("page", None)
        context.update(
            table=self.table,
            title=self.title,
            intro=self.intro,
            kind_choices=self.kind_choices(),
            kind_label=self.kind_label,
            current_kind=self.request.GET.get("kind", ""),
            query=self.request.GET.get("q", ""),
            has_search=bool(self.search_fields),
            create_url_name=self.create_url_name if is_steward(self.request.user) else "",
            page_query=params.urlencode(),
        )
        return context


class StewardObjectListView(StewardRequiredMixin, ObjectListView):
    """A list only hub stewards may read (lists of other people)."""


class ObjectDetailView(LoginRequiredMixin, DetailView):
    """One object's page; the template is ``<app>/<model>_detail.html``."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_edit"] = is_steward(self.request.user)
        return context


class ObjectEditView(StewardRequiredMixin, TemplateResponseMixin, View):
    """Create (no ``pk``/``slug`` in the URL) or edit an object; only hub stewards may.

    The form validates a *copy* of the object; :meth:`save` passes the cleaned data to an action.
    """

    model: type[Model]
    form_class: type[forms.BaseForm]
    template_name = "generic/object_form.html"
    slug_url_kwarg = "slug"
    pk_url_kwarg = "pk"
    slug_field = "slug"
    object: Model | None = None

    def get_object(self) -> Model | None:
        if self.pk_url_kwarg in self.kwargs:
            return get_object_or_404(self.model, pk=self.kwargs[self.pk_url_kwarg])
        if self.slug_url_kwarg in self.kwargs:
            return get_object_or_404(self.model, **{self.slug_field: self.kwargs[self.slug_url_kwarg]})
        return None

    def get_form(self, data: Any = None) -> forms.BaseForm:
        kwargs: dict[str, Any] = {"data": data}
        if issubclass(self.form_class, forms.BaseModelForm):
            # Validate a fresh copy so the action can compare the stored values with the new ones.
            copy = (
                type(self.object)._default_manager.get(pk=self.object.pk) if self.object is not None else None
            )
            kwargs["instance"] = copy
        return self.form_class(**kwargs)

    def save(self, form: forms.BaseForm) -> Model:
        """Call the action that writes; subclasses implement it."""
        raise NotImplementedError

    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name)

    def render_form(self, form: forms.BaseForm) -> HttpResponse:
        action = "Edit" if self.object is not None else "New"
        context = {
            "form": form,
            "object": self.object,
            "title": f"{action} {self.verbose_name()}"
            + (f": {self.object}" if self.object is not None else ""),
            "cancel_url": self.object.get_absolute_url() if self.object is not None else "",  # type: ignore[attr-defined]
        }
        return self.render_to_response(context)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                saved = self.save(form)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                verb = "Saved" if self.object is not None else "Created"
                messages.success(request, f"{verb} {self.verbose_name()} “{saved}”.")
                return HttpResponseRedirect(saved.get_absolute_url())  # type: ignore[attr-defined]
        return self.render_form(form)
