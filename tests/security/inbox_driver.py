"""A child process for the inbox-sealing test: partners send planted names the ways people do, on a real database.

Run as ``python -m tests.security.inbox_driver MODE`` with ``COMMONGROUND_HOME`` (and ``DATABASE_URL`` on
PostgreSQL) set to the test's hub and the test settings module (second factor off).

- ``build``: a district with its data lead, its SIS and an API token; the data lead sends the Grand Bend OneRoster
  files with student 604863 renamed to the planted name (the upload page, Django test client), then an Ed-Fi XML
  zip with a planted student (the page again: its members are extracted into the inbox); the SIS pushes the
  OneRoster files with student 604874 renamed to other planted words (the API, bearer token). Prints
  each answer's status and ``built``.
- ``sealing-off``: the same with the data plane's sealing (inbox included) and the control plane's encrypted
  fields switched off — the control proving the byte search would find the names in the inbox.
"""

from __future__ import annotations

import io
import os
import sys
import zipfile
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings.test")

from tests.security.planted_driver import EMAIL, FIRST, LAST

ROOT = Path(__file__).resolve().parents[1] / "fixtures"
GRAND_BEND = ROOT / "oneroster-1.1-grand-bend"
EDFI_EXCERPT = ROOT / "edfi-xml-excerpt"
#: The planted words the API push carries (also in planted_driver.PLANTED, so its search looks for them).
API_FIRST, API_LAST = "Wendeline", "Quennelbrook"


def _oneroster(replace: dict[str, str]) -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted(GRAND_BEND.glob("*.csv"))}
    users = files["users.csv"].decode("utf-8")
    for old, new in replace.items():
        users = users.replace(old, new)
    files["users.csv"] = users.encode("utf-8")
    return files


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def build() -> None:
    """Set up the district and send the three deliveries; print what each answer was."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    from commonground.ingest.token_actions import do_issue_system_token
    from tests.factories import InformationSystemFactory, OrganizationFactory, make_user_with_role

    district = OrganizationFactory(slug="grand-bend", name="Grand Bend District", kind="district")
    sis = InformationSystemFactory(organization=district, name="Grand Bend SIS", kind="sis")
    lead = make_user_with_role("data_lead", district, username="district-lead")
    page = Client()
    page.force_login(lead)

    planted = _oneroster({"Mary.Archer@studentgps.org": EMAIL, "Mary": FIRST, "Archer": LAST})
    uploads = [SimpleUploadedFile(n, d, "text/csv") for n, d in planted.items()]
    sent = page.post(
        reverse("ingest:upload"), {"organization": district.pk, "format": "oneroster", "uploads": uploads}
    )
    print("page oneroster", sent.status_code)

    xml = {p.name: p.read_bytes() for p in sorted(EDFI_EXCERPT.glob("*.xml"))}
    xml["Student.xml"] = xml["Student.xml"].replace(b"Tyrone", FIRST.encode()).replace(b"Dyer", LAST.encode())
    archive = SimpleUploadedFile("edfi.zip", _zip(xml), "application/zip")
    sent = page.post(
        reverse("ingest:upload"), {"organization": district.pk, "format": "edfi-xml", "uploads": [archive]}
    )
    print("page edfi-xml zip", sent.status_code)

    token = do_issue_system_token(acting_user=None, system=sis, name="nightly export")[1]
    pushed = _oneroster({"Kyle": API_FIRST, "Hughes": API_LAST})
    answer = Client().post(
        "/api/v1/submissions",
        {"format": "oneroster", "files": [SimpleUploadedFile(n, d, "text/csv") for n, d in pushed.items()]},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    print("api push", answer.status_code, answer.json().get("status"))


def main(argv: list[str]) -> None:
    """Dispatch on the mode (see the module docstring)."""
    from commonground.cli.bootstrap import setup_django

    setup_django(migrate=True)
    if argv[0] == "sealing-off":
        from commonground.core import encrypted_fields
        from commonground.ingest import sealing

        sealing.ENABLED = False
        encrypted_fields.seal = lambda _table, _column, value: value
    build()
    print("built")


if __name__ == "__main__":
    main(sys.argv[1:])
