"""The whole flow through the `commonground` command, on SQLite and PostgreSQL: ingest, a real backup, an ended
agreement destroyed with `destroy agreement`, the certificate checked, the audit log verified, and an older backup
restored into a new home without bringing anything back."""

from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.helpers import run_cli
from tests.ingest.conftest import GRAND_BEND

PG_ADMIN = os.environ.get("COMMONGROUND_TEST_POSTGRES", "")
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

SETUP = """
import datetime as dt
from django.utils import timezone
from commonground.ecosystem.models import Organization
from commonground.governance.models import Agreement, AgreementParty
now = timezone.now()
district = Organization.objects.get(slug="grand-bend")
partner = Organization.objects.create(slug="bright-futures", name="Bright Futures", kind="nonprofit")
a = Agreement.objects.create(reference="DSA-ENDED", title="Ended", legal_basis="consent",
    purpose_category="direct_services", status="terminated", activated_at=now - dt.timedelta(days=60),
    starts_on=(now - dt.timedelta(days=60)).date(), ends_on=(now + dt.timedelta(days=9)).date(),
    ended_at=now - dt.timedelta(days=1))
AgreementParty.objects.create(agreement=a, organization=district, role="disclosing")
AgreementParty.objects.create(agreement=a, organization=partner, role="recipient")
"""

TAMPER = """
from commonground.governance.models import DestructionCertificate
c = DestructionCertificate.objects.get()
c.body["destroyed"]["organizations"] = ["nobody"]
c.save()
"""


def _ok(*args: str, home: Path, url: str | None) -> str:
    result = run_cli(*args, home=home, database_url=url)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


def _flow(tmp_path: Path, url_a: str | None, url_b: str | None) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _ok("org", "add", "grand-bend", "--kind", "district", "--name", "Grand Bend", home=a, url=url_a)
    _ok("ingest", "--org", "grand-bend", "--format", "oneroster", str(GRAND_BEND), home=a, url=url_a)
    _ok("manage", "shell", "-c", SETUP, home=a, url=url_a)
    backup = tmp_path / "backup"
    _ok("backup", "--out", str(backup), home=a, url=url_a)
    offline = tmp_path / "offline"  # the same backup, carried off to other media before the destruction
    shutil.copytree(backup, offline)

    refused = run_cli("destroy", "agreement", "DSA-NONE", "--reason", "x", home=a, database_url=url_a)
    assert refused.returncode == 2 and "no agreement 'DSA-NONE'" in refused.stderr
    out = json.loads(_ok("destroy", "agreement", "DSA-ENDED", "--reason", "Terminated by the board", "--json",
                         "--validator", "Ana Ruiz, Privacy Officer, Grand Bend", home=a, url=url_a))  # fmt: skip
    body = out["body"]
    scans = body["verification"]["scans"]
    assert [s["folder"] for s in scans] == ["live hub", f"latest backup {backup}"]
    assert all((s["files"], s["rows"], s["decryptable"]) == (0, 0, 0) for s in scans), scans
    assert body["destroyed"]["key_ids"] and body["validation"]["name"] == "Ana Ruiz"
    assert not list((a / "data").rglob("org=grand-bend")) and not list(
        (backup / "data").rglob("org=grand-bend")
    )
    assert json.loads(_ok("submissions", "--json", home=a, url=url_a)) == []

    cid = out["certificate"]
    assert "verifies" in _ok("destroy", "certificate", cid[:8], "--verify", home=a, url=url_a)
    assert "audit log intact" in _ok("audit", "verify", home=a, url=url_a)

    # An older backup restored into a new home (keys — and with them the ledger — copied first) stays destroyed.
    shutil.copytree(a / "keys", b / "keys")
    restored = _ok("restore", str(offline), home=b, url=url_b)
    assert "re-applied 1 destructions" in restored
    assert not list((b / "data").rglob("org=grand-bend"))
    assert json.loads(_ok("submissions", "--json", home=b, url=url_b)) == []
    assert "verifies" in _ok("destroy", "certificate", cid, "--verify", home=b, url=url_b)
    assert "audit log intact" in _ok("audit", "verify", home=b, url=url_b)

    _ok("manage", "shell", "-c", TAMPER, home=a, url=url_a)
    edited = run_cli("destroy", "certificate", cid, "--verify", home=a, database_url=url_a)
    assert (
        edited.returncode == 1 and "does NOT verify" in edited.stderr and "SHA-256 differs" in edited.stderr
    )


@pytest.mark.slow
@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite run covers the embedded hub")
def test_destroy_through_the_command_line_on_sqlite(tmp_path: Path) -> None:
    _flow(tmp_path, None, None)


@pytest.mark.slow
@pytest.mark.skipif(not (ON_POSTGRES and PG_ADMIN), reason="the PostgreSQL run of the suite covers it")
def test_destroy_through_the_command_line_on_postgresql(tmp_path: Path) -> None:
    names = [f"cg_h5_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN.rsplit("/", 1)[0]
    try:
        _flow(tmp_path, f"{base}/{names[0]}", f"{base}/{names[1]}")
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
