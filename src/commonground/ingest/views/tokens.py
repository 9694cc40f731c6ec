"""API tokens of one information system (hub stewards): issue one (shown once) or revoke one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView, View

from commonground.ecosystem.models import InformationSystem
from commonground.ingest.forms import TokenForm
from commonground.ingest.models import SystemToken
from commonground.ingest.token_actions import do_issue_system_token, do_revoke_system_token
from commonground.utilities.views import StewardRequiredMixin


class SystemTokensView(StewardRequiredMixin, TemplateView):
    """A system's API tokens, and a form to issue a new one."""

    template_name = "ingest/system_tokens.html"

    def render_page(self, form: TokenForm, new_token: str = "", status: int = 200) -> HttpResponse:
        system = get_object_or_404(
            InformationSystem.objects.select_related("organization"), pk=self.kwargs["pk"]
        )
        context = self.get_context_data(
            system=system,
            tokens=system.tokens.select_related("created_by"),
            form=form,
            new_token=new_token,
            title=f"API tokens: {system.name}",
        )
        response = self.render_to_response(context, status=status)
        if new_token:
            response["Cache-Control"] = "no-store"  # the token is shown once; no copy in any cache
        return response

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_page(TokenForm())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        system = get_object_or_404(InformationSystem, pk=kwargs["pk"])
        form = TokenForm(request.POST)
        if form.is_valid():
            try:
                _row, token = do_issue_system_token(
                    acting_user=request.user, system=system, name=form.cleaned_data["name"]
                )
            except ValidationError as exc:
                form.add_error("name", exc)
            else:
                return self.render_page(TokenForm(), new_token=token)
        return self.render_page(form)


class RevokeTokenView(StewardRequiredMixin, View):
    """Revoke one token (POST only)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = get_object_or_404(SystemToken, pk=kwargs["token_pk"], system_id=kwargs["pk"])
        do_revoke_system_token(acting_user=request.user, token=token)
        messages.success(request, f"Revoked the token “{token.name}” ({token.prefix}…). It no longer works.")
        return HttpResponseRedirect(reverse("ingest:system_tokens", args=[kwargs["pk"]]))
