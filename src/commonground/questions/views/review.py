"""The steward's governance steps on a question: approve or decline, publish a release, retire."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from commonground.questions import actions, catalog
from commonground.questions.forms import PublishForm, RetireForm, ReviewForm
from commonground.questions.models import Question
from commonground.questions.suppression import DisclosureRisk
from commonground.questions.views.catalog import detail_context, visible_question


def _steward_question(request: HttpRequest, slug: str) -> Question:
    question = visible_question(request, slug)
    if not catalog.may_review(request.user):
        raise PermissionDenied("Only the hub steward reviews, publishes and retires questions.")
    return question


#: Each form of the question page and the flag that shows it.
_SHOWN_BY = {"review_form": "may_review", "publish_form": "may_publish", "retire_form": "may_retire"}


def _again(request: HttpRequest, question: Question, **forms: Form) -> HttpResponse:
    """The question page again with the errors; a form the page no longer shows reports them as messages."""
    question.refresh_from_db()
    context = detail_context(request, question, **forms)
    for name, form in forms.items():
        if not context[_SHOWN_BY[name]]:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
    return render(request, "questions/question_detail.html", context, status=400)


class ReviewView(LoginRequiredMixin, View):
    """Approve or decline a proposed question (declining needs a reason)."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        """Record the decision."""
        question = _steward_question(request, slug)
        form = ReviewForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        step = request.POST.get("step")
        try:
            if step == "approve":
                actions.do_approve_question(acting_user=request.user, question=question, note=note)
            elif step == "decline":
                actions.do_decline_question(acting_user=request.user, question=question, reason=note)
            else:
                raise ValidationError("Choose approve or decline.")
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("note" if step == "decline" else None, message)
            return _again(request, question, review_form=form)
        messages.success(
            request, "Approved." if step == "approve" else "Declined; the proposer sees your reason."
        )
        return HttpResponseRedirect(question.get_absolute_url())


class PublishView(LoginRequiredMixin, View):
    """Publish the next release of an approved or published question."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        """Compute, protect, audit and store it, or say which cells stopped it."""
        question = _steward_question(request, slug)
        form = PublishForm(request.POST)
        if not form.is_valid():
            return _again(request, question, publish_form=form)
        try:
            release = actions.do_publish_release(
                acting_user=request.user, question=question, min_cell=form.cleaned_data["min_cell"]
            )
        except (ValidationError, DisclosureRisk) as exc:
            messages_ = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            for message in messages_:
                form.add_error(None, message)
            return _again(request, question, publish_form=form)
        messages.success(request, f"Release {release.version} published.")
        return HttpResponseRedirect(release.get_absolute_url())


class RetireView(LoginRequiredMixin, View):
    """Retire a question: no further releases; the published ones stay."""

    def post(self, request: HttpRequest, slug: str) -> HttpResponse:
        """Retire it."""
        question = _steward_question(request, slug)
        form = RetireForm(request.POST)
        form.is_valid()
        try:
            actions.do_retire_question(
                acting_user=request.user, question=question, reason=form.cleaned_data.get("reason", "")
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return _again(request, question, retire_form=form)
        messages.success(request, "Retired.")
        return HttpResponseRedirect(question.get_absolute_url())
