"""Fixtures and helpers for the ingest page, wizard and API tests: a district, its people, and uploads.

Fixtures are defined as ``<name>_fixture`` with ``name="<name>"``, so a test module imports the function (to make
pytest see it) without the import clashing with the test arguments of the same name.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from commonground.ecosystem.models import InformationSystem, Organization
from commonground.people.models import User
from tests.factories import InformationSystemFactory, OrganizationFactory, make_user_with_role

from .conftest import GRAND_BEND

ATTENDANCE_HEADER = "Student,School,Day,Code\n"


@pytest.fixture(name="steward")
def steward_fixture(db: None) -> User:
    hub = OrganizationFactory(slug="the-hub", name="Common Ground Hub", kind="hub")
    return make_user_with_role("hub_steward", hub, username="steward")


@pytest.fixture(name="steward_client")
def steward_client_fixture(steward: User) -> Client:
    return client_for(steward)


@pytest.fixture(name="district")
def district_fixture(db: None) -> Organization:
    return OrganizationFactory(slug="grand-bend", name="Grand Bend District", kind="district")


@pytest.fixture(name="sis")
def sis_fixture(district: Organization) -> InformationSystem:
    return InformationSystemFactory(organization=district, name="Grand Bend SIS", kind="sis")


@pytest.fixture(name="partner")
def partner_fixture(db: None) -> Organization:
    return OrganizationFactory(slug="bright-futures", name="Bright Futures Mentoring")


@pytest.fixture(name="data_lead")
def data_lead_fixture(district: Organization) -> User:
    return make_user_with_role("data_lead", district, username="district-lead")


@pytest.fixture(name="case_manager")
def case_manager_fixture(district: Organization) -> User:
    return make_user_with_role("case_manager", district, username="coordinator")


def client_for(user: User) -> Client:
    """A test client signed in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def grand_bend_files() -> list[SimpleUploadedFile]:
    """The Grand Bend OneRoster sample's CSV files, as uploads."""
    return [SimpleUploadedFile(p.name, p.read_bytes(), "text/csv") for p in sorted(GRAND_BEND.glob("*.csv"))]


def grand_bend_zip_bytes() -> bytes:
    """The Grand Bend sample's CSV files as one zip, as a partner's export would arrive."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(GRAND_BEND.glob("*.csv")):
            archive.write(path, path.name)
    return buffer.getvalue()


def write_grand_bend_zip(target: Path) -> Path:
    """Write the Grand Bend zip to ``target``."""
    target.write_bytes(grand_bend_zip_bytes())
    return target


def attendance_csv(rows: list[str], name: str = "attendance.csv") -> SimpleUploadedFile:
    """A partner's attendance export (Student, School, Day, Code) with these data rows."""
    return SimpleUploadedFile(name, (ATTENDANCE_HEADER + "\n".join(rows) + "\n").encode(), "text/csv")


ATTENDANCE_YAML = """table: attendance_event
columns:
  source_person_id: Student
  school_id: School
  date: Day
  category: Code
value_maps:
  category: {A: unexcused, E: excused, T: tardy}
date_formats:
  date: ['%m/%d/%Y']
"""
