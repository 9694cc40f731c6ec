"""Linkage pages for hub stewards: the review queue, one pair to decide, and a hub person's registry page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from commonground.linkage.choices import ReviewStatus
from commonground.linkage.forms import DecisionForm
from commonground.linkage.models import HubPerson, RegistryEvent, ReviewItem
from commonground.linkage.review_actions import do_decide_review
from commonground.linkage.review_records import side_by_side
from commonground.linkage.tables import ReviewTable
from commonground.linkage.waterfall import waterfall_rows, waterfall_spec
from commonground.utilities.views import StewardObjectListView, StewardRequiredMixin


class ReviewListView(StewardObjectListView):
    """Pairs the model could not decide alone; pending ones by default."""

    model = ReviewItem
    template_name = "linkage/review_list.html"
    table_class = ReviewTable
    title = "Pairs to review"
    intro = (
        "Pairs of records the model found likely but not certain to be one child. Open a pair, compare the "
        "two records and decide; your decision overrides the model in every later linkage run."
    )

    def get_queryset(self) -> QuerySet[Any]:
        wanted = self.request.GET.get("status", ReviewStatus.PENDING)
        queryset = ReviewItem.objects.select_related("record_a__organization", "record_b__organization")
        if wanted in ReviewStatus.values:
            queryset = queryset.filter(status=wanted)
        self.table = self.table_class(self.request, caption=self.title)
        return self.table.order(queryset)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            statuses=ReviewStatus.choices,
            current_status=self.request.GET.get("status", ReviewStatus.PENDING),
            first_pending=ReviewItem.objects.filter(status=ReviewStatus.PENDING)
            .order_by("-probability", "id")
            .first(),
        )
        return context


def next_pending(after: ReviewItem) -> ReviewItem | None:
    """The pending pair after ``after`` in queue order (falling probability), else the first pending one."""
    pending = (
        ReviewItem.objects.filter(status=ReviewStatus.PENDING)
        .exclude(pk=after.pk)
        .order_by("-probability", "id")
    )
    later = pending.filter(
        Q(probability__lt=after.probability) | Q(probability=after.probability, id__gt=after.pk)
    )
    return later.first() or pending.first()


class ReviewItemView(StewardRequiredMixin, TemplateView):
    """One pair: both records side by side (through the gate), the waterfall, and the decision form."""

    template_name = "linkage/review_item.html"

    def item(self) -> ReviewItem:
        queryset = ReviewItem.objects.select_related(
            "record_a__organization", "record_b__organization", "record_a__hub_person", "record_b__hub_person",
            "decided_by",
        )  # fmt: skip
        return get_object_or_404(queryset, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = kwargs.get("item") or self.item()
        rows = waterfall_rows(item.prior_weight, item.contributions)
        context.update(
            item=item,
            title=f"Pair #{item.pk}: one child or two?",
            records=side_by_side(self.request.user, item, self.request.path),
            waterfall=rows,
            spec=waterfall_spec(rows),
            form=kwargs.get("form") or DecisionForm(),
            next_item=next_pending(item),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.item()
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                do_decide_review(
                    item, status=form.cleaned_data["decision"], reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                item.refresh_from_db()
                messages.success(request, f"Pair #{item.pk}: {item.get_status_display()}.")
                following = next_pending(item)
                target = following.get_absolute_url() if following else reverse("linkage:review_list")
                return HttpResponseRedirect(target)
        return self.render_to_response(self.get_context_data(item=item, form=form))


class HubPersonView(StewardRequiredMixin, DetailView):
    """A hub person's registry page: status, the records behind the id, and the history."""

    model = HubPerson
    slug_field = "hub_id"
    slug_url_kwarg = "hub_id"
    template_name = "linkage/hub_person.html"
    context_object_name = "person"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person: HubPerson = self.object
        events = RegistryEvent.objects.filter(Q(hub_person=person) | Q(other=person)).select_related(
            "hub_person", "other", "actor", "run"
        )
        context.update(
            title=f"Hub person {person.hub_id}",
            records=person.records.select_related("organization").order_by("organization__name"),
            events=events[:200],
            merged_from=person.merged_from.order_by("hub_id"),
        )
        return context
