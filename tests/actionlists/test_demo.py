"""The demo community gives the coordinator a real action list and one pending data request; the mentoring case
manager sees only why nothing can be shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from commonground.actionlists.models import DataRequest
from commonground.demo.build import build_demo
from commonground.governance.models import DisclosureRecord, PopulationFact
from commonground.people.models import User
from tests.actionlists.pages import student_rows

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_coordinator_list_and_pending_request(tmp_path: Path) -> None:
    build_demo(home=tmp_path / "hub", students=150, seed=7)
    coordinator = User.objects.get(username="coordinator")
    client = Client()
    client.force_login(coordinator)

    rows = student_rows(client.get("/students/").content.decode())

    served = PopulationFact.objects.filter(kind="program", organization__memberships__user=coordinator)
    assert len(rows) == served.values("hub_person_id").distinct().count() > 0
    shown = [r for r in rows.values() if r["Recent absences"] != "restricted"]
    withheld = [r for r in rows.values() if r["Recent absences"] == "restricted"]
    assert shown and withheld  # consented families' children, and the others
    # enrollment dates are covered, so consented participants show a rate; the others' stays withheld
    assert all(r["Attendance rate"] == "restricted" for r in withheld)
    assert any(r["Attendance rate"].endswith("%") for r in shown), [r["Attendance rate"] for r in shown]
    seen = set(
        DisclosureRecord.objects.filter(purpose="direct_services").values_list("hub_person_id", flat=True)
    )
    assert len(seen) == len(shown)
    request = DataRequest.objects.get()
    assert (request.requester, request.status, request.agreement.reference if request.agreement else "") == (
        coordinator,
        "pending",
        "DSA-AFTERSCHOOL",
    )

    mentor = Client()
    mentor.force_login(User.objects.get(username="mentor"))
    html = mentor.get("/students/").content.decode()
    assert "No student data can be shown to you." in html and "<tbody>" not in html
