"""The record of disclosures (34 CFR 99.32) for stewards: who received which student's data, when, why, how."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.governance.models import DisclosureRecord
from commonground.governance.tables import DisclosureTable
from commonground.utilities.views import StewardObjectListView


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class DisclosureListView(StewardObjectListView):
    """Every disclosure record, filtered by student, receiving organization, dates and basis."""

    template_name = "governance/disclosure_list.html"
    model = DisclosureRecord
    queryset = DisclosureRecord.objects.select_related("recipient_organization", "recipient_user")
    table_class = DisclosureTable
    search_fields = ("hub_person_id",)
    kind_field = "basis"
    kind_label = "Basis"
    title = "Record of disclosures"
    intro = (
        "One row per student each time student-level data left the hub through the gate: who received it, for what "
        "purpose, on which basis, which elements, when and how (34 CFR 99.32). Rows are kept as long as the "
        "student's record, even after the agreement ends and the copy is destroyed."
    )

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        params = self.request.GET
        org = params.get("organization", "")
        if org:
            queryset = queryset.filter(recipient_organization__slug=org)
        start, end = params.get("from", ""), params.get("to", "")
        first, last = _day(start), _day(end)
        if (start and first is None) or (end and last is None):
            messages.error(self.request, "Write dates as year-month-day, for example 2025-09-01.")
        tz = timezone.get_current_timezone()
        if first is not None:
            queryset = queryset.filter(at__gte=dt.datetime.combine(first, dt.time.min, tzinfo=tz))
        if last is not None:
            queryset = queryset.filter(
                at__lt=dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
            )
        return queryset

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        context.update(
            organizations=Organization.objects.filter(
                pk__in=DisclosureRecord.objects.values("recipient_organization")
            ).order_by("name"),
            current_organization=params.get("organization", ""),
            date_from=params.get("from", ""),
            date_to=params.get("to", ""),
        )
        return context
