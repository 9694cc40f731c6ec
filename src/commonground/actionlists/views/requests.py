"""Data request pages: the list, a new request, and one request with its history and the reviewers' buttons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from commonground.actionlists import actions
from commonground.actionlists.choices import RequestStatus
from commonground.actionlists.forms import DataRequestForm, DecisionForm
from commonground.actionlists.models import DataRequest
from commonground.actionlists.permissions import is_owner_approver, requesting_organizations, visible_requests
from commonground.people.permissions import is_steward


class RequestListView(LoginRequiredMixin, View):
    """Requests the user made, received for review, or (stewards) every request."""

    def get(self, request: HttpRequest) -> HttpResponse:
        """List them, newest first."""
        context = {
            "title": "Data requests",
            "requests": visible_requests(request.user),
            "may_request": bool(requesting_organizations(request.user)),
        }
        return render(request, "actionlists/request_list.html", context)


class RequestCreateView(LoginRequiredMixin, View):
    """A data lead or case manager asks for more data."""

    def _form(self, request: HttpRequest, data: Any = None) -> DataRequestForm:
        orgs = requesting_organizations(request.user)
        if not orgs:
            raise PermissionDenied("Only data leads and case managers of a partner ask for data.")
        return DataRequestForm(data, organizations=orgs)

    def get(self, request: HttpRequest) -> HttpResponse:
        """An empty form."""
        return render(
            request, "actionlists/request_form.html", {"title": "Ask for data", "form": self._form(request)}
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        """Submit the request (errors from the action go back onto the form)."""
        form = self._form(request, request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                made = actions.do_submit_data_request(
                    acting_user=request.user, organization=d["organization"], disclosing=d["disclosing"],
                    kind=d["kind"], reason=d["reason"], elements=d["elements"], agreement=d["agreement"],
                    population=d["population"], question=d["question"],
                )  # fmt: skip
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, "Your request was sent to the hub steward and the data's owner.")
                return HttpResponseRedirect(made.get_absolute_url())
        return render(
            request, "actionlists/request_form.html", {"title": "Ask for data", "form": form}, status=400
        )


class RequestDetailView(LoginRequiredMixin, View):
    """One request: what was asked, its status and history; reviewers approve, decline or draft the amendment."""

    def _request(self, request: HttpRequest, pk: int) -> DataRequest:
        found = visible_requests(request.user).filter(pk=pk).first()
        if found is None:
            raise Http404("No such data request.")
        return found

    def _context(self, request: HttpRequest, obj: DataRequest, form: DecisionForm) -> dict[str, Any]:
        steward, owner = is_steward(request.user), is_owner_approver(request.user, obj)
        return {
            "title": str(obj),
            "obj": obj,
            "events": obj.events.select_related("actor"),
            "form": form,
            "may_approve": obj.status == RequestStatus.PENDING
            and ((steward and obj.steward_approved_at is None) or (owner and obj.owner_approved_at is None)),
            "may_decline": obj.status in (RequestStatus.PENDING, RequestStatus.APPROVED)
            and (steward or owner),
            "may_amend": steward and obj.status == RequestStatus.APPROVED and obj.agreement_id is not None,
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Show the request."""
        obj = self._request(request, pk)
        return render(request, "actionlists/request_detail.html", self._context(request, obj, DecisionForm()))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Approve, decline (with a reason) or draft the amendment."""
        obj = self._request(request, pk)
        form = DecisionForm(request.POST)
        form.is_valid()
        note = form.cleaned_data.get("note", "")
        step = request.POST.get("step")
        try:
            if step == "approve":
                actions.do_approve_data_request(acting_user=request.user, request=obj, note=note)
            elif step == "decline":
                actions.do_decline_data_request(acting_user=request.user, request=obj, reason=note)
            elif step == "amend":
                actions.do_amend_from_request(acting_user=request.user, request=obj)
            else:
                raise ValidationError("Choose approve, decline or draft the amendment.")
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error("note" if step == "decline" else None, message)
            obj.refresh_from_db()
            return render(
                request, "actionlists/request_detail.html", self._context(request, obj, form), status=400
            )
        messages.success(request, "Recorded.")
        return HttpResponseRedirect(reverse("actionlists:request_detail", args=[obj.pk]))
