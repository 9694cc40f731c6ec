"""Ad-hoc linkage of files a steward has at hand: column overrides, loading, and writing the results."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from .columns import FIELDS, detect_columns, people_table
from .files import InputError, read_people_file


@dataclass
class LoadedFile:
    """One file of people ready for the engine, with the columns used and what the steward should know."""

    path: Path
    table: pa.Table
    columns: dict[str, list[str]]
    id_header: str | None
    warnings: list[str]


def parse_overrides(values: list[str]) -> dict[str, list[str]]:
    """``--columns`` values: a JSON object, or ``field=Header`` pairs separated by commas (``+`` joins headers).

    >>> parse_overrides(["first_name=Given, address=Street No+Address 1"])
    {'first_name': ['Given'], 'address': ['Street No', 'Address 1']}
    """
    out: dict[str, list[str]] = {}
    for value in values:
        text = value.strip()
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as exc:
                raise InputError(f"--columns is not valid JSON ({exc.msg} at character {exc.pos})") from None
            if not isinstance(data, dict):
                raise InputError('--columns JSON must be an object such as {"first_name": "Given"}')
            pairs = [(str(k), v if isinstance(v, list) else [v]) for k, v in data.items()]
        else:
            pairs = []
            for item in filter(None, (p.strip() for p in text.split(","))):
                field, sep, header = item.partition("=")
                if not sep or not header.strip():
                    raise InputError(f"--columns expects field=Header, got {item!r}")
                pairs.append((field.strip(), [h.strip() for h in header.split("+")]))
        for field, headers in pairs:
            if field not in FIELDS:
                raise InputError(f"--columns: unknown field {field!r}; known fields: {', '.join(FIELDS)}")
            out[field] = [str(h) for h in headers]
    return out


def _for_file(overrides: dict[str, list[str]], headers: list[str]) -> dict[str, list[str]]:
    """The overrides whose headers this file has (headers compared without surrounding spaces)."""
    stripped = {h.strip(): h for h in headers}
    out = {}
    for field, wanted in overrides.items():
        found = [stripped[w.strip()] for w in wanted if w.strip() in stripped]
        if found:
            out[field] = found
    return out


def load(path: Path, overrides: dict[str, list[str]], id_header: str | None = None) -> LoadedFile:
    """Read a file of people, detect its columns (overrides first) and build the engine's input table."""
    raw = read_people_file(path)
    mine = _for_file(overrides, raw.headers)
    columns = detect_columns(raw.headers, mine)
    if id_header is not None:
        matches = [h for h in raw.headers if h.strip() == id_header.strip()]
        if not matches:
            raise InputError(
                f"{raw.name}: no column named {id_header!r} for --id (columns: {', '.join(raw.headers)})"
            )
        chosen: str | None = matches[0]
    else:
        detected = columns.get("id")
        chosen = detected[0] if detected else None
    columns.pop("id", None)
    table, warnings = people_table(raw, columns, chosen)
    if table.num_rows == 1:
        warnings.append(f"{raw.name} has only one record: nothing can be learned from it alone, so the model "
                        "leans on the template's values")  # fmt: skip
    return LoadedFile(path, table, columns, chosen, warnings)


def check_overrides_used(overrides: dict[str, list[str]], files: list[LoadedFile]) -> None:
    """An override naming a header that no file has is a typo: say so rather than ignore it."""
    for field, wanted in overrides.items():
        for header in wanted:
            used = [
                {h.strip() for hs in f.columns.values() for h in hs} | {(f.id_header or "").strip()}
                for f in files
            ]
            if not any(header.strip() in names_used for names_used in used):
                names = ", ".join(f.path.name for f in files)
                raise InputError(f"--columns {field}={header}: no column named {header!r} in {names}")


def write_pairs(path: Path, rows: list[tuple[str, str, float]]) -> None:
    """``left_id,right_id,match_probability`` (probability to six decimals)."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["left_id", "right_id", "match_probability"])
        out.writerows((a, b, f"{p:.6f}") for a, b, p in rows)


def write_clusters(path: Path, clusters: pa.Table) -> None:
    """``id,cluster_id`` for every record."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["id", "cluster_id"])
        out.writerows(
            zip(clusters.column("id").to_pylist(), clusters.column("cluster_id").to_pylist(), strict=True)
        )
