"""The partner push API: a system's token sends files and reads its own organization's reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from commonground.core.models import AuditEvent
from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest.actions import do_ingest
from commonground.ingest.mapping_actions import do_save_mapping
from commonground.ingest.models import Submission, SystemToken
from commonground.ingest.token_actions import do_issue_system_token, do_revoke_system_token, hash_token
from tests.factories import InformationSystemFactory

from .conftest import GRAND_BEND
from .web import (  # noqa: F401 - pytest finds the fixtures by being imported
    ATTENDANCE_YAML,
    attendance_csv,
    client_for,
    district_fixture,
    grand_bend_files,
    partner_fixture,
    sis_fixture,
    steward_fixture,
)

pytestmark = pytest.mark.django_db
SUBMISSIONS = "/api/v1/submissions"
GRAND_BEND_ROWS = {"organization": 2, "school": 1, "person": 8, "enrollment": 8}


@pytest.fixture
def token(sis: InformationSystem) -> str:
    return do_issue_system_token(acting_user=None, system=sis, name="nightly export")[1]


def auth(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def push(client: Client, token: str, fmt: str, files: list[Any], **fields: str) -> Any:
    return client.post(SUBMISSIONS, {"format": fmt, "files": files, **fields}, **auth(token))


def test_a_valid_token_ingests_grand_bend(client: Client, token: str, sis: InformationSystem) -> None:
    response = push(client, token, "oneroster", grand_bend_files())

    assert response.status_code == 201, response.content
    body = response.json()
    sub = Submission.objects.get()
    assert (body["submission"], body["status"], body["rows"]) == (sub.pk, "accepted", GRAND_BEND_ROWS)
    assert body["errors"] == [] and body["duplicate"] is False and body["organization"] == "grand-bend"
    assert {f["name"] for f in body["files"]} == {p.name for p in GRAND_BEND.glob("*.csv")}
    assert (sub.system, sub.submitted_by) == (sis, None)
    row = SystemToken.objects.get()
    assert (
        row.last_used_at is not None and row.token_hash == hash_token(token) and token not in row.prefix + "…"
    )

    again = push(client, token, "oneroster", grand_bend_files())
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert again.json()["submission"] == sub.pk and Submission.objects.count() == 1


@pytest.mark.parametrize("header", ["Bearer cgt_not-a-real-token", "Bearer ", "Basic c3Rld2FyZDp4", None])
def test_unknown_or_missing_tokens_get_401(client: Client, header: str | None) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    for response in (
        client.get(SUBMISSIONS, **extra),
        client.post(SUBMISSIONS, {"format": "oneroster"}, **extra),
    ):
        assert response.status_code == 401
        assert "a valid API token is required" in response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert not Submission.objects.exists()


def test_a_revoked_token_gets_401(client: Client, token: str, steward: Any) -> None:
    assert client.get(SUBMISSIONS, **auth(token)).status_code == 200
    do_revoke_system_token(acting_user=steward, token=SystemToken.objects.get())
    assert client.get(SUBMISSIONS, **auth(token)).status_code == 401
    assert push(client, token, "oneroster", grand_bend_files()).status_code == 401
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["ingest.issue_system_token", "ingest.revoke_system_token"]


def test_reads_are_limited_to_the_tokens_organization(
    client: Client, token: str, district: Organization, partner: Organization
) -> None:
    ours = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    theirs = do_ingest(acting_user=None, organization=partner, fmt="oneroster", paths=[GRAND_BEND])

    mine = client.get(f"{SUBMISSIONS}/{ours.pk}", **auth(token))
    assert mine.status_code == 200 and mine.json()["rows"] == GRAND_BEND_ROWS
    assert mine.json()["completeness"]["person"]["source_person_id"] == 1.0
    other = client.get(f"{SUBMISSIONS}/{theirs.pk}", **auth(token))
    missing = client.get(f"{SUBMISSIONS}/999999", **auth(token))
    assert other.status_code == missing.status_code == 404
    assert other.json() == {"detail": f"submission {theirs.pk} not found"}
    listing = client.get(SUBMISSIONS, **auth(token)).json()
    assert listing["count"] == 1 and [s["submission"] for s in listing["items"]] == [ours.pk]


def test_a_bad_file_is_rejected_with_located_errors(client: Client, token: str) -> None:
    broken = (GRAND_BEND / "users.csv").read_text(encoding="utf-8").splitlines()
    broken[2] = broken[2].replace(",", ";", 3)
    files = [f for f in grand_bend_files() if f.name != "users.csv"]
    files.append(SimpleUploadedFile("users.csv", ("\n".join(broken) + "\n").encode(), "text/csv"))

    response = push(client, token, "oneroster", files)

    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "rejected" and body["error_count"] >= 1
    first = body["errors"][0]
    assert (first["file"], first["line"]) == ("users.csv", 3), first
    assert first["expected"] and first["message"].startswith("users.csv, line 3")


def test_tabular_files_use_the_systems_saved_mapping(
    client: Client, token: str, sis: InformationSystem
) -> None:
    refused = push(client, token, "tabular", [attendance_csv(["s1,100,09/03/2024,A"])])
    assert refused.status_code == 400
    assert "tabular files need a saved mapping" in refused.json()["detail"]
    assert "Saved mappings: none yet" in refused.json()["detail"]

    do_save_mapping(acting_user=None, system=sis, name="attendance", yaml_text=ATTENDANCE_YAML)
    other_system = InformationSystemFactory(organization=sis.organization)
    do_save_mapping(acting_user=None, system=other_system, name="other", yaml_text=ATTENDANCE_YAML)

    by_name = push(client, token, "tabular", [attendance_csv(["s1,100,09/03/2024,A"])], mapping="attendance")
    assert by_name.status_code == 201 and by_name.json()["rows"] == {"attendance_event": 1}
    by_table = push(
        client, token, "tabular", [attendance_csv(["s2,100,09/04/2024,E"])], dataset="attendance_event"
    )
    assert by_table.status_code == 201
    not_ours = push(client, token, "tabular", [attendance_csv(["s3,100,09/04/2024,E"])], mapping="other")
    assert not_ours.status_code == 400 and "attendance (attendance_event)" in not_ours.json()["detail"]


def test_request_errors_are_json_with_a_plain_message(client: Client, token: str) -> None:
    wrong_format = push(client, token, "csv", grand_bend_files())
    assert wrong_format.status_code == 400
    assert wrong_format.json()["detail"].startswith("the request is not valid: format:")
    no_files = client.post(SUBMISSIONS, {"format": "oneroster"}, **auth(token))
    assert no_files.status_code == 400 and "files" in no_files.json()["detail"]
    bad_dataset = push(client, token, "oneroster", grand_bend_files(), dataset="students")
    assert bad_dataset.status_code == 400 and "dataset must be one of" in bad_dataset.json()["detail"]
    assert client.get(SUBMISSIONS + "?limit=0", **auth(token)).status_code == 400
    assert not Submission.objects.exists()


def test_an_oversized_push_is_refused_before_it_is_read(
    client: Client, token: str, settings: Settings
) -> None:
    settings.COMMONGROUND_MAX_UPLOAD_BYTES = 1000
    response = push(client, token, "oneroster", grand_bend_files())
    assert response.status_code == 413 and "the hub takes at most 1000 bytes" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_openapi_document_and_docs_need_nothing_from_the_internet(client: Client) -> None:
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200
    paths = spec.json()["paths"]
    assert {"/api/v1/submissions", "/api/v1/submissions/{submission_id}"} <= set(paths)
    assert "bearer" in str(spec.json()["components"]["securitySchemes"]).lower()
    docs = client.get("/api/docs").content.decode()
    assert "cdn" not in docs.lower() and "/static/ninja/swagger-ui-bundle.js" in docs


def test_steward_issues_a_token_shown_once_and_revokes_it(
    sis: InformationSystem, steward: Any, district: Organization
) -> None:
    client = client_for(steward)
    url = reverse("ingest:system_tokens", args=[sis.pk])
    assert url in client.get(sis.get_absolute_url()).content.decode()
    issued = client.post(url, {"name": "nightly job"})
    page = issued.content.decode()
    row = SystemToken.objects.get()
    shown = page.split('id="new-token" class="token-value" type="text" readonly value="')[1].split('"')[0]
    assert hash_token(shown) == row.token_hash and issued["Cache-Control"] == "no-store"
    assert shown not in client.get(url).content.decode(), "shown once"

    client.post(reverse("ingest:system_token_revoke", args=[sis.pk, row.pk]))
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert Client().get(SUBMISSIONS, **auth(shown)).status_code == 401
