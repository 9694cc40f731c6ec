"""Quarantine on the web: the report shows the rows held back and the columns not kept, a data lead downloads
the rows, corrects them and sends them back through the upload page; other organizations see nothing."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commonground.core.models import AuditEvent
from commonground.ecosystem.models import Organization
from commonground.ingest.actions import do_ingest
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.models import Submission
from commonground.people.models import User
from tests.factories import make_user_with_role

from .web import (  # noqa: F401 - pytest finds the fixtures by being imported
    ATTENDANCE_YAML,
    client_for,
    data_lead_fixture,
    district_fixture,
    partner_fixture,
)

pytestmark = pytest.mark.django_db


def quarantined_submission(district: Organization) -> Submission:
    rows = [f"s{i},100,09/{1 + i % 28:02d}/2024,A" for i in range(300)]
    rows[7] = "s7,100,13/45/2024,A"
    text = "Student,School,Day,Code,Teacher\n" + "\n".join(r + ",Ms. X" for r in rows) + "\n"
    with TemporaryDirectory() as folder:
        path = Path(folder) / "attendance.csv"
        path.write_text(text, encoding="utf-8")
        return do_ingest(
            acting_user=None,
            organization=district,
            fmt="tabular",
            paths=[path],
            mapping=load_mapping(ATTENDANCE_YAML),
        )


def test_the_report_shows_quarantine_and_columns_not_kept(data_lead: User, district: Organization) -> None:
    sub = quarantined_submission(district)
    page = client_for(data_lead).get(reverse("ingest:submission_detail", args=[sub.pk])).content.decode()

    assert "Accepted, with rows held back" in page and "1 row with errors was quarantined" in page
    url = reverse("ingest:quarantine_download", args=[sub.pk, "attendance_event"])
    assert f'href="{url}"' in page
    assert "<strong>attendance.csv</strong>: Teacher" in page  # read, not kept
    assert f"fixes_for={sub.pk}" in page


def test_a_data_lead_downloads_fixes_and_sends_back_the_rows(data_lead: User, district: Organization) -> None:
    sub = quarantined_submission(district)
    client = client_for(data_lead)
    response = client.get(reverse("ingest:quarantine_download", args=[sub.pk, "attendance_event"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["source_person_id"] for r in rows] == ["s7"]
    assert AuditEvent.objects.filter(action="ingest.download_quarantine", object_id=str(sub.pk)).exists()

    rows[0]["date"] = "2024-09-08"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    form = client.get(reverse("ingest:upload") + f"?fixes_for={sub.pk}").content.decode()
    assert f'<option value="{sub.pk}" selected>' in form
    response = client.post(
        reverse("ingest:upload"),
        {
            "organization": district.pk,
            "fixes_for": sub.pk,
            "uploads": [SimpleUploadedFile("fixed.csv", out.getvalue().encode(), "text/csv")],
        },
    )
    fix = Submission.objects.get(fixes_for=sub)
    assert response.status_code == 302 and fix.status == "accepted"
    report = client.get(reverse("ingest:submission_detail", args=[sub.pk])).content.decode()
    assert f"Submission #{fix.pk}</a>: Accepted (attendance_event 1)" in report


def test_another_organization_cannot_download(district: Organization, partner: Organization) -> None:
    sub = quarantined_submission(district)
    other = client_for(make_user_with_role("data_lead", partner, username="partner-lead"))
    url = reverse("ingest:quarantine_download", args=[sub.pk, "attendance_event"])
    assert other.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # sign in first
    mine = client_for(make_user_with_role("data_lead", district, username="second-lead"))
    assert mine.get(reverse("ingest:quarantine_download", args=[sub.pk, "person"])).status_code == 404
