"""Files partners send are kept in the inbox encrypted whole under their organization's key, and nothing else.

- The sealed format (``ingest/inbox_sealing.py``): round trip of small, empty and many-piece files; a piece
  changed, dropped or cut off, a header changed, a file moved to another delivery or organization, and a destroyed
  organization key all refuse to open — with a message saying which.
- Through the upload page: every kept file (zip members extracted for Ed-Fi XML too) is sealed, opens to the bytes
  as sent, and the SHA-256 recorded for it is still the hash of those bytes (provenance).
- Planted PII (on the hub's real database — SQLite file or a PostgreSQL database of its own): planted names
  sent through the upload page (data lead) and the API push (token), then the byte search of
  :mod:`tests.security.test_planted_pii` over the database, everything under the hub's home and a
  ``commonground backup``: 0 hits. The control with sealing off finds them in the inbox and in the backup.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from commonground.core import keystore
from commonground.ecosystem.models import Organization
from commonground.ingest import inbox_sealing, sealing
from commonground.ingest.models import Submission
from tests.helpers import cli_env
from tests.ingest.web import (  # noqa: F401 - pytest finds the fixtures by being imported
    client_for,
    data_lead_fixture,
    district_fixture,
    grand_bend_files,
)
from tests.security.inbox_driver import API_FIRST, EDFI_EXCERPT
from tests.security.planted_driver import FIRST
from tests.security.test_planted_pii import _cli, database_url, files, search  # noqa: F401

SECRET = b"Zyxquorb Plimsoval,2014-03-17\n"


def _sealed(tmp_path: Path, data: bytes, name: str = "roster.csv") -> Path:
    folder = tmp_path / "inbox" / "grand-bend" / "d1"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    assert inbox_sealing.seal_file(path, org_slug="grand-bend", delivery="d1", name=name)
    return path


def test_a_sealed_file_opens_to_the_bytes_as_sent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inbox_sealing, "CHUNK", 7)  # many pieces, the last one short
    data = SECRET * 5
    path = _sealed(tmp_path, data)

    assert inbox_sealing.is_sealed(path) and SECRET[:8] not in path.read_bytes()
    assert inbox_sealing.read_bytes(path) == data
    assert not inbox_sealing.seal_file(path, org_slug="grand-bend", delivery="d1", name="roster.csv")
    assert inbox_sealing.read_bytes(path) == data  # sealing twice changes nothing
    assert inbox_sealing.read_bytes(_sealed(tmp_path, b"", "empty.csv")) == b""
    assert path.stat().st_mode & 0o077 == 0  # private to the hub's user
    assert sorted(p.name for p in path.parent.iterdir()) == ["empty.csv", "roster.csv"]  # no temporary left


def test_a_file_kept_as_sent_before_sealing_still_reads(tmp_path: Path) -> None:
    plain = tmp_path / "old.csv"
    plain.write_bytes(SECRET)

    assert not inbox_sealing.is_sealed(plain) and inbox_sealing.read_bytes(plain) == SECRET


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda raw: raw[:-1], "does not decrypt"),  # the last piece cut short
        (lambda raw: raw[: len(raw) - 40], "does not decrypt"),  # the last piece dropped mid-way
        (lambda raw: raw[:-20] + bytes([raw[-20] ^ 1]) + raw[-19:], "does not decrypt"),  # one bit flipped
        (lambda raw: raw[:40], "header is missing or cut off"),  # part of the header left
        (lambda raw: raw[:51], "the last piece is missing"),  # the header alone (51 bytes here)
        (lambda raw: raw[:9] + bytes([raw[9] ^ 1]) + raw[10:], "data key is gone"),  # another key id
        (lambda raw: raw.replace(b"grand-bend/d1", b"grand-bend/d2"), "not where it lies"),
    ],
)
def test_a_changed_file_refuses_to_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage, message
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(inbox_sealing, "CHUNK", 16)
    path = _sealed(tmp_path, SECRET * 2)
    path.write_bytes(damage(path.read_bytes()))

    with pytest.raises(inbox_sealing.InboxSealError, match=message):
        inbox_sealing.read_bytes(path)


def test_a_file_moved_to_another_organization_or_delivery_refuses_to_open(tmp_path: Path) -> None:
    path = _sealed(tmp_path, SECRET)
    for elsewhere in (tmp_path / "inbox" / "bright-futures" / "d1", tmp_path / "inbox" / "grand-bend" / "d9"):
        elsewhere.mkdir(parents=True)
        (elsewhere / "roster.csv").write_bytes(path.read_bytes())
        with pytest.raises(inbox_sealing.InboxSealError, match="not where it lies"):
            inbox_sealing.read_bytes(elsewhere / "roster.csv")


def test_shredding_the_organization_key_makes_every_copy_unreadable(tmp_path: Path) -> None:
    path = _sealed(tmp_path, SECRET)
    backup = tmp_path / "backup" / "data" / "inbox" / "grand-bend" / "d1" / "roster.csv"
    backup.parent.mkdir(parents=True)
    backup.write_bytes(path.read_bytes())
    assert inbox_sealing.read_bytes(backup) == SECRET

    assert keystore.destroy(sealing.scope("grand-bend")) is not None

    for copy in (path, backup):
        with pytest.raises(inbox_sealing.InboxSealError, match="data key is gone"):
            inbox_sealing.read_bytes(copy)


@pytest.mark.parametrize(
    ("org", "delivery", "name"), [("", "d1", "a.csv"), ("a/b", "d1", "a.csv"), ("org", "d1", "../x.csv")]
)
def test_a_bad_place_is_refused_before_anything_is_written(
    tmp_path: Path, org: str, delivery: str, name: str
) -> None:
    with pytest.raises(ValueError, match="inbox"):
        inbox_sealing.write_sealed(tmp_path / "x", SECRET, org_slug=org, delivery=delivery, name=name)
    assert not (tmp_path / "x").exists()


def _kept(org: Organization) -> list[Path]:
    root = Path(settings.COMMONGROUND_HOME) / "data" / "inbox" / org.slug
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.mark.django_db
def test_uploaded_files_are_sealed_and_keep_their_hash_as_sent(data_lead, district: Organization) -> None:  # type: ignore[no-untyped-def]
    sent = {f.name: f.read() for f in grand_bend_files()}
    uploads = [SimpleUploadedFile(n, d, "text/csv") for n, d in sent.items()]
    response = client_for(data_lead).post(
        reverse("ingest:upload"), {"organization": district.pk, "format": "oneroster", "uploads": uploads}
    )
    assert response.status_code == 302
    sub = Submission.objects.get()

    kept = _kept(district)
    assert sorted(p.name for p in kept) == sorted(sent) and all(inbox_sealing.is_sealed(p) for p in kept)
    for path in kept:
        assert sent[path.name] not in path.read_bytes()
        assert inbox_sealing.read_bytes(path) == sent[path.name]
    recorded = {f.name: f.sha256 for f in sub.files.all()}
    assert recorded == {n: hashlib.sha256(d).hexdigest() for n, d in sent.items()}


@pytest.mark.django_db
def test_extracted_zip_members_are_sealed_too(data_lead, district: Organization) -> None:  # type: ignore[no-untyped-def]
    members = {p.name: p.read_bytes() for p in sorted(EDFI_EXCERPT.glob("*.xml"))}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    upload = SimpleUploadedFile("edfi.zip", buffer.getvalue(), "application/zip")
    client_for(data_lead).post(
        reverse("ingest:upload"), {"organization": district.pk, "format": "edfi-xml", "uploads": [upload]}
    )
    assert Submission.objects.count() == 1

    kept = _kept(district)
    extracted = {p.name: p for p in kept if p.parent.name == "extracted"}
    assert set(extracted) == set(members) and all(inbox_sealing.is_sealed(p) for p in kept)
    assert {n: inbox_sealing.read_bytes(p) for n, p in extracted.items()} == members
    assert inbox_sealing.read_bytes(next(p for p in kept if p.name == "edfi.zip")) == buffer.getvalue()


@pytest.mark.django_db
def test_with_sealing_off_the_files_are_kept_as_sent(  # type: ignore[no-untyped-def]
    data_lead, district: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sealing, "ENABLED", False)
    client: Client = client_for(data_lead)
    client.post(
        reverse("ingest:upload"),
        {"organization": district.pk, "format": "oneroster", "uploads": grand_bend_files()},
    )

    kept = _kept(district)
    assert kept and not any(inbox_sealing.is_sealed(p) for p in kept)


def _sent_through_the_hub(tmp_path: Path, database_url: str | None, mode: str) -> tuple[Path, list[str]]:  # noqa: F811
    """Run the driver (its own process, the hub's real database), then ``commonground backup``."""
    home, logs = tmp_path / "home", []
    env = cli_env(home, database_url)
    env["DJANGO_SETTINGS_MODULE"] = "commonground.settings.test"
    result = subprocess.run(  # noqa: S603 - fixed interpreter and module, arguments from the test
        [sys.executable, "-m", "tests.security.inbox_driver", mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    logs += [result.stdout, result.stderr]
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    assert "page oneroster 302" in out and "page edfi-xml zip 302" in out and "api push 201" in out, out
    _cli("backup", "--out", str(tmp_path / "backup"), home=home, database_url=database_url, logs=logs)
    return home, logs


def test_planted_names_sent_by_page_and_api_are_nowhere_at_rest(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    database_url,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home, logs = _sent_through_the_hub(tmp_path, database_url, "build")

    assert search(tmp_path, home, logs, database_url) == []
    inbox = sorted(p for p in files(home / "data" / "inbox"))
    backed_up = sorted(p for p in files(tmp_path / "backup" / "data" / "inbox"))
    assert len(inbox) == len(backed_up) >= 10 and all(
        inbox_sealing.is_sealed(p) for p in [*inbox, *backed_up]
    )
    monkeypatch.setenv(keystore.KEYS_DIR_ENV_VAR, str(home / "keys"))  # the hub's keys open what it kept
    opened = b"".join(inbox_sealing.read_bytes(p) for p in inbox if p.name in {"users.csv", "Student.xml"})
    assert FIRST.encode() in opened


def test_with_sealing_off_the_same_search_finds_them_in_the_inbox(  # type: ignore[no-untyped-def]
    tmp_path: Path,
    database_url,  # noqa: F811
) -> None:
    home, logs = _sent_through_the_hub(tmp_path, database_url, "sealing-off")

    found = search(tmp_path, home, logs, database_url)
    live = [f for f in found if f.startswith(str(home / "data" / "inbox"))]
    backup = [f for f in found if f.startswith(str(tmp_path / "backup" / "data" / "inbox"))]
    assert any("/users.csv" in f and FIRST in f for f in live), found  # the upload page
    assert any("/extracted/Student.xml" in f and FIRST in f for f in live), found  # a zip's extracted member
    assert any("/users.csv" in f and API_FIRST in f for f in live), found  # the API push
    assert any(FIRST in f for f in backup) and any("/extracted/" in f for f in backup), found
