"""A verified family sees the hub's record of its own child through the gate — only that child's rows — and who
else has seen them; the family's own look is recorded (as not required by 99.32(d)) but not listed back to it."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from commonground.ecosystem.models import Organization
from commonground.governance import gate
from commonground.governance.models import DisclosureRecord
from commonground.ingest.actions import do_ingest
from commonground.portal.models import FamilyLink
from tests.factories import OrganizationFactory
from tests.governance.gate_world import holds_record, make_agreement, staff
from tests.ingest.conftest import GRAND_BEND

pytestmark = pytest.mark.django_db
CHILD = "HP-MARYARCH"


@pytest.fixture
def family() -> dict[str, object]:
    district = OrganizationFactory(slug="grand-bend", name="Grand Bend", kind="district")
    assert (
        do_ingest(acting_user=None, organization=district, fmt="oneroster", paths=[GRAND_BEND]).status
        == "accepted"
    )
    holds_record(CHILD, district, "604863")  # Mary Archer in the district's roster
    holds_record("HP-KYLEHUGH", district, "604874")  # another child: Kyle Hughes
    parent = staff("parent", district)
    link = FamilyLink.objects.create(
        user=parent,
        hub_person_id=CHILD,
        relationship="parent",
        verified_at=timezone.now(),
        verified_by="test",
    )
    partner = OrganizationFactory(slug="mentors", name="City Mentors", kind="nonprofit")
    make_agreement(
        basis="school_official", purpose="school_official", disclosing=[district], recipients=[partner],
        roles=["case_manager"], elements=["person.grade_level"], reference="SO-MENTOR",
    )  # fmt: skip
    mentor = staff("case_manager", partner)
    with transaction.atomic():
        gate.disclose(
            gate.authorize(mentor, "school_official", [CHILD], ["person.grade_level"]), "view", path="/x/"
        )
    client = Client()
    client.force_login(parent)
    return {"client": client, "link": link, "parent": parent}


def test_the_family_sees_its_childs_record_and_who_saw_it(family: dict[str, object]) -> None:
    client, link = family["client"], family["link"]
    assert isinstance(client, Client) and isinstance(link, FamilyLink)
    page = client.get(f"/family/children/{link.pk}/").content.decode()
    assert "Mary" in page and "Archer" in page and "Mary.Archer@studentgps.org" in page
    assert "Kyle" not in page and "Hughes" not in page  # never another child
    assert "City Mentors" in page and "person.grade_level" in page  # the mentor's look is listed
    own = DisclosureRecord.objects.filter(hub_person_id=CHILD, basis="family_access")
    assert own.exists() and not own.filter(required_by_law=True).exists()
    assert page.count("The family&#x27;s own inspection") == 0  # the family's own looks are not listed back

    download = client.get(f"/family/children/{link.pk}/records.json")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    document = json.loads(download.content)
    assert [p["first_name"] for p in document["records"]["person"]] == ["Mary"]
    assert document["disclosures"][0]["recipient"] == "City Mentors"
    assert DisclosureRecord.objects.filter(
        hub_person_id=CHILD, basis="family_access", route="export"
    ).exists()


def test_no_other_child_is_reachable(family: dict[str, object]) -> None:
    client = family["client"]
    assert isinstance(client, Client)
    other_parent_link = FamilyLink.objects.create(
        user=staff("parent", Organization.objects.get(slug="grand-bend"), lapsed=True),
        hub_person_id="HP-KYLEHUGH", relationship="parent", verified_at=timezone.now(), verified_by="test",
    )  # fmt: skip
    assert client.get(f"/family/children/{other_parent_link.pk}/").status_code == 404
    assert client.get(f"/family/children/{other_parent_link.pk}/records.json").status_code == 404
    decision = gate.authorize(family["parent"], "family_access", ["HP-KYLEHUGH"], ["person.first_name"])
    assert decision.subjects["HP-KYLEHUGH"].denied == {"person.first_name": "not_in_population"}
