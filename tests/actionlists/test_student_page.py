"""A student's page: the timeline through the gate, and the same 404 for unknown and withheld students."""

from __future__ import annotations

import pytest
from django.test import Client

from commonground.governance.models import DisclosureRecord
from tests.actionlists.world import ABSENCES, ENTRY, World

pytestmark = pytest.mark.django_db


def test_timeline_shows_what_the_gate_allows(world: World, coordinator_client: Client) -> None:
    response = coordinator_client.get("/students/HP-A/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "Ana Alvarez" in html
    assert f"{ENTRY:%Y-%m-%d}" in html and "Enrolled at Lincoln Elementary" in html
    assert all(f"{d:%Y-%m-%d}" in html for d in ABSENCES) and "Absent (unexcused)" in html
    assert "Out-of-school suspension" in html and "MATH-5" in html
    assert "Reading" not in html  # assessments are not covered by the agreement
    assert "The agreement does not cover this data element." in html
    records = DisclosureRecord.objects.filter(route_path="/students/HP-A/")
    assert set(records.values_list("hub_person_id", flat=True)) == {"HP-A"}


def test_withheld_and_unknown_students_get_the_same_404(world: World, coordinator_client: Client) -> None:
    other_program = coordinator_client.get("/students/HP-D/")
    unknown = coordinator_client.get("/students/HP-NOBODY/")
    no_consent = coordinator_client.get("/students/HP-C/")  # in the program, but nothing of it may be shown

    assert other_program.status_code == unknown.status_code == no_consent.status_code == 404
    assert other_program.content == unknown.content == no_consent.content
    assert not DisclosureRecord.objects.exists()
