"""The pathfinder page: answer a few questions, see the lawful paths, and draft the agreement in one click."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from commonground.governance import actions
from commonground.governance.forms import PathfinderForm
from commonground.governance.models import DirectoryDesignation
from commonground.governance.pathfinder import Activity, Answers, Fit, Recommendation, recommend
from commonground.governance.permissions import may_draft_for


def answers_from(data: dict[str, Any]) -> Answers:
    """The pathfinder's answers from the form's cleaned data (directory-only is worked out, not asked)."""
    designation = DirectoryDesignation.objects.current(data["disclosing"], timezone.localdate())
    directory = set(designation.elements) if designation is not None else set()
    return Answers(
        activity=Activity(data["activity"]),
        identifiable=data["identifiable"],
        consent=data["consent"],
        district_function=data["district_function"],
        district_control=data["district_control"],
        directory_only=bool(data["elements"]) and set(data["elements"]) <= directory,
        study_aim=data["study_aim"],
        supported_program=data["supported_program"],
    )


class PathfinderView(LoginRequiredMixin, View):
    """Ask the questions (GET with no answers), or show the recommended paths for the answers given."""

    template_name = "governance/pathfinder.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        form = PathfinderForm(request.GET or None)
        recommendation: Recommendation | None = None
        can_draft = False
        if form.is_bound and form.is_valid():
            recommendation = recommend(answers_from(form.cleaned_data))
            can_draft = may_draft_for(request.user, form.cleaned_data["requester"])
        context = {
            "title": "Pathfinder: getting to yes",
            "form": form,
            "recommendation": recommendation,
            "lawful": recommendation.lawful() if recommendation else [],
            "others": [p for p in recommendation.paths if p.fit in (Fit.POSSIBLE, Fit.NOT_AVAILABLE)]
            if recommendation
            else [],
            "can_draft": can_draft,
            "hidden_answers": [(k, v) for k, values in request.GET.lists() for v in values],
        }
        return render(request, self.template_name, context)


class PathfinderDraftView(LoginRequiredMixin, View):
    """Create a draft agreement for the chosen lawful path from the same answers (POST only)."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PathfinderForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The answers are incomplete; please answer every question.")
            return HttpResponseRedirect(reverse("governance:pathfinder"))
        data = form.cleaned_data
        if not may_draft_for(request.user, data["requester"]):
            raise PermissionDenied("You may draft agreements only for your own organization.")
        try:
            agreement = actions.do_draft_agreement_from_pathfinder(
                acting_user=request.user,
                answers=answers_from(data),
                requester=data["requester"],
                disclosing=data["disclosing"],
                elements=data["elements"],
                purpose=data["purpose"],
                basis=request.POST.get("basis") or None,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            answers = request.POST.copy()
            answers.pop("csrfmiddlewaretoken", None)
            return HttpResponseRedirect(f"{reverse('governance:pathfinder')}?{answers.urlencode()}")
        messages.success(
            request,
            f"Drafted {agreement.reference}. Complete the term, students covered and destruction terms.",
        )
        return HttpResponseRedirect(agreement.get_absolute_url())
