"""OneRoster 1.1 / 1.2 CSV (folder or zip) → canonical ``person``, ``organization``, ``school``, ``enrollment``.

- ``manifest.csv`` is honoured: ``file.X`` = ``bulk`` | ``delta`` | ``absent``. Delta rows keep their ``status``
  and ``dateLastModified`` (``record_status``/``date_last_modified``); ``tobedeleted`` rows become tombstones.
- Students (role ``student`` in ``users.csv``, or in ``roles.csv`` for 1.2) become ``person`` rows, joined with
  ``demographics.csv`` (birth date, sex, and the race/ethnicity flags rolled up into one ``race_ethnicity``
  value: :mod:`.oneroster_race`). Teachers and other roles are counted, not kept.
- ``enrollments.csv`` (student × class) is rolled up to ``enrollment`` (student × school × school year), with the
  school year taken from the class's terms (``academicSessions.csv``), then the course, then the dates.
- ``users.csv`` and ``enrollments.csv`` are streamed row by row (:mod:`.oneroster_stream`); the other files are
  small and read whole.

Example:
    >>> result = parse_oneroster(Path("tests/fixtures/oneroster-1.1-grand-bend"), source_org="district")
    >>> result.rows()["person"]
    8
"""

from __future__ import annotations

from pathlib import Path

from .oneroster_build import build
from .oneroster_context import Ctx
from .oneroster_files import FileRows, Row, dedupe, read_file
from .oneroster_specs import SPECS
from .oneroster_stream import STREAMED, StatusCheck
from .report import ParseResult
from .sources import Source, SourceError, ZipLimits, open_source
from .textio import csv_records
from .validate import validate_result

MODES = ("bulk", "delta", "absent")
#: The canonical tables a OneRoster file's rows become: a ``delta`` file makes them deltas of the roster.
DELTA_TABLES = {"orgs": ("organization", "school"), "users": ("person",), "enrollments": ("enrollment",)}


def parse_oneroster(
    path: Path | list[Path],
    source_org: str,
    *,
    zip_limits: ZipLimits | None = None,
    validate: bool = True,
    result: ParseResult | None = None,
) -> ParseResult:
    """Parse a OneRoster CSV export (a folder, a zip, or the list of its files).

    Pass ``result`` (for example one streaming into a :class:`~.sink.ParquetSink`) to fill it.
    """
    result = ParseResult() if result is None else result
    label = path[0].name if isinstance(path, list) and path else getattr(path, "name", "input")
    try:
        source = open_source(path, zip_limits)
    except SourceError as exc:
        result.error(exc.code, exc.member or label, None, None, exc.member, exc.message)
        return result.finish()
    try:
        ctx = Ctx(source_org, result, source)
        _read_all(source, ctx)
        build(ctx)  # users.csv and enrollments.csv stream from the open source as they are built
    except SourceError as exc:
        result.error(exc.code, exc.member or source.label, None, None, exc.member, exc.message)
        return result.finish()
    finally:
        source.close()
    result.delta_tables |= {
        table for spec, mode in ctx.modes.items() if mode == "delta" for table in DELTA_TABLES.get(spec, ())
    }
    if validate:
        validate_result(result, references=False)
    return result.finish()


def _read_manifest(source: Source, ctx: Ctx) -> None:
    name = source.find("manifest.csv")
    result = ctx.result
    if name is None:
        result.warning(
            "missing-manifest",
            source.label,
            None,
            None,
            None,
            "a manifest.csv; every OneRoster file present is read as bulk",
        )
        for spec in SPECS:
            if source.find(f"{spec}.csv"):
                ctx.modes[spec] = "bulk"
        return
    with source.open(name) as raw:
        records = list(csv_records(raw, name, result, delimiter=","))
    props: dict[str, tuple[int, str]] = {}
    for line, fields in records[1:]:
        if len(fields) >= 2:
            props[fields[0].strip()] = (line, fields[1].strip())
    version = props.get("oneroster.version", (0, ""))[1]
    if version not in ("1.1", "1.2"):
        result.warning(
            "unknown-version",
            name,
            props.get("oneroster.version", (None, ""))[0],
            "value",
            version,
            "oneroster.version 1.1 or 1.2; read as 1.1/1.2 anyway",
        )
    for key, (line, value) in props.items():
        if not key.startswith("file."):
            continue
        mode = value.lower()
        if mode not in MODES:
            result.error("bad-manifest", name, line, "value", value, "bulk, delta or absent")
            continue
        if key[5:] in SPECS:
            ctx.modes[key[5:]] = mode
    for spec, mode in list(ctx.modes.items()):
        present = source.find(f"{spec}.csv")
        if mode != "absent" and present is None:
            result.error(
                "missing-file",
                f"{spec}.csv",
                None,
                None,
                None,
                f"the file, because manifest.csv says file.{spec} is {mode}",
            )
            del ctx.modes[spec]
        elif mode == "absent" and present is not None:
            result.warning(
                "unexpected-file",
                present,
                None,
                None,
                None,
                f"no {spec}.csv, because manifest.csv says absent; the file is ignored",
            )
    for spec in SPECS:
        if spec not in ctx.modes and source.find(f"{spec}.csv"):
            result.warning(
                "unlisted-file", f"{spec}.csv", None, None, None, f"file.{spec} in manifest.csv; read as bulk"
            )
            ctx.modes[spec] = "bulk"


def _read_all(source: Source, ctx: Ctx) -> None:
    _read_manifest(source, ctx)
    for spec_name, mode in ctx.modes.items():
        if mode == "absent" or spec_name in STREAMED:
            continue
        name = source.find(f"{spec_name}.csv")
        assert name is not None  # noqa: S101 - _read_manifest dropped modes whose file is missing
        with source.open(name) as raw:
            rows = read_file(raw, SPECS[spec_name], name, ctx.result)
        if rows is None:
            continue
        ctx.files[spec_name] = rows
        ctx.rows[spec_name] = _check_status(rows, mode, ctx.result)


def _check_status(rows: FileRows, mode: str, result: ParseResult) -> list[Row]:
    check = StatusCheck(rows, mode, result)
    rows.rows = [r for r in rows.rows if check.keep(r)]
    check.finish()
    return dedupe(rows, result)
