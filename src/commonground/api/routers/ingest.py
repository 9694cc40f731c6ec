"""Submissions over the API: a partner system pushes files, then reads its own organization's reports.

``POST /api/v1/submissions`` answers 201 when the files were accepted, 422 when they were read and rejected
(the errors say file, line, column, value and what was expected), 200 when the same files were already
accepted (``status: "duplicate"``, nothing new published) and 400 when the request itself is wrong.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.params import functions as param

from commonground.api.auth import token_of
from commonground.ingest.choices import SubmissionFormat
from commonground.ingest.connectors.canonical import SCHEMAS
from commonground.ingest.connectors.mapping import Mapping
from commonground.ingest.inbox import InboxError, submit_uploads
from commonground.ingest.mapping_actions import as_mapping, current_mappings, find_mapping
from commonground.ingest.models import Submission

router = Router(tags=["submissions"])

MAX_PAGE = 500
#: Database ids are signed 64-bit integers: a larger id cannot exist (and would overflow the query).
MAX_ID = 2**63 - 1
FormatName = Literal["oneroster", "edfi-xml", "tabular"]


class ErrorOut(Schema):
    """Why a request was refused, in plain words."""

    detail: str


class InvalidOut(ErrorOut):
    """A malformed request: what is wrong, in plain words, and (when fields failed validation) each field's problem."""

    errors: list[dict[str, Any]] | None = None


#: Answers every operation may give besides its own: a malformed request, a missing/unknown/revoked token, an
#: oversized body. Documented so that partners (and schemathesis) can rely on the schema for every answer.
REFUSALS: dict[int, type[Schema]] = {400: InvalidOut, 401: ErrorOut, 413: ErrorOut}


class IssueOut(Schema):
    """One problem found in the files: where, what was found, what was expected."""

    severity: str
    code: str
    file: str
    line: int | None
    column: str | None
    value: str | None
    expected: str
    message: str


class FileOut(Schema):
    """One received file, byte for byte identified by its SHA-256."""

    name: str
    size: int
    sha256: str


class SubmissionOut(Schema):
    """A submission's status and row counts per canonical table."""

    submission: int
    status: str
    organization: str
    system: str | None
    format: str
    dataset: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    rows: dict[str, int]
    error_count: int
    warning_count: int


class SubmissionReportOut(SubmissionOut):
    """A submission with its validation report."""

    duplicate: bool
    errors: list[IssueOut]
    warnings: list[IssueOut]
    notes: list[str]
    completeness: dict[str, dict[str, float]]
    files: list[FileOut]


def _summary(sub: Submission) -> dict[str, Any]:
    summary = sub.report.get("summary", {})
    return {
        "submission": sub.pk,
        "status": sub.status,
        "organization": sub.organization.slug,
        "system": sub.system.name if sub.system else None,
        "format": sub.format,
        "dataset": sub.dataset,
        "submitted_at": sub.submitted_at,
        "decided_at": sub.decided_at,
        "rows": sub.row_counts,
        "error_count": int(summary.get("errors", 0)),
        "warning_count": int(summary.get("warnings", 0)),
    }


def _report(sub: Submission) -> dict[str, Any]:
    issues = sub.report.get("issues", [])
    return {
        **_summary(sub),
        "status": "duplicate" if sub.is_duplicate else sub.status,
        "duplicate": sub.is_duplicate,
        "errors": [i for i in issues if i.get("severity") == "error"],
        "warnings": [i for i in issues if i.get("severity") == "warning"],
        "notes": sub.report.get("notes", []),
        "completeness": sub.report.get("completeness", {}),
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256} for f in sub.files.all()],
    }


def _mapping_for(request: HttpRequest, fmt: str, dataset: str, mapping: str) -> Mapping | None:
    system = token_of(request).system
    if fmt != SubmissionFormat.TABULAR:
        if mapping:
            raise HttpError(400, "mapping applies to tabular (CSV/XLSX) files only")
        return None
    saved = find_mapping(system, name=mapping, table=dataset)
    if saved is None:
        names = ", ".join(sorted(f"{m.name} ({m.table})" for m in current_mappings(system))) or "none yet"
        wanted = f"named {mapping!r}" if mapping else f"for dataset {dataset!r}" if dataset else "named"
        raise HttpError(
            400,
            f"tabular files need a saved mapping {wanted} for {system.name}; send mapping=<name> "
            f"(or dataset=<table>). Saved mappings: {names}",
        )
    return as_mapping(saved)


@router.post(
    "/submissions",
    response={200: SubmissionReportOut, 201: SubmissionReportOut, 422: SubmissionReportOut, **REFUSALS},
    summary="Send files for one submission",
)
def create_submission(
    request: HttpRequest,
    format: Form[FormatName],
    files: File[list[UploadedFile]],
    dataset: Form[str] = "",
    mapping: Form[str] = "",
) -> Status[dict[str, Any]]:
    """Ingest the files as one submission from the token's system and organization.

    ``format``: oneroster (the CSV files or the export zip), edfi-xml (XML interchange files or a zip) or
    tabular (CSV/XLSX read through a mapping saved for this system: ``mapping`` names it, or ``dataset``
    names the canonical table whose newest mapping to use).
    """
    if dataset and dataset not in SCHEMAS:
        raise HttpError(400, f"dataset must be one of {', '.join(sorted(SCHEMAS))}; got {dataset!r}")
    token = token_of(request)
    chosen = _mapping_for(request, format, dataset, mapping)
    try:
        sub = submit_uploads(
            acting_user=None,
            organization=token.system.organization,
            fmt=format,
            uploads=files,
            mapping=chosen,
            system=token.system,
        )
    except InboxError as exc:
        raise HttpError(400, str(exc)) from exc
    code = 200 if sub.is_duplicate else 201 if sub.status == "accepted" else 422
    return Status(code, _report(sub))


def _own(request: HttpRequest) -> Any:
    org = token_of(request).system.organization
    return Submission.objects.filter(organization=org).select_related("organization", "system")


class SubmissionPage(Schema):
    """One page of submissions, newest first, and how many there are in all."""

    count: int
    items: list[SubmissionOut]


@router.get(
    "/submissions", response={200: SubmissionPage, **REFUSALS}, summary="Your organization's submissions"
)
def list_submissions(
    request: HttpRequest,
    limit: Annotated[int, param.Query(50, ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, param.Query(0, ge=0, le=MAX_ID)] = 0,
) -> Status[dict[str, Any]]:
    """Your organization's submissions, newest first; ``limit`` (1–500) and ``offset`` page through them."""
    queryset = _own(request)
    items = [_summary(s) for s in queryset[offset : offset + limit]]
    return Status(200, {"count": queryset.count(), "items": items})


@router.get(
    "/submissions/{submission_id}",
    response={200: SubmissionReportOut, 404: ErrorOut, **REFUSALS},
    summary="One submission's report",
)
def get_submission(
    request: HttpRequest, submission_id: Annotated[int, param.Path(..., ge=1, le=MAX_ID)]
) -> Status[dict[str, Any]]:
    """A submission of your organization with its validation report (others are "not found")."""
    sub = _own(request).filter(pk=submission_id).first()
    if sub is None:
        return Status(404, {"detail": f"submission {submission_id} not found"})
    return Status(200, _report(sub))
