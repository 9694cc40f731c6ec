"""Partners' CSV files read in blocks by pyarrow's parser, with exact line numbers and an exact fallback.

The file is cut into blocks of whole lines (a few MB). A block that pyarrow can read with the same meaning as
Python's ``csv`` module in strict mode — no quote characters (so no quoted line breaks: every physical line is
one record), no NUL bytes, no bare CR line endings, every line within the length limit — is parsed by
``pyarrow.csv.read_csv`` on all cores, all columns as text (empty lines kept as rows of nulls, dropped later
as blank, so row *i* of a block is its first line + *i*). A block pyarrow rejects (a row with too many or too
few fields, invalid UTF-8, a line over the limit) is read again by the exact per-record path
(:func:`~.textio.text_records`), so errors are located and worded exactly as before. Anything else — a quote
character, a NUL, a bare CR, a line longer than a block — hands the rest of the file to the exact streaming
path, from that block's first line.

Encoding, BOM and delimiter detection, the line length limit and the missing-final-newline warning behave as in
:func:`~.textio.csv_records`, which remains the reference.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from .report import ParseResult
from .textio import (
    MAX_LINE_CHARS,
    TextInfo,
    detect_encoding,
    open_text,
    sniff_delimiter,
    text_records,
    warn_bom,
)

BLOCK_BYTES = 8 * 1024 * 1024
#: Single-byte encodings whose bytes 0x0A, 0x0D, 0x22 and 0x00 mean LF, CR, quote and NUL, as in ASCII.
_ASCII_COMPATIBLE = (
    "utf-8",
    "utf-8-sig",
    "cp1252",
    "windows-1252",
    "latin_1",
    "iso8859_1",
    "iso8859_15",
    "mac_roman",
    "cp850",
    "cp437",
)

Records = list[tuple[int, list[str]]]


@dataclass
class ArrowBlock:
    """Rows parsed by pyarrow: one text column per header field (``f0``…), and each row's line number."""

    table: pa.Table
    lines: np.ndarray
    #: Line breaks in the block (the next block starts this many lines further on).
    newlines: int


class _Prefixed(io.RawIOBase):
    """Bytes already read, then the rest of a stream — to hand a file back to the exact path mid-way."""

    def __init__(self, prefix: bytes, rest: BinaryIO) -> None:
        self._prefix = memoryview(prefix)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._prefix.nbytes:
            n = min(len(buffer), self._prefix.nbytes)
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def grouped(records: Iterator[tuple[int, list[str]]]) -> Iterator[Records]:
    """Records one at a time (in one-record lists), so whatever the reader reports while reading a record
    lands in the report just where the exact reader always put it: after the issues of the records before."""
    for record in records:
        yield [record]


class _Reader:
    """State of one file being read in blocks."""

    def __init__(
        self,
        raw: BinaryIO,
        file: str,
        result: ParseResult,
        encoding: str,
        delimiter: str,
        max_line: int,
        dictionary: set[int],
    ) -> None:
        self.raw = raw
        self.dictionary = dictionary
        self.file = file
        self.result = result
        self.encoding = encoding
        self.delimiter = delimiter
        self.max_line = max_line
        self.width = 0
        self.options: tuple[Any, Any, Any] | None = None
        self.ascii_convert: Any = None

    def exact(
        self, data: bytes, rest: BinaryIO | None, first_line: int, state: dict[str, Any]
    ) -> Iterator[Records]:
        """The exact path over ``data`` (and then ``rest``), numbered from ``first_line``."""
        stream: BinaryIO = io.BufferedReader(_Prefixed(data, rest or io.BytesIO()))
        errors = "surrogateescape" if self.encoding.startswith("utf-8") else "strict"
        text = io.TextIOWrapper(stream, encoding=self.encoding, newline="", errors=errors)
        records = text_records(
            text,
            self.file,
            self.result,
            self.delimiter,
            max_line_chars=self.max_line,
            first_line=first_line,
            header=False,
            state=state,
        )
        yield from grouped(records)

    def _options(self, ascii_only: bool) -> tuple[Any, Any, Any]:
        if self.options is None:
            names = [f"f{i}" for i in range(self.width)]
            coded = pa.dictionary(pa.int32(), pa.string())
            types = {name: coded if i in self.dictionary else pa.string() for i, name in enumerate(names)}
            self.options = (
                # Two pieces per block: one per core, and few pieces for the conversion to loop over.
                pacsv.ReadOptions(
                    column_names=names, use_threads=True, block_size=max(BLOCK_BYTES // 2, 1 << 16)
                ),
                # Empty lines are kept (as rows of nulls, dropped later as blank), so row i is line first + i.
                pacsv.ParseOptions(
                    delimiter=self.delimiter,
                    quote_char=False,
                    double_quote=False,
                    escape_char=False,
                    newlines_in_values=False,
                    ignore_empty_lines=False,
                ),
                pacsv.ConvertOptions(
                    column_types=types,
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,
                ),
            )
            convert = self.options[2]
            self.ascii_convert = pacsv.ConvertOptions(
                column_types=convert.column_types,
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=False,
                check_utf8=False,
            )
        read, parse, convert = self.options
        # ASCII is valid UTF-8: pyarrow need not check it again, byte by byte.
        return read, parse, self.ascii_convert if ascii_only else convert

    def arrow(self, block: bytes, first_line: int) -> ArrowBlock | None:
        """The block parsed by pyarrow with each row's line, or None when only the exact path can read it."""
        data = block
        if not self.encoding.startswith("utf-8"):
            try:
                data = block.decode(self.encoding).encode("utf-8")
            except UnicodeDecodeError:
                return None
        read, parse, convert = self._options(data.isascii())
        try:
            table = pacsv.read_csv(
                pa.py_buffer(data), read_options=read, parse_options=parse, convert_options=convert
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None  # a row with too many or too few fields, invalid UTF-8, an empty block
        if _longest_row(table, len(self.delimiter)) >= self.max_line:
            return None
        lines = np.arange(first_line, first_line + table.num_rows, dtype=np.int32)
        return ArrowBlock(table, lines, table.num_rows - (0 if block.endswith(b"\n") else 1))


def _lone_cr(block: bytes) -> bool:
    """True when the block has a CR that is not followed by LF (an old Mac line end, or a CR in a field)."""
    if b"\r" not in block:
        return False
    raw = np.frombuffer(block, dtype=np.uint8)
    cr = np.flatnonzero(raw == 13)
    if cr[-1] == len(raw) - 1:
        return True
    return bool((raw[cr + 1] != 10).any())


def _longest_row(table: pa.Table, delimiter_bytes: int) -> int:
    """The longest row in bytes (its fields and delimiters), or an upper bound of it when that is short."""
    if not table.num_rows:
        return 0
    delimiters = delimiter_bytes * (table.num_columns - 1)
    bound = delimiters
    for column in table.columns:
        for chunk in column.chunks:
            values = chunk.dictionary if isinstance(chunk, pa.DictionaryArray) else chunk
            bound += max(0, pc.max(pc.binary_length(values)).as_py() or 0) if len(values) else 0
    if bound < 64 * 1024:
        return bound
    total = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        start = 0
        for chunk in column.chunks:
            total[start : start + len(chunk)] += byte_lengths(chunk)
            start += len(chunk)
    return int(total.max()) + delimiters


def byte_lengths(array: pa.Array) -> np.ndarray:
    """The length in bytes of each value of a string (or dictionary-encoded string) array; 0 for null."""
    if isinstance(array, pa.DictionaryArray):
        per_value = np.append(byte_lengths(array.dictionary), 0)
        return per_value[np.asarray(array.indices.fill_null(len(per_value) - 1))]
    offsets = np.frombuffer(array.buffers()[1], dtype=np.int32)[array.offset : array.offset + len(array) + 1]
    length = np.diff(offsets)
    return np.where(np.asarray(array.is_valid()), length, 0) if array.null_count else length


def csv_blocks(
    raw: BinaryIO,
    file: str,
    result: ParseResult,
    *,
    delimiter: str | None = ",",
    max_line_chars: int = MAX_LINE_CHARS,
    block_bytes: int | None = None,
    dictionary: set[int] | None = None,
) -> Iterator[Records | ArrowBlock]:
    """The header record first (in a list), then lists of records and :class:`ArrowBlock` s, in file order.

    ``delimiter=None`` sniffs it from the header line. ``dictionary`` names the field positions pyarrow should
    dictionary-encode; the caller may fill the set after it has seen the header (it is read at the first block).
    """
    block_bytes = block_bytes or BLOCK_BYTES
    buffered: io.BufferedReader[Any] = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw)
    info = detect_encoding(buffered, file, result)
    if info is None:
        return
    warn_bom(info, file, result)
    head = buffered.read(block_bytes) if info.encoding in _ASCII_COMPATIBLE else b""
    header_text = _simple_header(head, info.encoding, max_line_chars)
    if header_text is None:
        yield from _exact_whole(buffered, head, file, result, info.encoding, delimiter, max_line_chars)
        return
    cut = head.find(b"\n") + 1
    delimiter = delimiter or sniff_delimiter(header_text)
    header = next(csv.reader([header_text], delimiter=delimiter, strict=True))
    yield [(1, header)]
    encoding = info.encoding.replace("-sig", "")
    reader = _Reader(buffered, file, result, encoding, delimiter, max_line_chars, dictionary or set())
    reader.width = len(header)
    yield from _blocks(reader, head[cut:], block_bytes)


def _simple_header(head: bytes, encoding: str, max_line: int) -> str | None:
    """The header line as text when it is one plain line (no quotes, NUL or bare CR), else None."""
    cut = head.find(b"\n") + 1
    body = head[: cut - 1].removesuffix(b"\r")
    if not cut or len(body) >= max_line or any(c in body for c in (b'"', b"\0", b"\r")):
        return None
    try:
        text = head[:cut].decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if text.strip() else None


def _exact_whole(
    buffered: io.BufferedReader[Any],
    head: bytes,
    file: str,
    result: ParseResult,
    encoding: str,
    delimiter: str | None,
    max_line: int,
) -> Iterator[Records]:
    stream = io.BufferedReader(_Prefixed(head, buffered))
    text = open_text(stream, TextInfo(encoding, False))
    yield from grouped(text_records(text, file, result, delimiter, max_line_chars=max_line))


def _blocks(reader: _Reader, pending: bytes, block_bytes: int) -> Iterator[Records | ArrowBlock]:
    line = 2
    eof = False
    while True:
        if not eof and len(pending) < block_bytes:
            more = reader.raw.read(block_bytes)
            eof = not more
            pending += more
        if not pending:
            return
        cut = len(pending) if eof else pending.rfind(b"\n") + 1
        block = pending[:cut]
        if not cut or b'"' in block or b"\0" in block or _lone_cr(block):
            yield from reader.exact(pending, reader.raw, line, {})
            return
        parsed = reader.arrow(block, line)
        if parsed is None:
            state: dict[str, Any] = {}
            yield from reader.exact(block, None, line, state)
            if state.get("stopped"):
                return
            line += block.count(b"\n")
        else:
            yield parsed
            line += parsed.newlines
            if eof and not block.endswith((b"\n", b"\r")):
                reader.result.warning(
                    "missing-final-newline",
                    reader.file,
                    line,
                    None,
                    None,
                    "a line break at the end of the last line (accepted)",
                )
        pending = pending[cut:]
