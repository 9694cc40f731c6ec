"""Ed-Fi Data Standard 5.x XML interchange files → canonical tables, streamed record by record.

The file is fed to expat in 1 MB chunks; each child of the interchange root (a *record*: ``Student``,
``StudentSchoolAttendanceEvent``…) is built as a small ElementTree element, mapped, and discarded, so memory
stays bounded by one chunk's records however big the file is. Every element carries the line it starts on, so
errors name file, line and element path.

Security: a ``<!DOCTYPE`` or ``<!ENTITY`` declaration is refused before parsing ("DTDs are not allowed"), and
expat's doctype/entity handlers refuse them again if they slip past the scan (other encodings, comments).
Namespace-agnostic: any ``http://ed-fi.org/…`` namespace (5.0, 5.1, 5.2…) is read the same way.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any
from xml.parsers import expat

from .edfi_records import HANDLERS, EdfiState, handler_for
from .report import ParseResult
from .sources import iter_chunks
from .validate import validate_result

CHUNK_BYTES = 1024 * 1024
PROLOG_SCAN_BYTES = 64 * 1024
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
LINE_ATTR = "_line"


class _Refused(Exception):
    """A DTD or entity declaration met during parsing."""


class _Stream:
    """Expat handlers that build one record element at a time."""

    def __init__(self, parser: Any, file: str, result: ParseResult, state: EdfiState) -> None:
        self.parser = parser
        self.file = file
        self.result = result
        self.state = state
        self.depth = 0
        self.builder: ET.TreeBuilder | None = None
        self.record_line = 0
        self.pending: list[ET.Element] = []
        self.namespace: str | None = None
        self.records = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition("}")
        self.depth += 1
        if self.depth == 1:
            self.namespace = ns
            self.state.check_root(local, ns, self.file, self.parser.CurrentLineNumber)
            return
        if self.depth == 2:
            self.builder = ET.TreeBuilder()
        assert self.builder is not None  # noqa: S101 - set at depth 2
        attrs = {k.rpartition("}")[2]: v for k, v in attrs.items()}
        attrs[LINE_ATTR] = str(self.parser.CurrentLineNumber)
        self.builder.start(local, attrs)

    def end(self, name: str) -> None:
        if self.depth >= 2 and self.builder is not None:
            element = self.builder.end(name.rpartition("}")[2])
            if self.depth == 2:
                self.pending.append(element)
                self.builder = None
        self.depth -= 1

    def data(self, text: str) -> None:
        if self.builder is not None:
            self.builder.data(text)

    def drain(self) -> None:
        for element in self.pending:
            self.records += 1
            handler = handler_for(element.tag)
            if handler is None:
                self.state.ignored[element.tag] = self.state.ignored.get(element.tag, 0) + 1
            else:
                handler(self.state, element, self.file)
        self.pending = []


def _refuse(*_args: object) -> int:
    raise _Refused


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
                "dtd-not-allowed",
                file,
                line,
                None,
                match.group(0).decode("ascii", "replace"),
                "no DOCTYPE or ENTITY declarations: DTDs are not allowed (entity expansion attacks)",
            )
            return
        parser = expat.ParserCreate(namespace_separator="}")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        stream = _Stream(parser, file, result, state)
        parser.StartElementHandler = stream.start
        parser.EndElementHandler = stream.end
        parser.CharacterDataHandler = stream.data
        parser.StartDoctypeDeclHandler = _refuse
        parser.EntityDeclHandler = _refuse
        parser.ExternalEntityRefHandler = _refuse
        final = False
        try:
            for chunk in _chunks(head, raw):
                parser.Parse(chunk, False)
                stream.drain()
            final = True
            parser.Parse(b"", True)
            stream.drain()
        except _Refused:
            result.error(
                "dtd-not-allowed",
                file,
                parser.CurrentLineNumber,
                None,
                None,
                "no DOCTYPE or ENTITY declarations: DTDs are not allowed (entity expansion attacks)",
            )
        except expat.ExpatError as exc:
            stream.drain()
            truncated = final and exc.code in (
                expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
                expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
            )
            if truncated or (final and stream.depth > 0):
                result.error(
                    "truncated-xml",
                    file,
                    exc.lineno,
                    None,
                    expat.errors.messages[exc.code],
                    "a complete XML document (the file ends inside an element)",
                )
            else:
                result.error(
                    "xml-syntax",
                    file,
                    exc.lineno,
                    f"character {exc.offset + 1}",
                    expat.errors.messages[exc.code],
                    "well-formed XML",
                )
        result.rows_read[file] = stream.records


def _chunks(head: bytes, raw: Any) -> Any:
    yield head
    yield from iter_chunks(raw, CHUNK_BYTES)


def parse_edfi_xml(
    paths: Path | list[Path], source_org: str, *, validate: bool = True, reference_year: int | None = None
) -> ParseResult:
    """Parse Ed-Fi XML interchange files (one submission) into canonical tables.

    Example:
        >>> r = parse_edfi_xml(sorted(Path("tests/fixtures/edfi-xml-excerpt").glob("*.xml")), "district")
        >>> r.rows()["person"]
        25
    """
    files = [paths] if isinstance(paths, Path) else list(paths)
    files = [f for p in files for f in (sorted(p.glob("*.xml")) if p.is_dir() else [p])]
    result = ParseResult()
    state = EdfiState(source_org, result)
    for path in files:
        _parse_file(path, state)
    state.finish()
    if validate:
        validate_result(result, reference_year=reference_year)
    return result.finish()


__all__ = ["HANDLERS", "parse_edfi_xml"]
