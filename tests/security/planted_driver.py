"""A child process for the planted-PII test: builds a small hub on a real database file and shows a student.

Run as ``python -m tests.security.planted_driver MODE`` with ``COMMONGROUND_HOME`` (and ``DATABASE_URL`` on
PostgreSQL) set to the test's hub; the test settings module keeps the second factor off and the secret fixed.

- ``build FOLDER``: the action-list community (:mod:`tests.actionlists.world`: a district, a partner with an
  agreement, consents, every table ingested through ``do_ingest``), then the district's roster again with the
  planted identity for student 1001 (name, birth date, address, contacts) and a consent whose student and signer
  names are planted too (recorded through ``do_record_consent``, as staff do). Prints ``built``.
- ``show``: the coordinator opens ``/students/HP-A/`` through the gate; prints the page's status and whether the
  planted name is on it (the read path decrypts; the page must show the name it protects at rest).
- ``sealing-off``: like ``build`` with the data plane's sealing and the control plane's encrypted fields switched
  off — the control for the test that proves the search would find the names if nothing were encrypted.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings.test")

FIRST, LAST = "Zyxquorb", "Plimsoval"
SIGNER = "Wendeline Plimsoval"
ADDRESS = "77 Quennelbrook Lane"
EMAIL = "zyxquorb.plimsoval@example.org"
BIRTH = "2014-03-17"
#: What must never be found in plaintext at rest.
PLANTED = (FIRST, LAST, "Wendeline", "Quennelbrook", EMAIL)


def _roster(folder: Path) -> None:
    from commonground.ecosystem.models import Organization
    from commonground.ingest.actions import do_ingest
    from commonground.ingest.connectors.mapping import mapping_from_dict

    columns = {
        "first_name": "First",
        "last_name": "Last",
        "school_id": "School",
        "birth_date": "Born",
        "address": "Street",
        "email": "Email",
    }
    rows = [
        ["1001", FIRST, LAST, "101", BIRTH, ADDRESS, EMAIL],
        ["1002", "Bo", "Bell", "101", "2013-05-02", "", ""],
        ["1003", "Cara", "Cole", "101", "2014-01-09", "", ""],
        ["1004", "Dan", "Diaz", "101", "2013-11-30", "", ""],
    ]
    path = folder / "riverbend-roster.csv"
    lines = [",".join(["Student", *columns.values()]), *(",".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = mapping_from_dict(
        {
            "table": "person",
            "id_column": "Student",
            "columns": columns,
            "date_formats": {"birth_date": ["%Y-%m-%d"]},
        }
    )
    district = Organization.objects.get(slug="riverbend")
    sub = do_ingest(acting_user=None, organization=district, fmt="tabular", paths=[path], mapping=mapping)
    assert sub.status == "accepted", sub.report


def _consent() -> None:
    from commonground.ecosystem.models import Organization
    from commonground.governance.actions import do_record_consent
    from tests.actionlists.world import COVERED

    partner = Organization.objects.get(slug="bright-futures")
    do_record_consent(
        acting_user=None,
        recipients=[partner],
        **{
            "source_organization": partner,
            "collected_by": partner,
            "source_person_id": "P-1",
            "student_name": f"{FIRST} {LAST}",
            "hub_person_id": "HP-A",
            "signer_name": SIGNER,
            "relationship": "parent",
            "elements": list(COVERED),
            "purpose": "Follow up on absences.",
            "purpose_category": "direct_services",
            "signed_on": dt.date.today() - dt.timedelta(days=20),  # noqa: DTZ011 - a calendar day is enough here
            "signature_method": "paper",
            "form_reference": "Binder 2",
        },
    )


def build(folder: Path) -> None:
    """The community, the planted roster and the planted consent."""
    from tests.actionlists.world import build as build_world

    folder.mkdir(parents=True, exist_ok=True)
    build_world(folder)
    _roster(folder)
    _consent()


def show() -> None:
    """Open the planted student's page as the coordinator and report what it showed."""
    from django.test import Client

    from commonground.people.models import User

    client = Client()
    client.force_login(User.objects.get(username="case_manager-current-bright-futures"))
    response = client.get("/students/HP-A/")
    html = response.content.decode()
    print("status", response.status_code, "shown", FIRST in html and LAST in html)


def main(argv: list[str]) -> None:
    """Dispatch on the mode (see the module docstring)."""
    from commonground.cli.bootstrap import setup_django

    setup_django(migrate=argv[0] != "show")
    if argv[0] == "show":
        show()
        return
    if argv[0] == "sealing-off":
        from commonground.core import encrypted_fields
        from commonground.ingest import sealing

        sealing.ENABLED = False
        encrypted_fields.seal = lambda _table, _column, value: value  # the control plane's names too
    build(Path(argv[1]))
    print("built")


if __name__ == "__main__":
    main(sys.argv[1:])
