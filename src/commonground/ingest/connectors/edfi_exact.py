"""The exact Ed-Fi XML reader: expat calls Python for every tag, and every element carries its line.

Slower than :mod:`.edfi_fast`, but it needs no assumption about the bytes: any encoding expat reads, DTDs
refused by expat's own handlers (so a declaration hidden from the byte scan, for example in UTF-16, is still
refused). Each child of the interchange root is built as a small ElementTree element, mapped and discarded.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any
from xml.parsers import expat

from .edfi_records import LINE_ATTR, EdfiState, handler_for
from .report import ParseResult

DTD_EXPECTED = "no DOCTYPE or ENTITY declarations: DTDs are not allowed (entity expansion attacks)"


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


def report_xml_error(
    result: ParseResult, file: str, code: int, line: int, column: int, *, final: bool, open_elements: bool
) -> None:
    """A located ``truncated-xml`` (the document ends inside an element) or ``xml-syntax`` error."""
    truncated = final and code in (
        expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS],
        expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN],
    )
    if truncated or (final and open_elements):
        result.error(
            "truncated-xml",
            file,
            line,
            None,
            expat.errors.messages[code],
            "a complete XML document (the file ends inside an element)",
        )
    else:
        result.error(
            "xml-syntax",
            file,
            line,
            f"character {column + 1}",
            expat.errors.messages[code],
            "well-formed XML",
        )


def read_exact(chunks: Iterable[bytes], file: str, state: EdfiState) -> int:
    """Read one file's records through expat's Python handlers; return how many records were read."""
    result = state.result
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
        for chunk in chunks:
            parser.Parse(chunk, False)
            stream.drain()
        final = True
        parser.Parse(b"", True)
        stream.drain()
    except _Refused:
        result.error("dtd-not-allowed", file, parser.CurrentLineNumber, None, None, DTD_EXPECTED)
    except expat.ExpatError as exc:
        stream.drain()
        report_xml_error(
            result, file, exc.code, exc.lineno, exc.offset, final=final, open_elements=stream.depth > 0
        )
    return stream.records
