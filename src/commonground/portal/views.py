"""The public transparency page and the family portal (English and Spanish).

Family pages show only the signed-in person's own children (their verified links, 34 CFR 99.12); everything about a
child is looked up by the link, never by an id typed in a URL.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from commonground.ecosystem.models import Organization
from commonground.governance.actions import do_revoke_consent
from commonground.governance.models import Consent, PopulationFact, PopulationFactKind
from commonground.people.choices import Role
from commonground.people.models import User
from commonground.people.permissions import is_steward
from commonground.portal import actions, identity, record
from commonground.portal.forms import InvitationForm, RequestForm, VerifyForm
from commonground.portal.inventory import active_agreements, datasets
from commonground.portal.models import FamilyLink, FamilyRequest

#: Staff roles that may hand a family an invitation code for a child their organization serves.
INVITING_ROLES = (Role.HUB_STEWARD, Role.DATA_LEAD, Role.CASE_MANAGER)


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
    """Published questions whose audience is the public (the question catalog decides which)."""
    from commonground.questions.catalog import public_questions

    return list(public_questions())


class FamilyLandingView(TemplateView):
    """Where families start: what the portal offers, sign in, or open an invitation."""

    template_name = "portal/family_landing.html"


class VerifyView(View):
    """Code + birth date → a new family account linked to the child, signed in."""

    template_name = "portal/verify.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        """The empty form."""
        return render(request, self.template_name, {"form": VerifyForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        """Check the invitation; on success create the account and sign the family in."""
        form = VerifyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                link = actions.do_verify_family(
                    code=data["code"],
                    birth_date=data["birth_date"],
                    client=identity.client_key(request.META.get("REMOTE_ADDR", "")),
                    username=data["username"],
                    password=data["password1"],
                )
            except actions.VerificationError as exc:
                form.add_error(None, str(exc))
            else:
                login(request, link.user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome. You can now see what the hub holds about your child."))
                return HttpResponseRedirect(reverse("portal:family_home"))
        return render(request, self.template_name, {"form": form}, status=400)


def _links(user: Any) -> list[FamilyLink]:
    return list(FamilyLink.objects.filter(user=user, ended_at__isnull=True).order_by("created_at"))


class FamilyHomeView(LoginRequiredMixin, TemplateView):
    """The signed-in family's children."""

    template_name = "portal/family_home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Only the user's own verified links."""
        context = super().get_context_data(**kwargs)
        context["links"] = _links(self.request.user)
        return context


class ChildView(LoginRequiredMixin, View):
    """One child: the consents the family gave (with revoke) and the family's requests (with the 45-day clock)."""

    template_name = "portal/child.html"

    def link(self, request: HttpRequest, pk: int) -> FamilyLink:
        """The user's own link, or 404 — never another family's child, whether it exists or not."""
        link = FamilyLink.objects.filter(pk=pk, user=cast(User, request.user), ended_at__isnull=True).first()
        if link is None:
            raise Http404
        return link

    def context(
        self, request: HttpRequest, link: FamilyLink, form: RequestForm | None = None
    ) -> dict[str, Any]:
        """What the child page shows."""
        today = timezone.localdate()
        requests = [(r, r.days_left(today)) for r in link.requests.order_by("-created_at")]
        consents = Consent.objects.filter(hub_person_id=link.hub_person_id).order_by("-signed_on")
        return {
            "link": link,
            "consents": consents,
            "requests": requests,
            "form": form or RequestForm(),
            "sections": record.child_record(
                request.user, link.hub_person_id, route="view", path=request.path
            ),
            "disclosures": record.disclosures_of(link.hub_person_id, link.user_id),
        }

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The child page."""
        link = self.link(request, pk)
        return render(request, self.template_name, self.context(request, link))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Open a request, or revoke a consent (one click, effective at once)."""
        link = self.link(request, pk)
        user = cast(User, request.user)
        if "revoke" in request.POST:
            consent = Consent.objects.filter(
                pk=request.POST["revoke"], hub_person_id=link.hub_person_id
            ).first()
            if consent is None:
                raise Http404
            try:
                do_revoke_consent(
                    acting_user=user,
                    consent=consent,
                    requested_by=f"{user.get_username()} ({link.get_relationship_display()}), family portal",
                    reason="Withdrawn by the family in the portal",
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request, _("The consent is withdrawn. Nothing more is shared under it from now on.")
                )
            return HttpResponseRedirect(request.path)
        form = RequestForm(request.POST)
        if form.is_valid():
            actions.do_open_request(
                user=user, link=link, kind=form.cleaned_data["kind"], details=form.cleaned_data["details"]
            )
            messages.success(request, _("Your request is recorded. The hub must answer within 45 days."))
            return HttpResponseRedirect(request.path)
        return render(request, self.template_name, self.context(request, link, form), status=400)


class ChildDownloadView(ChildView):
    """Everything on the child's page as a JSON file (the reads recorded as an export)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The download."""
        link = self.link(request, pk)
        sections = record.child_record(request.user, link.hub_person_id, route="export", path=request.path)
        document = record.as_json(
            sections,
            record.disclosures_of(link.hub_person_id, link.user_id),
            list(Consent.objects.filter(hub_person_id=link.hub_person_id).order_by("-signed_on")),
        )
        response = JsonResponse(document, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="records-{link.hub_person_id}.json"'
        return response

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Downloads are read-only."""
        raise Http404


class InvitationCreateView(LoginRequiredMixin, View):
    """Staff of a school or partner (or a steward) issue a code for a child's family; the code is shown once."""

    template_name = "portal/invitation_new.html"

    def organizations(self, user: Any) -> list[Organization]:
        """The organizations the user may issue codes for."""
        memberships = user.active_memberships().filter(role__in=INVITING_ROLES).select_related("organization")
        return [m.organization for m in memberships]

    def issuer(self, user: Any, organizations: list[Organization], hub_person_id: str) -> Organization | None:
        """The first of ``organizations`` that holds a record of the child or serves them in a program; a
        steward issues for any child (in the name of their first organization)."""
        if is_steward(user):
            return organizations[0]
        serving = set(
            PopulationFact.objects.filter(
                hub_person_id=hub_person_id,
                organization__in=organizations,
                kind__in=(PopulationFactKind.RECORD, PopulationFactKind.PROGRAM),
            ).values_list("organization_id", flat=True)
        )
        return next((org for org in organizations if org.pk in serving), None)

    def get(self, request: HttpRequest) -> HttpResponse:
        """The form."""
        if not self.organizations(request.user):
            raise PermissionDenied
        return render(request, self.template_name, {"form": InvitationForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        """Issue the code and show the letter to hand over."""
        organizations = self.organizations(request.user)
        if not organizations:
            raise PermissionDenied
        form = InvitationForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        hub_person_id = form.cleaned_data["hub_person_id"]
        issuer = self.issuer(request.user, organizations, hub_person_id)
        if issuer is None:
            # A code opens the child's whole record to whoever holds it: staff hand one out only for a child
            # their organization serves (the same answer whether or not the child exists elsewhere).
            raise PermissionDenied("You may issue codes only for children your organization serves.")
        invitation, code = actions.do_issue_invitation(
            acting_user=request.user,
            organization=issuer,
            hub_person_id=hub_person_id,
            relationship=form.cleaned_data["relationship"],
        )
        return render(request, "portal/invitation_letter.html", {"invitation": invitation, "code": code})


class RequestListView(LoginRequiredMixin, TemplateView):
    """Stewards: every family request with its 45-day clock, the late ones first."""

    template_name = "portal/request_list.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        """Stewards only."""
        if request.user.is_authenticated and not is_steward(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Open requests by deadline, then the closed ones."""
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        rows = FamilyRequest.objects.select_related("link").order_by("status", "due_on")
        context["rows"] = [(r, r.days_left(today)) for r in rows]
        return context


class RequestCloseView(LoginRequiredMixin, View):
    """Stewards answer a family request: done, or declined with the reasons (34 CFR 99.21)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Close the request and go back to the list."""
        if not is_steward(request.user):
            raise PermissionDenied
        family_request = FamilyRequest.objects.filter(pk=pk, status="open").first()
        if family_request is None:
            raise Http404
        try:
            actions.do_close_request(
                acting_user=request.user,
                request=family_request,
                status=request.POST.get("status", ""),
                response=request.POST.get("response", ""),
            )
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The request is closed; the family sees your answer on its page.")
        return HttpResponseRedirect(reverse("portal:request_list"))
