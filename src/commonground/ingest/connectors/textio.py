"""Text files from partners: encoding and delimiter detection, bounded line reading, CSV records with lines.

Files are streamed: a line longer than ``max_line_chars`` stops the file with a ``line-too-long`` error after
reading at most that many characters, so a 2 GB single-line file never sits in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from charset_normalizer import from_bytes

from .report import ParseResult

SAMPLE_BYTES = 64 * 1024
MAX_LINE_CHARS = 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")
#: Encodings charset-normalizer may propose that we trust; anything else falls back to cp1252.
_LEGACY = (
    "cp1252",
    "windows-1252",
    "latin_1",
    "iso8859_1",
    "iso8859_15",
    "mac_roman",
    "cp850",
    "cp437",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
)

_SURROGATE = re.compile("[\udc80-\udcff]")

csv.field_size_limit(MAX_LINE_CHARS)


@dataclass
class TextInfo:
    """What was detected about a text file."""

    encoding: str
    bom: bool


class InputStop(Exception):
    """The rest of a file cannot be read; the error is already in the report."""


def _is_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample[:4096] if b < 32 and b not in (9, 10, 13, 12))
    return controls > max(8, len(sample[:4096]) // 50)


def detect_encoding(raw: io.BufferedReader[Any], file: str, result: ParseResult) -> TextInfo | None:
    """Look at the start of ``raw`` (without consuming it) and choose an encoding; None if unreadable."""
    sample = raw.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
    if not sample:
        result.error("empty-file", file, None, None, None, "a header line and data rows")
        return None
    if sample.startswith(codecs.BOM_UTF8):
        return TextInfo("utf-8-sig", True)
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return TextInfo("utf-16", True)
    if _is_binary(sample):
        result.error(
            "binary-file",
            file,
            None,
            None,
            sample[:20].hex(" "),
            "a text file (CSV); this looks like binary data",
        )
        return None
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=len(sample) < SAMPLE_BYTES)
        return TextInfo("utf-8", False)
    except UnicodeDecodeError:
        pass
    best = from_bytes(sample, cp_isolation=list(_LEGACY)).best()
    encoding = best.encoding if best is not None and best.encoding in _LEGACY else "cp1252"
    if encoding.startswith("utf_16"):
        encoding = "cp1252"
    result.warning(
        "legacy-encoding",
        file,
        None,
        None,
        encoding,
        f"UTF-8; the file was decoded as {encoding} (check accented names)",
    )
    return TextInfo(encoding, False)


def bounded_lines(
    text: io.TextIOBase, file: str, result: ParseResult, max_line_chars: int, state: dict[str, int | bool]
) -> Iterator[str]:
    """Physical lines (with their endings), stopping with ``line-too-long`` at an over-long line.

    ``state`` receives ``lines`` (number of lines read so far) and ``newline_at_end``.
    """
    while True:
        try:
            line = text.readline(max_line_chars + 1)
        except UnicodeDecodeError as exc:
            result.error(
                "bad-encoding",
                file,
                int(state["lines"]) + 1,
                None,
                exc.object[exc.start : exc.end].hex(),
                f"text in one encoding ({exc.encoding}) throughout the file",
            )
            raise InputStop from exc
        if not line:
            return
        state["lines"] = int(state["lines"]) + 1
        bad = _SURROGATE.search(line)
        if bad:
            result.error(
                "bad-encoding",
                file,
                int(state["lines"]),
                None,
                line[max(0, bad.start() - 20) : bad.start() + 20]
                .encode("utf-8", "surrogateescape")
                .decode("utf-8", "replace"),
                "text in one encoding throughout the file (this line is not valid UTF-8)",
            )
            raise InputStop
        if len(line) > max_line_chars and not line.endswith(("\n", "\r")):
            result.error(
                "line-too-long",
                file,
                int(state["lines"]),
                None,
                line[:40],
                f"lines of at most {max_line_chars:,} characters; the rest of the file was not read",
            )
            raise InputStop
        state["newline_at_end"] = line.endswith(("\n", "\r"))
        yield line


def open_text(buffered: io.BufferedReader[Any], info: TextInfo) -> io.TextIOWrapper[Any]:
    """A text stream over ``buffered`` in the detected encoding (undecodable UTF-8 kept as surrogates)."""
    errors = "surrogateescape" if info.encoding.startswith("utf-8") else "strict"
    return io.TextIOWrapper(buffered, encoding=info.encoding, newline="", errors=errors)


def warn_bom(info: TextInfo, file: str, result: ParseResult) -> None:
    """A UTF-8 byte-order mark is accepted, with a warning."""
    if info.bom and info.encoding == "utf-8-sig":
        result.warning("bom", file, 1, None, None, "UTF-8 without a byte-order mark (accepted)")


def csv_records(
    raw: BinaryIO,
    file: str,
    result: ParseResult,
    *,
    delimiter: str | None = ",",
    max_line_chars: int = MAX_LINE_CHARS,
) -> Iterator[tuple[int, list[str]]]:
    """(line number of the record's first line, fields) for every record, header first.

    ``delimiter=None`` sniffs it from the first lines (one of ``, ; TAB |``). Encoding and BOM are detected.
    A missing final newline is reported as a warning after the last record.
    """
    buffered: io.BufferedReader[Any] = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    info = detect_encoding(buffered, file, result)
    if info is None:
        return
    warn_bom(info, file, result)
    yield from text_records(open_text(buffered, info), file, result, delimiter, max_line_chars=max_line_chars)


def text_records(
    text: io.TextIOBase,
    file: str,
    result: ParseResult,
    delimiter: str | None,
    *,
    max_line_chars: int = MAX_LINE_CHARS,
    first_line: int = 1,
    header: bool = True,
    state: dict[str, int | bool] | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """The records of decoded text, numbered from ``first_line``; the exact (and slower) path.

    With ``header=False`` the text starts at a record boundary in the middle of a file (the caller read what
    came before) and ``delimiter`` must be known. ``state`` receives ``lines`` (the last line read) and
    ``stopped`` (True when an error ended the file early).
    """
    state = {} if state is None else state
    state.update(lines=first_line - 1, newline_at_end=True, stopped=False)
    lines = bounded_lines(text, file, result, max_line_chars, state)
    source: Iterator[str] = lines
    if header:
        try:
            first = next(lines, None)
        except InputStop:
            state["stopped"] = True
            return
        if first is None or not first.strip():
            result.error("empty-file", file, 1, None, None, "a header line and data rows")
            state["stopped"] = True
            return
        if delimiter is None:
            delimiter = sniff_delimiter(first)
        source = itertools.chain([first], lines)
    reader = csv.reader(source, delimiter=delimiter or ",", strict=True)
    start = first_line
    try:
        for fields in reader:
            yield start, fields
            start = int(state["lines"]) + 1
    except InputStop:
        state["stopped"] = True
        return
    except csv.Error as exc:
        code = "unterminated-quote" if "end of data" in str(exc) else "bad-quoting"
        result.error(code, file, start, None, None, f"well-formed CSV quoting ({exc})")
        state["stopped"] = True
        return
    if not state["newline_at_end"]:
        result.warning(
            "missing-final-newline",
            file,
            int(state["lines"]),
            None,
            None,
            "a line break at the end of the last line (accepted)",
        )


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: csv.Sniffer restricted to ``, ; TAB |``, else the most frequent one."""
    counts = {d: first_line.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    try:
        sniffed = csv.Sniffer().sniff(first_line, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = best
    if counts.get(sniffed, 0) < counts[best]:
        sniffed = best
    return sniffed if counts[sniffed] else ","
