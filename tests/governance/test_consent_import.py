"""Bulk import of paper consents: row-level errors with line and column, all or nothing, page and CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commonground.core.models import AuditEvent
from commonground.governance import actions
from commonground.governance.models import Consent
from tests.governance.builders import World

pytestmark = pytest.mark.django_db
SIGNED = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
HEADER = (
    "student_id,student_name,signer_name,relationship,signed_on,elements,purpose,purpose_category,"
    "form_reference,recipients,expires_on"
)


def row(student: str, sep: str = ",", **changes: str) -> str:
    values = {
        "student_id": student,
        "student_name": f"Student {student}",
        "signer_name": "A Parent",
        "relationship": "parent",
        "signed_on": SIGNED,
        "elements": "attendance_event.date;attendance_event.category",
        "purpose": "Follow up on absences",
        "purpose_category": "direct_services",
        "form_reference": f"scan-{student}.pdf",
        "recipients": "bright-futures",
        "expires_on": "",
    }
    values.update(changes)
    if sep == ";":  # a list inside a cell then uses commas
        values["elements"] = values["elements"].replace(";", ",")
    return sep.join(values[k] for k in HEADER.split(","))


def test_good_file_imports_every_row() -> None:
    world = World()
    raw = "\n".join(
        [HEADER, row("BF-1"), row("BF-2", relationship="Eligible student", signed_on="09/02/2025")]
    )
    created = actions.do_import_consents(
        acting_user=None, organization=world.partner, raw=raw.encode(), file="c.csv"
    )
    assert [c.source_person_id for c in created] == ["BF-1", "BF-2"]
    assert created[1].relationship == "eligible_student" and created[1].signed_on == dt.date(2025, 9, 2)
    assert all(c.signature_method == "paper" and c.form_reference for c in created)
    event = AuditEvent.objects.get(action="governance.import_consents")
    assert event.details["count"] == 2


def test_errors_name_line_and_column_and_nothing_is_stored() -> None:
    world = World()
    raw = "\n".join(
        [
            HEADER,
            row("BF-1"),
            row("BF-2", signed_on="31/31/2025"),
            row("BF-3", elements="attendance_event.colour"),
            row("BF-4", relationship="aunt", recipients="nobody-org"),
            row("BF-5", expires_on="2020-01-01"),
            row("BF-1"),
        ]
    )
    with pytest.raises(actions.ConsentImportError) as refused:
        actions.do_import_consents(
            acting_user=None, organization=world.partner, raw=raw.encode(), file="c.csv"
        )
    messages = [str(e) for e in refused.value.errors]
    assert (
        "c.csv, line 3, column signed_on: expected a date like 2025-09-02 or 09/02/2025, got '31/31/2025'"
        in messages
    )
    assert any(
        m.startswith("c.csv, line 4, column elements: unknown data element 'attendance_event.colour'")
        for m in messages
    )
    assert "c.csv, line 5, column relationship: expected parent or eligible_student, got 'aunt'" in messages
    assert (
        "c.csv, line 5, column recipients: unknown organization(s): nobody-org" not in messages
    )  # row already bad
    assert "c.csv, line 6, column expires_on: the consent must expire after the day it was signed" in messages
    assert "c.csv, line 7, column form_reference: the same form is listed on line 2" in messages
    assert not Consent.objects.exists()
    assert not AuditEvent.objects.filter(action="governance.import_consents").exists()


def test_header_problems_and_reimport() -> None:
    world = World()
    with pytest.raises(actions.ConsentImportError) as refused:
        actions.do_import_consents(
            acting_user=None, organization=world.partner, raw=b"student_id,colour\n1,red\n", file="x.csv"
        )
    messages = [str(e) for e in refused.value.errors]
    assert "x.csv, line 1, column signer_name: required column is missing from the header" in messages
    assert any(m.startswith("x.csv, line 1, column colour: unknown column") for m in messages)
    raw = f"{HEADER}\n{row('BF-1')}\n".encode()
    actions.do_import_consents(acting_user=None, organization=world.partner, raw=raw, file="c.csv")
    with pytest.raises(actions.ConsentImportError, match="1 error"):
        actions.do_import_consents(acting_user=None, organization=world.partner, raw=raw, file="c.csv")
    assert Consent.objects.count() == 1


def test_cp1252_and_semicolons() -> None:
    world = World()
    text = HEADER.replace(",", ";") + "\n" + row("BF-9", sep=";", student_name="Zoë Peña")
    created = actions.do_import_consents(
        acting_user=None, organization=world.partner, raw=text.encode("cp1252"), file="c.csv"
    )
    assert created[0].student_name == "Zoë Peña"


def test_import_page(steward_client: Client, member_client: Client) -> None:
    world = World()
    url = reverse("governance:consent_import")
    assert member_client.get(url).status_code == 403
    page = steward_client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in page and "<label" in page
    bad = f"{HEADER}\n{row('BF-1', signed_on='never')}\n".encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = steward_client.post(
        url, {"organization": world.partner.pk, "file": SimpleUploadedFile("c.csv", bad)}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'role="alert"' in html
    assert "c.csv, line 2, column signed_on" in html and "Nothing was imported" in html
    good = f"{HEADER}\n{row('BF-1')}\n".encode()
    response = steward_client.post(
        url, {"organization": world.partner.pk, "file": SimpleUploadedFile("c.csv", good)}
    )
    assert response.status_code == 302 and Consent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_cli_import(tmp_path: Path) -> None:
    from tests.helpers import run_cli

    home = tmp_path / "hub"
    assert (
        run_cli(
            "org", "add", "bright-futures", "--kind", "nonprofit", "--name", "Bright Futures", home=home
        ).returncode
        == 0
    )
    good = tmp_path / "consents.csv"
    good.write_text(f"{HEADER}\n{row('BF-1')}\n{row('BF-2')}\n", encoding="utf-8")
    done = run_cli("consent", "import", "--org", "bright-futures", str(good), "--json", home=home)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["imported"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{row('BF-3', signed_on='soon')}\n", encoding="utf-8")
    failed = run_cli("consent", "import", "--org", "bright-futures", str(bad), home=home)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "bad.csv, line 2, column signed_on" in failed.stderr
    assert "error: bad.csv: 1 error; nothing was imported" in failed.stderr
    unknown = run_cli("consent", "import", "--org", "nobody", str(good), home=home)
    assert unknown.returncode == 2 and "unknown organization 'nobody'" in unknown.stderr
    missing = run_cli("consent", "import", "--org", "bright-futures", str(tmp_path / "none.csv"), home=home)
    assert missing.returncode == 2 and "no such file" in missing.stderr
