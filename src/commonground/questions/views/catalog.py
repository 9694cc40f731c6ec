"""Catalog pages: the list with its filters, one question with its indicators and releases, and the propose form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views import View

from commonground.questions import actions, catalog
from commonground.questions.choices import RELEASABLE, QuestionStatus
from commonground.questions.forms import (
    EditForm,
    FilterForm,
    ProposeForm,
    PublishForm,
    RetireForm,
    ReviewForm,
    edit_initial,
)
from commonground.questions.indicators import INDICATORS
from commonground.questions.models import Question


def visible_question(request: HttpRequest, slug: str) -> Question:
    """The question if the user may see it; otherwise "not found" (a refusal says nothing about what exists)."""
    found = catalog.visible_questions(request.user).filter(slug=slug).first()
    if found is None:
        raise Http404("No such question.")
    return found


def dashboard_url(question: Question) -> str | None:
    """The question's dashboard, once the dashboards app provides one."""
    try:
        return reverse("questions:dashboard", args=[question.slug])
    except NoReverseMatch:
        return None


class QuestionListView(View):
    """Every question the viewer may see, filtered by status and audience."""

    def get(self, request: HttpRequest) -> HttpResponse:
        """The catalog (signed-out visitors see published public questions)."""
        form = FilterForm(request.GET or None)
        questions = catalog.visible_questions(request.user).prefetch_related("releases")
        if form.is_valid():
            if form.cleaned_data["status"]:
                questions = questions.filter(status=form.cleaned_data["status"])
            if form.cleaned_data["audience"]:
                questions = questions.filter(audience=form.cleaned_data["audience"])
        context = {
            "title": "Questions",
            "form": form,
            "questions": [
                (q, max(q.releases.all(), key=lambda r: r.version, default=None)) for q in questions
            ],
            "may_propose": catalog.may_propose(request.user),
        }
        return render(request, "questions/question_list.html", context)


def may_edit(user: Any, question: Question) -> bool:
    """The proposer edits before approval (a declined question goes back to review); the steward until retired."""
    if question.status == QuestionStatus.RETIRED:
        return False
    if catalog.may_review(user):
        return True
    own = question.proposed_by_id == getattr(user, "pk", None)
    return own and question.status in (QuestionStatus.PROPOSED, QuestionStatus.DECLINED)


def detail_context(request: HttpRequest, question: Question, **forms: Any) -> dict[str, Any]:
    """Everything the question page shows, and which of the steward's forms it offers."""
    steward = catalog.may_review(request.user)
    return {
        "title": question.wording,
        "question": question,
        "indicators": [INDICATORS[i] for i in question.indicators if i in INDICATORS],
        "params": question.params,
        "releases": list(question.releases.select_related("created_by").order_by("-version")),
        "dashboard_url": dashboard_url(question),
        "may_edit": may_edit(request.user, question),
        "may_review": steward and question.status == QuestionStatus.PROPOSED,
        "may_publish": steward and question.status in RELEASABLE,
        "may_retire": steward and question.status in RELEASABLE,
        "review_form": forms.get("review_form") or ReviewForm(),
        "publish_form": forms.get("publish_form") or PublishForm(),
        "retire_form": forms.get("retire_form") or RetireForm(),
    }


class QuestionDetailView(View):
    """One question: wording, action, indicators with their definitions, releases with provenance and CSV."""

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        """Show it (404 for a question the viewer may not see)."""
        question = visible_question(request, slug)
        return render(request, "questions/question_detail.html", detail_context(request, question))


class ProposeView(LoginRequiredMixin, View):
    """A partner member proposes a question for governance review."""

    def _form(self, request: HttpRequest, data: Any = None) -> ProposeForm:
        orgs = catalog.partner_organizations(request.user)
        if not orgs:
            raise PermissionDenied("Only members of a partner organization propose questions.")
        return ProposeForm(data, organizations=orgs)

    def get(self, request: HttpRequest) -> HttpResponse:
        """The empty form."""
        form = self._form(request)
        return render(request, "questions/question_form.html", {"title": "Propose a question", "form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        """Propose it; errors from the action go back onto the form."""
        form = self._form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                question = actions.do_propose_question(
                    acting_user=request.user, owner=d["owner"], slug=d["slug"], wording=d["wording"],
                    action=d["action"], action_taker=d["action_taker"], indicators=d["indicators"],
                    breakdowns=d["breakdowns"], params=d["params"], audience=d["audience"], cadence=d["cadence"],
                )  # fmt: skip
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, "Your question was sent to the hub steward for review.")
                return HttpResponseRedirect(question.get_absolute_url())
        context = {"title": "Propose a question", "form": form}
        return render(request, "questions/question_form.html", context, status=400)


class EditView(LoginRequiredMixin, View):
    """Change a question's wording, action, indicators or breakdowns; its version goes up by one."""

    def _question(self, request: HttpRequest, slug: str) -> Question:
        question = visible_question(request, slug)
        if not may_edit(request.user, question):
            raise PermissionDenied(
                "Only the proposer (before approval) or the hub steward edits this question."
            )
        return question

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        """The form, filled in."""
        question = self._question(request, slug)
        form = EditForm(initial=edit_initial(question))
        context = {"title": f"Edit: {question.wording}", "form": form, "question": question}
        return render(request, "questions/question_form.html", context)

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        """Save the changes through the action (errors go back onto the form)."""
        question = self._question(request, slug)
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                actions.do_edit_question(acting_user=request.user, question=question, **form.cleaned_data)
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, "Saved.")
                return HttpResponseRedirect(question.get_absolute_url())
        context = {"title": f"Edit: {question.wording}", "form": form, "question": question}
        return render(request, "questions/question_form.html", context, status=400)
