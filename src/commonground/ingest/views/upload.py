"""The upload page: choose organization, system and format, send files (with progress when JS runs)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views.generic import TemplateView

from commonground.ingest.choices import FILE_FORMATS
from commonground.ingest.fixes import FixesError
from commonground.ingest.forms import UploadForm
from commonground.ingest.inbox import InboxError, submit_uploads
from commonground.ingest.permissions import may_submit_for
from commonground.ingest.uploads import describe_bytes, max_upload_bytes, refusal
from commonground.ingest.views.access import DataSubmitterRequiredMixin, wants_json


class UploadView(DataSubmitterRequiredMixin, TemplateView):
    """Send an export to the hub; the files are kept in the inbox and ingested, then the report opens."""

    template_name = "ingest/upload.html"

    def get_form(self, data: Any = None, files: Any = None) -> UploadForm:
        params = self.request.GET
        organizations = self.organizations()
        initial: dict[str, Any] = {}
        if params.get("organization"):
            initial["organization"] = organizations.filter(slug=params["organization"]).first()
        elif organizations.count() == 1:
            initial["organization"] = organizations.first()
        for key in ("system", "mapping", "fixes_for"):
            if params.get(key, "").isdigit():
                initial[key] = int(params[key])
        if params.get("format") in FILE_FORMATS:
            initial["format"] = params["format"]
        return UploadForm(data, files, organizations=organizations, initial=initial)

    def render_form(self, form: UploadForm, status: int = 200, refused: str = "") -> HttpResponse:
        context = self.get_context_data(
            form=form,
            title="Send data",
            refused=refused,
            max_upload=describe_bytes(max_upload_bytes()),
            max_upload_bytes=max_upload_bytes(),
        )
        return self.render_to_response(context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.render_form(self.get_form())

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.POST  # noqa: B018 - parse the body now: the size check runs while it is parsed
        refused = refusal(request)
        if refused:
            return self.render_form(self.get_form(), status=413, refused=refused)
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if not may_submit_for(request.user, data["organization"]):
                raise PermissionDenied  # the form's choices already exclude it; checked again on purpose
            try:
                submission = submit_uploads(
                    acting_user=request.user,
                    organization=data["organization"],
                    fmt=data["format"],
                    uploads=data["uploads"],
                    mapping=form.parsed_mapping,
                    system=data["system"],
                    fixes_for=data.get("fixes_for"),
                )
            except (InboxError, FixesError) as exc:
                form.add_error("uploads", str(exc))
            else:
                if submission.is_duplicate:
                    messages.info(
                        request,
                        f"These files were already accepted as submission #{submission.pk}; "
                        "nothing new was published.",
                    )
                url = reverse("ingest:submission_detail", args=[submission.pk])
                if wants_json(request):
                    return JsonResponse({"location": url, "status": submission.status})
                return HttpResponseRedirect(url)
        return self.render_form(form, status=400 if wants_json(request) else 200)
