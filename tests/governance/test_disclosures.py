"""Stewards query the record of disclosures: the list page with its filters, and ``commonground disclosures``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from commonground.cli.main import app
from commonground.governance import gate
from commonground.governance.models import DisclosureRecord
from tests.factories import OrganizationFactory, make_user_with_role
from tests.governance.gate_world import NOW, holds_record, make_agreement, staff
from tests.helpers import run_cli

pytestmark = pytest.mark.django_db
URL = reverse("governance:disclosure_list")


@pytest.fixture
def records() -> dict[str, Any]:
    district = OrganizationFactory(slug="riverbend", kind="district")
    partner = OrganizationFactory(slug="bright-futures", name="Bright Futures", kind="nonprofit")
    lab = OrganizationFactory(slug="research-lab", name="Research Lab", kind="agency")
    make_agreement(basis="school_official", purpose="school_official", disclosing=[district], recipients=[partner],
                   roles=["case_manager"], elements=["attendance_event.category"], reference="SO-1")  # fmt: skip
    make_agreement(basis="studies", purpose="study", disclosing=[district], recipients=[lab],
                   roles=["researcher"], elements=["assessment_result.scale_score"], reference="STUDY-1")  # fmt: skip
    for hub_id in ("HP-A", "HP-B"):
        holds_record(hub_id, district)
    coordinator, researcher = staff("case_manager", partner), staff("researcher", lab)
    with transaction.atomic():
        gate.disclose(
            gate.authorize(coordinator, "school_official", ["HP-A", "HP-B"], ["attendance_event.category"]),
            "view",
            path="/students/",
        )
        gate.disclose(
            gate.authorize(researcher, "study", ["HP-A"], ["assessment_result.scale_score"]),
            "export",
            path="study.csv",
        )
    old = DisclosureRecord.objects.get(agreement_reference="STUDY-1")
    DisclosureRecord.objects.filter(pk=old.pk).update(at=NOW - dt.timedelta(days=40))
    return {"partner": partner, "lab": lab}


def _students(response: Any) -> list[str]:
    return [row[1].text for row in response.context["table"].rows()]


def test_stewards_filter_by_student_organization_basis_and_date(
    steward_client: Client, records: dict[str, Any]
) -> None:
    assert sorted(_students(steward_client.get(URL))) == ["HP-A", "HP-A", "HP-B"]
    assert _students(steward_client.get(URL, {"q": "HP-B"})) == ["HP-B"]
    assert _students(steward_client.get(URL, {"organization": "research-lab"})) == ["HP-A"]
    assert sorted(_students(steward_client.get(URL, {"kind": "school_official"}))) == ["HP-A", "HP-B"]
    recent = (NOW - dt.timedelta(days=5)).date().isoformat()
    assert sorted(_students(steward_client.get(URL, {"from": recent}))) == ["HP-A", "HP-B"]
    assert _students(steward_client.get(URL, {"to": recent})) == ["HP-A"]


def test_the_page_shows_the_whole_record(steward_client: Client, records: dict[str, Any]) -> None:
    html = steward_client.get(URL, {"organization": "research-lab"}).content.decode()
    for text in ("HP-A", "Research Lab", "Studies (34 CFR 99.31(a)(6))", "STUDY-1", "assessment_result.scale_score",
                 "Export: study.csv", '<label for="id_from">'):  # fmt: skip
        assert text in html


def test_a_bad_date_gets_a_clear_message(steward_client: Client, records: dict[str, Any]) -> None:
    response = steward_client.get(URL, {"from": "last week"}, follow=True)
    assert response.status_code == 200
    assert "Write dates as year-month-day" in response.content.decode()


def test_only_stewards_see_the_record(client: Client, records: dict[str, Any]) -> None:
    assert client.get(URL).status_code == 302  # to sign in
    client.force_login(make_user_with_role("case_manager"))
    assert client.get(URL).status_code == 403


def test_cli_lists_a_students_disclosures(records: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "commonground.cli.disclosures.setup_django", lambda *a, **k: None
    )  # the test database
    runner = CliRunner()
    result = runner.invoke(app, ["disclosures", "--student", "HP-A", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["disclosures"]
    assert [(r["organization"], r["basis"], r["agreement"], r["route"]) for r in rows] == [
        ("bright-futures", "school_official", "SO-1", "view"),
        ("research-lab", "studies", "STUDY-1", "export"),
    ]
    text = runner.invoke(app, ["disclosures", "--org", "research-lab"])
    assert (
        text.exit_code == 0
        and "HP-A  to researcher-current-research-lab (research-lab)  studies under STUDY-1" in text.output
    )
    nobody = runner.invoke(app, ["disclosures", "--student", "HP-NOBODY"])
    assert nobody.exit_code == 0 and nobody.output.strip() == "no disclosures recorded for HP-NOBODY"
    unknown = runner.invoke(app, ["disclosures", "--org", "nowhere"])
    assert unknown.exit_code == 2 and "unknown organization 'nowhere'" in unknown.output


@pytest.mark.slow  # a fresh hub migrates its own database: about 9 s
@pytest.mark.django_db(transaction=True)
def test_cli_on_a_fresh_hub(tmp_path: Path) -> None:
    done = run_cli("disclosures", "--json", home=tmp_path / "hub")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"disclosures": []}


def test_every_disclosure_appends_an_entry_to_the_audit_chain(records: dict[str, Any]) -> None:
    """The chain holds one entry per disclosure whose digest covers its records: changing a record breaks it."""
    import hashlib

    from commonground.core import auditlog, chain
    from commonground.core.models import AuditEvent

    entries = list(AuditEvent.objects.filter(action="governance.disclose").order_by("seq"))
    assert [e.details["count"] for e in entries] == [2, 1]
    assert entries[0].actor is not None  # the recipient person, not "system"
    first = entries[0]
    low, high = first.details["records"]
    rows = DisclosureRecord.objects.filter(pk__gte=low, pk__lte=high).order_by("pk")

    def digest() -> str:
        return hashlib.sha256(
            chain.canonical_json(
                [
                    [r.pk, r.hub_person_id, r.basis, r.agreement_reference, sorted(r.elements)]
                    for r in rows.all()
                ]
            )
        ).hexdigest()

    assert digest() == first.details["digest"]
    assert auditlog.verify().ok
    DisclosureRecord.objects.filter(pk=low).update(
        elements=["attendance_event.category", "person.first_name"]
    )
    assert (
        digest() != first.details["digest"]
    )  # an edited record no longer matches what the chain vouches for
