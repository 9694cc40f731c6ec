"""Tables of the linkage pages: the review queue."""

from __future__ import annotations

from django.urls import reverse

from commonground.utilities.tables import Column, Table


class ReviewTable(Table):
    """Pairs for review: the two records (organization and its id), the probability, the status."""

    default_sort = "-probability"
    columns = (
        Column(
            "id", "Pair", lambda i: f"#{i.pk}", lambda i: reverse("linkage:review_item", args=[i.pk]), ("id",)
        ),
        Column("a", "First record", lambda i: str(i.record_a)),
        Column("b", "Second record", lambda i: str(i.record_b)),
        Column(
            "probability", "Match probability", lambda i: f"{i.probability:.4f}", order_by=("probability",)
        ),
        Column("note", "Why held back", lambda i: i.model_note or "between the thresholds"),
        Column("status", "Status", lambda i: i.get_status_display(), order_by=("status", "-probability")),
    )
