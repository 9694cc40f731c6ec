"""Streaming file writers (CSV, XML text, Parquet) and the register of written files for community.json."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

EDFI_NS = "http://ed-fi.org/5.2.0"  # as in the Ed-Fi Data Standard 5.2 sample files


@dataclass
class FileEntry:
    """One written file as described in community.json (sha256 is filled in at the end)."""

    path: str
    organization: str
    system: str
    format: str
    encoding: str | None
    dataset: str
    rows: int = 0

    def manifest(self, root: Path) -> dict[str, Any]:
        """The community.json ``files`` entry, with the file's SHA-256."""
        digest = hashlib.sha256()
        with open(root / self.path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 22), b""):
                digest.update(block)
        return {"path": self.path, "organization": self.organization, "system": self.system,
                "format": self.format, "encoding": self.encoding, "dataset": self.dataset, "rows": self.rows,
                "sha256": digest.hexdigest()}  # fmt: skip


class Register:
    """Every file the generator writes, in the order written."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.entries: list[FileEntry] = []

    def add(
        self, path: str, organization: str, system: str, fmt: str, encoding: str | None, dataset: str
    ) -> FileEntry:
        """Record a file and make its folder."""
        (self.root / path).parent.mkdir(parents=True, exist_ok=True)
        entry = FileEntry(path, organization, system, fmt, encoding, dataset)
        self.entries.append(entry)
        return entry


class CsvSink:
    """A CSV file written row by row with the csv module (LF line ends, minimal quoting)."""

    def __init__(self, entry: FileEntry, root: Path, header: Sequence[str], encoding: str = "utf-8") -> None:
        self.entry = entry
        self._fh: IO[str] = open(root / entry.path, "w", encoding=encoding, newline="")  # noqa: SIM115
        self._w = csv.writer(self._fh, lineterminator="\n")
        self._w.writerow(header)

    def rows(self, rows: Iterable[Sequence[Any]]) -> None:
        """Append rows."""
        rows = list(rows)
        self._w.writerows(rows)
        self.entry.rows += len(rows)

    def close(self) -> None:
        """Flush and close."""
        self._fh.close()


class XmlSink:
    """An Ed-Fi XML interchange written as text, element by element."""

    def __init__(self, entry: FileEntry, root: Path, interchange: str, xsd: str) -> None:
        self.entry = entry
        self._fh: IO[str] = open(root / entry.path, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        self._fh.write(
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            f'<{interchange} xmlns="{EDFI_NS}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{EDFI_NS} ../../Schemas/Bulk/{xsd}">\n'
        )
        self._close = f"</{interchange}>\n"

    def write(self, elements: Iterable[str], count: int) -> None:
        """Append already formatted elements; ``count`` of them are records."""
        self._fh.write("".join(elements))
        self.entry.rows += count

    def close(self) -> None:
        """Write the closing tag and close."""
        self._fh.write(self._close)
        self._fh.close()


class ParquetSink:
    """A Parquet file written one row group per chunk (zstd, no statistics-dependent timestamps)."""

    def __init__(self, entry: FileEntry, root: Path, schema: pa.Schema) -> None:
        self.entry = entry
        self._w = pq.ParquetWriter(root / entry.path, schema, compression="zstd")
        self.schema = schema

    def write(self, columns: dict[str, Any]) -> None:
        """Append one table made from the given columns."""
        table = pa.table(
            {f.name: pa.array(columns[f.name], type=f.type) for f in self.schema}, schema=self.schema
        )
        self._w.write_table(table)
        self.entry.rows += table.num_rows

    def close(self) -> None:
        """Finish the file."""
        self._w.close()


_HEX = np.array([f"{i:02X}".encode() for i in range(256)], dtype="S2")


def uuid_strings(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random upper-case GUID strings (8-4-4-4-12), vectorized; returns a numpy bytes array."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    hexed = _HEX[raw].view(np.uint8).reshape(n, 32)
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    for src, dst, width in ((0, 0, 8), (8, 9, 4), (12, 14, 4), (16, 19, 4), (20, 24, 12)):
        out[:, dst : dst + width] = hexed[:, src : src + width]
    return out.view("S36").ravel()
