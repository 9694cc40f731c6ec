"""Ed-Fi Data Standard 5.x XML interchange files → canonical tables, streamed record by record.

The file is read in 1 MB chunks; each child of the interchange root (a *record*: ``Student``,
``StudentSchoolAttendanceEvent``…) is built as a small ElementTree element, mapped, and discarded, so memory
stays bounded by one chunk's records however big the file is. Errors name file, line and element path.

Two readers give the same records, rows and errors: the fast one (:mod:`.edfi_fast`: C pull parser, lines
from a byte scan) for UTF-8 and other ASCII-compatible files whose prolog is plain, and the exact one
(:mod:`.edfi_exact`: expat calling Python per tag) for everything else.

Security: a ``<!DOCTYPE`` or ``<!ENTITY`` declaration is refused before parsing ("DTDs are not allowed"), and
expat's doctype/entity handlers refuse them again if they slip past the scan (other encodings, comments) — which
is why a prolog with anything but an XML declaration goes to the exact reader.
Namespace-agnostic: any ``http://ed-fi.org/…`` namespace (5.0, 5.1, 5.2…) is read the same way.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .edfi_exact import DTD_EXPECTED, read_exact, report_xml_error
from .edfi_fast import FastReader, parse_error
from .edfi_records import HANDLERS, EdfiState
from .report import ParseResult
from .sources import iter_chunks
from .validate import validate_result

CHUNK_BYTES = 1024 * 1024
PROLOG_SCAN_BYTES = 64 * 1024
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_ENCODING = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
#: Declared encodings in which "<", LF and CR are the single bytes the fast reader's scan looks for.
_ASCII_COMPATIBLE = re.compile(r"^(utf-?8|us-ascii|ascii|iso-8859-\d+|latin-?1|windows-125\d|cp125\d)$", re.I)


def _fast_ok(head: bytes, prolog: bytes, root_found: bool) -> bool:
    """Whether the fast reader's byte scan is exact for this file."""
    if not root_found or b"<!" in prolog or b"\0" in head[:4096]:
        return False
    if head.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff")):
        return False
    declared = _ENCODING.match(head.removeprefix(b"\xef\xbb\xbf"))
    return declared is None or bool(_ASCII_COMPATIBLE.match(declared.group(1).decode("ascii")))


def _parse_file(path: Path, state: EdfiState) -> None:
    result, file = state.result, path.name
    with path.open("rb") as raw:
        head = raw.read(PROLOG_SCAN_BYTES)
        if not head.strip():
            result.error("empty-file", file, None, None, None, "an Ed-Fi XML interchange document")
            return
        root_at = re.search(rb"<[A-Za-z_]", head)
        prolog = head[: root_at.start()] if root_at else head
        match = _DTD.search(prolog)
        if match:
            line = prolog[: match.start()].count(b"\n") + 1
            result.error(
                "dtd-not-allowed", file, line, None, match.group(0).decode("ascii", "replace"), DTD_EXPECTED
            )
            return
        if not _fast_ok(head, prolog, root_at is not None):
            result.rows_read[file] = read_exact(_chunks(head, raw), file, state)
            return
        reader = FastReader(state, file)
        try:
            reader.read(_chunks(head, raw), lambda: _reread(path))
        except ET.ParseError as exc:
            code, line, column = parse_error(exc)
            report_xml_error(
                result, file, code, line, column, final=reader.final, open_elements=reader.open_elements
            )
        finally:
            state.locate = None
        result.rows_read[file] = reader.records


def _chunks(head: bytes, raw: Any) -> Iterator[bytes]:
    yield head
    yield from iter_chunks(raw, CHUNK_BYTES)


def _reread(path: Path) -> Iterator[bytes]:
    with path.open("rb") as raw:
        yield from iter_chunks(raw, CHUNK_BYTES)


def parse_edfi_xml(
    paths: Path | list[Path],
    source_org: str,
    *,
    validate: bool = True,
    reference_year: int | None = None,
    result: ParseResult | None = None,
) -> ParseResult:
    """Parse Ed-Fi XML interchange files (one submission) into canonical tables.

    Example:
        >>> r = parse_edfi_xml(sorted(Path("tests/fixtures/edfi-xml-excerpt").glob("*.xml")), "district")
        >>> r.rows()["person"]
        25
    """
    files = [paths] if isinstance(paths, Path) else list(paths)
    files = [f for p in files for f in (sorted(p.glob("*.xml")) if p.is_dir() else [p])]
    result = ParseResult() if result is None else result
    state = EdfiState(source_org, result)
    for path in files:
        _parse_file(path, state)
    state.finish()
    if validate:
        validate_result(result, reference_year=reference_year)
    return result.finish()


__all__ = ["HANDLERS", "parse_edfi_xml"]
