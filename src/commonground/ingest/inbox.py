"""Files received through the web page or the API: kept in the hub's inbox, then handed to ``do_ingest``.

Each delivery gets its own folder, ``<home>/data/inbox/<organization>/<uuid>/``, with the original file names
sanitised. Big uploads arrive as temporary files (Django streams anything over FILE_UPLOAD_MAX_MEMORY_SIZE to
disk) and are moved, not copied, when the temporary folder is on the same file system.

A zip is handed over as it is for OneRoster (the connector reads zips safely). For Ed-Fi XML and tabular
files its members are extracted through the same safe zip reader (no path traversal, no zip bombs).

Once ``do_ingest`` has read them (accepted, rejected or quarantined alike), the kept files — extracted members
too — are encrypted whole under the organization's data key (:mod:`.inbox_sealing`); read them back only through
:func:`.inbox_sealing.read_bytes` / :func:`.inbox_sealing.read_chunks`.
"""

from __future__ import annotations

import logging
import re
import shutil
import unicodedata
import uuid
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.core.files.move import file_move_safe
from django.core.files.uploadedfile import UploadedFile

from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest import inbox_sealing, sealing
from commonground.ingest.actions import do_ingest
from commonground.ingest.choices import SubmissionFormat
from commonground.ingest.connectors.mapping import Mapping
from commonground.ingest.connectors.sources import SourceError, ZipSource, iter_chunks
from commonground.ingest.models import Submission

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 150
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


class InboxError(ValueError):
    """Files that cannot be taken in as sent; the message says which file and why."""


def sanitize_name(name: str) -> str:
    """A safe base name for a received file: no folders, no control or odd characters, no leading dot.

    Example:
        >>> sanitize_name("../../etc/Élèves 2025?.csv")
        'Eleves 2025_.csv'
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    base = _UNSAFE.sub("_", base).strip(" .")
    if len(base) > MAX_NAME_CHARS:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: MAX_NAME_CHARS - len(suffix) - 1] + "." + suffix) if dot and len(suffix) < 10 else base
        base = base[:MAX_NAME_CHARS]
    return base or "upload"


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def new_delivery_folder(organization: Organization) -> Path:
    """A fresh folder for one delivery from ``organization``."""
    folder = Path(settings.COMMONGROUND_HOME) / "data" / "inbox" / organization.slug / uuid.uuid4().hex
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def save_upload(upload: UploadedFile, folder: Path) -> Path:
    """Write one uploaded file into ``folder`` under its sanitised name (moved when it is a temporary file)."""
    target = _unique(folder, sanitize_name(upload.name or "upload"))
    temporary = getattr(upload, "temporary_file_path", None)
    if temporary is not None:
        if upload.file is not None:
            upload.file.flush()
        file_move_safe(temporary(), str(target), allow_overwrite=False)
    else:
        with target.open("xb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    return target


def is_zip(path: Path) -> bool:
    """A zip container sent as such (not an XLSX workbook, which is a zip too)."""
    return path.suffix.lower() == ".zip"


def extract_zip(path: Path, folder: Path) -> list[Path]:
    """Extract a zip's files (flattened to sanitised base names) through the safe reader."""
    try:
        source = ZipSource(path)
    except SourceError as exc:
        raise InboxError(f"{path.name}: {exc.message}" + (f" ({exc.member})" if exc.member else "")) from exc
    out: list[Path] = []
    try:
        for name in source.names:
            target = _unique(folder, sanitize_name(PurePosixPath(name).name))
            with source.open(name) as stream, target.open("xb") as fh:
                for chunk in iter_chunks(stream):
                    fh.write(chunk)
            out.append(target)
    except SourceError as exc:
        raise InboxError(f"{path.name}: {exc.message}" + (f" ({exc.member})" if exc.member else "")) from exc
    finally:
        source.close()
    if not out:
        raise InboxError(f"{path.name}: the zip holds no files")
    return out


def prepare_paths(fmt: str, saved: list[Path], folder: Path) -> list[Path]:
    """The paths to hand to the connector: zips opened where the connector does not read them itself."""
    zips = [p for p in saved if is_zip(p)]
    if not zips:
        return saved
    if len(saved) > 1:
        raise InboxError("send a zip on its own, or the files without a zip, not both")
    if fmt == SubmissionFormat.ONEROSTER:
        return saved
    extracted = folder / "extracted"
    extracted.mkdir()
    return extract_zip(zips[0], extracted)


def submit_uploads(
    *,
    acting_user: Any,
    organization: Organization,
    fmt: str,
    uploads: Sequence[UploadedFile],
    mapping: Mapping | None = None,
    system: InformationSystem | None = None,
    fixes_for: Submission | None = None,
) -> Submission:
    """Keep the uploaded files in the inbox and ingest them with ``do_ingest``; return the submission.

    ``fixes_for``: the files are corrected quarantined rows of that submission (see :mod:`.fixes`).

    Raises :class:`InboxError` (nothing kept) when the files cannot be taken in as sent. A resubmission of
    files already accepted keeps no second copy.
    """
    if not uploads:
        raise InboxError("choose at least one file to send")
    folder = new_delivery_folder(organization)
    try:
        saved = [save_upload(u, folder) for u in uploads]
        paths = prepare_paths(fmt, saved, folder)
        submission = do_ingest(
            acting_user=acting_user,
            organization=organization,
            fmt=fmt,
            paths=paths,
            mapping=mapping,
            system=system,
            fixes_for=fixes_for,
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if submission.is_duplicate:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        seal_kept(folder, organization.slug)
    return submission


def seal_kept(folder: Path, org_slug: str) -> None:
    """Encrypt a delivery's kept files now that they were read; if that fails, keep no plaintext copy at all."""
    if not sealing.ENABLED:  # only the benchmark and the control of the planted-PII test switch it off
        return
    try:
        inbox_sealing.seal_delivery(folder, org_slug)
    except Exception:
        # The submission is recorded and published; a copy of the files as sent is worth less than their secrecy.
        log.exception(
            "could not seal the inbox delivery %s; removing it rather than keep it in plaintext", folder
        )
        shutil.rmtree(folder, ignore_errors=True)
