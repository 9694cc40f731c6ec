"""The public transparency page: no sign-in, nothing student-level — what is shared, with whom, why and how."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.views.generic import TemplateView

from commonground.portal.inventory import active_agreements, datasets


class TransparencyView(TemplateView):
    """Active agreements, published questions, the data inventory and how to contact the hub (99.7-style notice)."""

    template_name = "portal/transparency.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Everything on the page comes from the control plane."""
        context = super().get_context_data(**kwargs)
        context.update(
            agreements=active_agreements(),
            datasets=datasets(),
            questions=published_questions(),
            contact_email=getattr(settings, "COMMONGROUND_CONTACT_EMAIL", ""),
            contact_address=getattr(settings, "COMMONGROUND_CONTACT_ADDRESS", ""),
        )
        return context


def published_questions() -> list[Any]:
    """Questions with a published release (empty until the question catalog is installed)."""
    try:
        from commonground.questions.models import Question  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return []
    return list(Question.objects.filter(status="published").order_by("slug"))
