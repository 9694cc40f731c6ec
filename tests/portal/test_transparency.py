"""The public transparency page: active agreements, the data inventory, contact — in English and Spanish, open to
everyone, and without a single student-level fact."""

from __future__ import annotations

import csv

import pytest
from django.test import Client, override_settings

from commonground.ecosystem.models import Organization
from commonground.ingest.actions import do_ingest
from tests.governance.builders import activate, complete_agreement
from tests.ingest.conftest import GRAND_BEND

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub_with_data() -> dict[str, str]:
    active = activate(complete_agreement("school_official"))
    draft = complete_agreement("studies", reference="DSA-DRAFT-1", title="A study still being written")
    district = Organization.objects.get(slug="test-district")
    submission = do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND])
    assert submission.status == "accepted"
    return {"active": active.title, "draft": draft.title}


@override_settings(COMMONGROUND_CONTACT_EMAIL="privacy@hub.example.org")
def test_anyone_sees_active_agreements_and_the_inventory_but_no_student(
    hub_with_data: dict[str, str],
) -> None:
    response = Client().get("/transparency/")
    assert response.status_code == 200
    page = response.content.decode()
    assert hub_with_data["active"] in page and hub_with_data["draft"] not in page
    assert "School official with a legitimate educational interest" in page
    assert "Riverbend Unified School District" in page  # the disclosing party
    assert "<code>person.first_name</code>" in page and "identifying" in page
    assert "enrollment, organization, person, school" in page  # the district's datasets, by kind
    assert "privacy@hub.example.org" in page
    with (GRAND_BEND / "users.csv").open(encoding="utf-8") as fh:
        people = [row for row in csv.DictReader(fh) if row["role"] == "student"]
    assert people
    for person in people:
        for value in (person["givenName"], person["familyName"], person["sourcedId"]):
            assert value not in page, f"student-level value {value!r} on the public page"


def test_the_page_is_in_spanish_for_a_spanish_reader(hub_with_data: dict[str, str]) -> None:
    client = Client()
    switched = client.post("/i18n/setlang/", {"language": "es", "next": "/transparency/"})
    assert switched.status_code == 302
    page = client.get("/transparency/").content.decode()
    assert '<html lang="es"' in page
    assert "Acuerdos vigentes" in page and "Datos que guarda el centro" in page
    assert "Funcionario escolar con un interés educativo legítimo" in page
    assert "Agreements in force" not in page
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get("/transparency/").content.decode()
    assert "Agreements in force" in english


def test_with_nothing_shared_the_page_says_so() -> None:
    page = Client().get("/transparency/").content.decode()
    assert "No agreement is in force: the hub shares no student-level data." in page
    assert "The hub holds no data yet." in page
