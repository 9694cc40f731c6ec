"""A block of a partner's CSV, parsed by pyarrow, converted to canonical columns without a loop per row.

Columns that need converting (dates, numbers, codes, value maps) arrive dictionary-encoded, so each distinct
raw value is converted once by :meth:`~.tabular_columns.Column.outcome` (the same code the exact path runs per
cell) and the results are gathered with ``take``. Plain text columns are only trimmed and checked for
formula-like first characters, on the raw buffers. Errors and warnings are located by each row's line number
and added in the order the exact path would add them (by line, then by column, warnings before errors).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import canonical
from .csvblocks import ArrowBlock
from .report import ParseResult
from .sink import constant_column, constant_dictionary
from .tabular_columns import FORMULA_EXPECTED, Column
from .values import looks_like_formula

#: First bytes that may start a formula-like value: = + - @ TAB CR.
_FORMULA_FIRST = np.zeros(256, dtype=bool)
_FORMULA_FIRST[[ord(c) for c in "=+-@\t\r"]] = True
#: Bytes that may start or end text that trimming changes: ASCII controls and space, and any non-ASCII byte
#: (a UTF-8 sequence that may be a Unicode space).
_MAYBE_SPACE = np.zeros(256, dtype=bool)
_MAYBE_SPACE[:33] = True
_MAYBE_SPACE[128:] = True

_NOTHING = np.zeros(1, dtype=np.uint8)

Issue = tuple[int, int, int, str, str, str | None, str]


def _edges(array: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First byte, last byte and byte length of each value of a string array (length 0 for empty or null)."""
    n = len(array)
    buffers = array.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32)[array.offset : array.offset + n + 1]
    data = (
        np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None and buffers[2].size else _NOTHING
    )
    length = np.diff(offsets)
    if array.null_count:
        length[~np.asarray(array.is_valid())] = 0
    top = len(data) - 1
    first = data[np.minimum(offsets[:-1], top)]
    last = data[np.clip(offsets[1:] - 1, 0, top)]
    return first, last, length


def _maybe_blank(array: pa.Array) -> np.ndarray:
    """True where a value is empty, null, or might be only white space."""
    if isinstance(array, pa.DictionaryArray):
        per_value = _maybe_blank(array.dictionary)
        indices = np.asarray(array.indices.fill_null(len(per_value)))
        return np.append(per_value, True)[indices]
    first, _last, length = _edges(array)
    return (length == 0) | _MAYBE_SPACE[first]


def _never_blank(column: pa.ChunkedArray) -> bool:
    """A dictionary-encoded column without nulls whose values all start with a visible character."""
    return column.null_count == 0 and all(
        isinstance(c, pa.DictionaryArray) and not _maybe_blank(c.dictionary).any() for c in column.chunks
    )


def blank_rows(table: pa.Table) -> np.ndarray:
    """Rows whose every field is empty or white space (skipped, as the exact path skips them)."""
    if any(_never_blank(column) for column in table.columns):  # cheap, and the usual answer
        return np.zeros(table.num_rows, dtype=bool)
    maybe = np.ones(table.num_rows, dtype=bool)
    for column in table.columns:
        if column.num_chunks:
            maybe &= np.concatenate([_maybe_blank(c) for c in column.chunks])
        if not maybe.any():
            return maybe
    for row in np.flatnonzero(maybe):
        fields = [table.column(i)[int(row)].as_py() or "" for i in range(table.num_columns)]
        maybe[row] = not any(f.strip() for f in fields)
    return maybe


def _plain(column: Column, array: pa.Array, lines: np.ndarray, issues: list[Issue]) -> pa.Array:
    """Trimmed text, empty → null; formula-like values reported."""
    if isinstance(array, pa.DictionaryArray):
        array = array.cast(pa.string())
    first, last, length = _edges(array)
    for row in np.flatnonzero(_FORMULA_FIRST[first] & (length > 0)):
        raw = array[int(row)].as_py()
        if looks_like_formula(raw):
            issues.append(
                (int(lines[row]), column.order, 0, "formula-like-value", column.label, raw, FORMULA_EXPECTED)
            )
    edges = (length > 0) & (_MAYBE_SPACE[first] | _MAYBE_SPACE[last])
    if not edges.any():
        return array
    trimmed = pc.utf8_trim_whitespace(array)
    empty = pc.equal(pc.binary_length(trimmed), 0)
    return pc.if_else(empty, pa.scalar(None, pa.string()), trimmed) if pc.any(empty).as_py() else trimmed


def _coded(column: Column, array: pa.Array, lines: np.ndarray, issues: list[Issue]) -> pa.Array:
    """Each distinct raw value converted once, then gathered for every row (text stays dictionary-encoded)."""
    if not isinstance(array, pa.DictionaryArray):
        array = pc.dictionary_encode(array)
    raws = array.dictionary.to_pylist()
    outcomes = [column.outcome(r) for r in raws]
    indices = np.asarray(array.indices.fill_null(len(raws)))
    bad = np.array([o[1] is not None for o in outcomes] + [False])
    formula = np.array([o[2] for o in outcomes] + [False])
    for row in np.flatnonzero(formula[indices] | bad[indices]):
        index = int(indices[row])
        raw, (_value, code, is_formula) = raws[index], outcomes[index]
        line = int(lines[row])
        if is_formula:
            issues.append((line, column.order, 0, "formula-like-value", column.label, raw, FORMULA_EXPECTED))
        if code is not None:
            issues.append((line, column.order, 1, code, column.label, raw, column.expected))
    if pa.types.is_string(column.typ):
        # Few distinct values: keep them as a dictionary, which the Parquet writer stores without hashing again.
        codes: dict[Any, int] = {}
        lut = np.array(
            [codes.setdefault(o[0], len(codes)) if o[0] is not None else -1 for o in outcomes] + [-1]
        )
        mapped = lut[indices].astype(np.int32)
        valid = mapped >= 0
        index_array = (
            pa.array(mapped, pa.int32(), mask=~valid) if not valid.all() else pa.array(mapped, pa.int32())
        )
        return pa.DictionaryArray.from_arrays(index_array, pa.array(list(codes), pa.string()))
    values = pa.array([o[0] for o in outcomes] + [None], column.typ)
    return values.take(pa.array(indices, pa.int32()))


def _convert(
    column: Column, chunked: pa.ChunkedArray, lines: np.ndarray, issues: list[Issue]
) -> pa.ChunkedArray:
    parts = []
    start = 0
    for chunk in chunked.chunks:
        at = lines[start : start + len(chunk)]
        parts.append(_plain(column, chunk, at, issues) if column.plain else _coded(column, chunk, at, issues))
        start += len(chunk)
    if not parts:
        return pa.chunked_array([], column.typ)
    return pa.chunked_array(parts)


def convert_block(
    block: ArrowBlock,
    columns: list[Column],
    constants: dict[str, Any],
    table: str,
    file: str,
    result: ParseResult,
) -> pa.Table:
    """The block as canonical rows (blank rows dropped; text may be dictionary-encoded); issues added to ``result``.

    Columns keep pyarrow's chunks, so nothing is copied to join them.
    """
    data = block.table
    blank = blank_rows(data)
    lines = block.lines
    issues: list[Issue] = []
    converted = {c.name: _convert(c, data.column(c.pos), lines, issues) for c in columns}
    if blank.any():
        dropped = set(lines[blank].tolist())
        issues = [i for i in issues if i[0] not in dropped]
    issues.sort(key=lambda i: (i[0], i[1], i[2]))
    for line, _order, kind, code, label, raw, expected in issues:
        (result.warning if kind == 0 else result.error)(code, file, line, label, raw, expected)
    rows = data.num_rows
    arrays: list[pa.ChunkedArray | pa.Array] = []
    fields = []
    for f in canonical.schema(table):
        if f.name in converted:
            array: pa.ChunkedArray | pa.Array = converted[f.name]
        elif f.name == "source_line":
            array = pa.array(lines, pa.int32())
        elif pa.types.is_string(f.type) and constants.get(f.name) is not None:
            array = constant_dictionary(str(constants[f.name]), rows)
        else:
            array = constant_column(constants.get(f.name), f.type, rows)
        arrays.append(array)
        fields.append(pa.field(f.name, array.type))
    out = pa.Table.from_arrays(arrays, schema=pa.schema(fields))
    return out.filter(pa.array(~blank)) if blank.any() else out
