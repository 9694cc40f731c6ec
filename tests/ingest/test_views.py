"""The ingest pages as people use them: send files, read the report, and who may do which."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from commonground.core.models import AuditEvent
from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest.actions import do_ingest
from commonground.ingest.mapping_actions import do_save_mapping
from commonground.ingest.models import Submission
from commonground.people.models import User
from tests.factories import InformationSystemFactory

from .conftest import GRAND_BEND
from .web import (  # noqa: F401 - pytest finds the fixtures by being imported
    ATTENDANCE_YAML,
    attendance_csv,
    case_manager_fixture,
    client_for,
    data_lead_fixture,
    district_fixture,
    grand_bend_files,
    grand_bend_zip_bytes,
    partner_fixture,
    sis_fixture,
    steward_client_fixture,
    steward_fixture,
)

pytestmark = pytest.mark.django_db
UPLOAD = reverse("ingest:upload")
LIST = reverse("ingest:submission_list")


def inbox() -> Path:
    return Path(settings.COMMONGROUND_HOME) / "data" / "inbox"


def upload(client: Client, org: Organization, fmt: str, files: list[SimpleUploadedFile], **extra: object):  # type: ignore[no-untyped-def]
    data = {"organization": org.pk, "format": fmt, "uploads": files, **extra}
    return client.post(UPLOAD, data)


def test_steward_uploads_grand_bend_and_reads_the_report(
    steward_client: Client, district: Organization, sis: InformationSystem
) -> None:
    response = upload(steward_client, district, "oneroster", grand_bend_files(), system=sis.pk)

    sub = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "ingest:submission_detail", args=[sub.pk]
    )
    assert (sub.status, sub.system, sub.submitted_by.username) == ("accepted", sis, "steward")
    assert sub.row_counts == {"organization": 2, "school": 1, "person": 8, "enrollment": 8}
    kept = sorted(p.name for p in inbox().glob("grand-bend/*/*"))
    assert kept == sorted(p.name for p in GRAND_BEND.glob("*.csv"))

    page = steward_client.get(response["Location"]).content.decode()
    assert "Status: <strong>Accepted</strong>" in page and "now part of the hub" in page
    assert re.search(r"<th scope=\"row\">person</th><td class=\"num\">8</td>", page)
    spec = re.search(r'<script id="completeness-person" type="application/json">(.*?)</script>', page, re.S)
    assert spec is not None, "the chart's spec is a JSON data block, not an inline script"
    values = {v["column"]: v["percent"] for v in json.loads(spec.group(1))["data"]["values"]}
    assert values["source_person_id"] == 100.0 and values["address"] == 0.0
    assert 'data-vega-lite="completeness-person"' in page and "vega-embed.min.js" in page
    assert "<script>" not in page, "no executable inline script"
    for f in sub.files.all():
        assert f.sha256 in page and len(f.sha256) == 64


def test_data_lead_sends_a_zip_with_the_progress_script(data_lead: User, district: Organization) -> None:
    client = client_for(data_lead)
    form = client.get(UPLOAD).content.decode()
    assert "data-upload-progress" in form and "<progress" in form and 'aria-live="polite"' in form
    assert f'<option value="{district.pk}" selected>' in form, "a lead of one organization has it chosen"

    zipped = SimpleUploadedFile("Grand Bend export (1).zip", grand_bend_zip_bytes(), "application/zip")
    response = client.post(
        UPLOAD,
        {"organization": district.pk, "format": "oneroster", "uploads": [zipped]},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )

    sub = Submission.objects.get()
    assert response.status_code == 200 and response.json() == {
        "location": reverse("ingest:submission_detail", args=[sub.pk]),
        "status": "accepted",
    }
    assert [f.name for f in sub.files.all()] == ["Grand Bend export _1_.zip"]
    assert client.get(response.json()["location"]).status_code == 200
    assert client.get(LIST).content.decode().count("/ingest/submissions/") == 1


def test_case_manager_is_refused_everywhere(case_manager: User, district: Organization) -> None:
    sub = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    client = client_for(case_manager)
    for url in (
        LIST,
        UPLOAD,
        reverse("ingest:submission_detail", args=[sub.pk]),
        reverse("ingest:mapping_wizard"),
    ):
        assert client.get(url).status_code == 403, url
    assert upload(client, district, "oneroster", grand_bend_files()).status_code == 403
    assert Submission.objects.count() == 1
    assert "Data submissions" not in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    for url in (LIST, UPLOAD):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_another_organizations_report_is_not_found_for_a_data_lead(
    data_lead: User, partner: Organization, district: Organization
) -> None:
    theirs = do_ingest(acting_user=None, organization=partner, fmt="oneroster", paths=[GRAND_BEND])
    ours = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    client = client_for(data_lead)

    assert client.get(reverse("ingest:submission_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("ingest:submission_detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("ingest:submission_detail", args=[99999])).status_code == 404
    listing = client.get(LIST).content.decode()
    assert f"#{ours.pk}<" in listing and f"#{theirs.pk}<" not in listing
    assert "Data submissions" in client.get(reverse("home")).content.decode()


def test_data_lead_cannot_send_for_another_organization(data_lead: User, partner: Organization) -> None:
    response = upload(client_for(data_lead), partner, "oneroster", grand_bend_files())
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Submission.objects.exists() and not inbox().exists()


def test_list_filters_by_organization_status_and_format(
    steward_client: Client, district: Organization, partner: Organization
) -> None:
    accepted = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    rejected = do_ingest(
        acting_user=None, organization=partner, fmt="edfi-xml", paths=[GRAND_BEND / "users.csv"]
    )
    assert rejected.status == "rejected"

    def shown(query: str) -> set[int]:
        page = steward_client.get(LIST + query).content.decode()
        return {int(n) for n in re.findall(r'/ingest/submissions/(\d+)/"', page)}

    assert shown("") == {accepted.pk, rejected.pk}
    assert shown("?organization=bright-futures") == {rejected.pk}
    assert shown("?status=accepted") == {accepted.pk}
    assert shown("?format=edfi-xml") == {rejected.pk}
    assert shown("?status=nonsense&format=&sort=drop+table") == {accepted.pk, rejected.pk}


def test_rejected_report_lists_each_problem_with_paging(
    steward_client: Client, district: Organization
) -> None:
    system = InformationSystemFactory(organization=district, name="Attendance tracker")
    saved = do_save_mapping(acting_user=None, system=system, name="attendance", yaml_text=ATTENDANCE_YAML)
    rows = [f"s{i},100,13/{i:02d}/2024,A" for i in range(1, 31)]
    response = upload(
        steward_client, district, "tabular", [attendance_csv(rows)], system=system.pk, mapping=saved.pk
    )
    sub = Submission.objects.get()
    assert sub.status == "rejected"

    page = steward_client.get(response["Location"]).content.decode()
    assert "Status: <strong>Rejected</strong>" in page and "Nothing from these files was published" in page
    assert "<td>attendance.csv</td>" in page and '<td class="num">2</td>' in page
    assert "<td>Day</td>" in page and "<code>13/01/2024</code>" in page and "a date as %m/%d/%Y" in page
    assert sub.report["summary"]["errors"] == 60, "each row: a bad date, then the date it requires is missing"
    assert "Page 1 of 3" in page
    second = steward_client.get(response["Location"] + "?issues_page=2").content.decode()
    assert "<code>13/30/2024</code>" in second and "<code>13/01/2024</code>" not in second
    only_warnings = steward_client.get(response["Location"] + "?severity=warning").content.decode()
    assert "<code>13/01/2024</code>" not in only_warnings


def test_tabular_files_need_a_saved_mapping(steward_client: Client, district: Organization) -> None:
    response = upload(steward_client, district, "tabular", [attendance_csv(["s1,100,09/03/2024,A"])])
    assert response.status_code == 200
    assert "CSV/XLSX files need a saved mapping" in response.content.decode()
    assert not Submission.objects.exists()


def test_the_same_files_twice_publish_once(steward_client: Client, district: Organization) -> None:
    first = upload(steward_client, district, "oneroster", grand_bend_files())
    second = upload(steward_client, district, "oneroster", grand_bend_files())
    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1 and len(list(inbox().glob("grand-bend/*"))) == 1
    page = steward_client.get(second["Location"]).content.decode()
    assert "already accepted as submission" in page


def test_an_oversized_upload_is_refused_unread(
    steward: User, district: Organization, settings: Settings
) -> None:
    settings.COMMONGROUND_MAX_UPLOAD_BYTES = 1000
    client = Client(enforce_csrf_checks=True)  # as a browser: the CSRF check reads the body first
    client.force_login(steward)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(UPLOAD).content.decode())
    assert token is not None
    data = {"organization": district.pk, "format": "oneroster", "uploads": grand_bend_files()}
    response = client.post(
        UPLOAD, data, HTTP_X_CSRFTOKEN=token.group(1), HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 413
    assert "the hub takes at most 1000 bytes at once" in response.content.decode()
    assert not Submission.objects.exists() and not inbox().exists()


def test_a_bad_zip_is_refused_with_its_reason(steward_client: Client, district: Organization) -> None:
    bad = SimpleUploadedFile("export.zip", b"PK\x03\x04 not really a zip", "application/zip")
    response = upload(steward_client, district, "edfi-xml", [bad])
    assert response.status_code == 200
    assert "export.zip: not a readable zip archive" in response.content.decode()
    assert not Submission.objects.exists() and not any(inbox().glob("*/*"))


def test_admin_shows_submissions_read_only(steward_client: Client, district: Organization) -> None:
    sub = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    listing = steward_client.get(reverse("admin:ingest_submission_changelist"))
    assert listing.status_code == 200 and district.name in listing.content.decode()
    detail = steward_client.get(reverse("admin:ingest_submission_change", args=[sub.pk])).content.decode()
    assert "Open the full report" in detail and "users.csv" in detail and 'name="_save"' not in detail
    assert steward_client.get(reverse("admin:ingest_submission_add")).status_code == 403
    assert steward_client.get(reverse("admin:ingest_savedmapping_changelist")).status_code == 200
    assert steward_client.get(reverse("admin:ingest_systemtoken_changelist")).status_code == 200
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()
