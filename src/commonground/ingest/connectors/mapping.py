"""Declarative mappings for partners' own CSV/XLSX exports, and a suggester for the mapping wizard.

A mapping file (YAML)::

    table: person
    id_column: Student ID            # shorthand for columns.source_person_id
    columns: {first_name: First Name, last_name: Last Name, birth_date: DOB, sex: Gender, race_ethnicity: Race}
    value_maps: {sex: {M: male, Boy: male, F: female}, race_ethnicity: {B: Black or African American}}
    date_formats: {birth_date: ["%m/%d/%Y", "%Y-%m-%d"]}
    constants: {source_org: afterschool}
    sheet: Roster                    # XLSX only; default the first sheet
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .canonical import SCHEMAS, data_field_names


class MappingError(ValueError):
    """A mapping file that cannot be used; the message says which key is wrong."""


@dataclass
class Mapping:
    """A validated tabular mapping (canonical field → the partner's header)."""

    table: str
    columns: dict[str, str]
    value_maps: dict[str, dict[str, str]] = field(default_factory=dict)
    date_formats: dict[str, list[str]] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    sheet: str | None = None
    delimiter: str | None = None


def _str_dict(value: object, key: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MappingError(f"{key} must be a mapping of names to values, got {type(value).__name__}")
    return {str(k): v for k, v in value.items()}


def mapping_from_dict(data: object) -> Mapping:
    """Validate plain data (as loaded from YAML) into a :class:`Mapping`."""
    if not isinstance(data, dict):
        raise MappingError("a mapping file must be a YAML mapping with at least 'table' and 'columns'")
    unknown = set(data) - {
        "table",
        "columns",
        "value_maps",
        "date_formats",
        "constants",
        "id_column",
        "sheet",
        "delimiter",
    }
    if unknown:
        raise MappingError(f"unknown key(s) in mapping: {', '.join(sorted(map(str, unknown)))}")
    table = data.get("table")
    if table not in SCHEMAS:
        raise MappingError(f"table must be one of {', '.join(sorted(SCHEMAS))}; got {table!r}")
    allowed = set(data_field_names(str(table)))
    columns = {k: str(v) for k, v in _str_dict(data.get("columns"), "columns").items()}
    if data.get("id_column"):
        columns.setdefault(
            "source_person_id"
            if "source_person_id" in allowed
            else next(iter(k for k in allowed if k.endswith("_id"))),
            str(data["id_column"]),
        )
    constants = _str_dict(data.get("constants"), "constants")
    for key in (*columns, *constants):
        if key not in allowed:
            raise MappingError(f"{key!r} is not a field of {table}; fields: {', '.join(sorted(allowed))}")
    value_maps = {
        k: {str(a): str(b) for a, b in _str_dict(v, f"value_maps.{k}").items()}
        for k, v in _str_dict(data.get("value_maps"), "value_maps").items()
    }
    date_formats: dict[str, list[str]] = {}
    for key, formats in _str_dict(data.get("date_formats"), "date_formats").items():
        formats = [formats] if isinstance(formats, str) else formats
        if not isinstance(formats, list) or not all(isinstance(f, str) and "%" in f for f in formats):
            raise MappingError(f"date_formats.{key} must be a list of strptime patterns such as '%m/%d/%Y'")
        date_formats[key] = formats
    delimiter = data.get("delimiter")
    if delimiter is not None and delimiter not in (",", ";", "\t", "|"):
        raise MappingError("delimiter must be one of , ; TAB |")
    return Mapping(
        str(table),
        columns,
        value_maps,
        date_formats,
        constants,
        str(data["sheet"]) if data.get("sheet") else None,
        delimiter,
    )


def load_mapping(source: Path | str) -> Mapping:
    """Load a mapping from a YAML file path or YAML text."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MappingError(f"the mapping is not valid YAML: {exc}") from exc
    return mapping_from_dict(data)


def normalize_header(text: str) -> str:
    """Lower case, no BOM, punctuation and runs of spaces collapsed: ``" First_Name "`` → ``"first name"``."""
    text = text.lstrip("\ufeff").strip().lower()
    text = re.sub(r"[_\-./#()]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


#: Common spellings of canonical fields in partner exports (normalized), most specific first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "source_person_id": (
        "student id",
        "studentid",
        "student number",
        "student no",
        "stu id",
        "participant id",
        "person id",
        "local id",
        "id",
        "student unique id",
        "client id",
        "member id",
    ),
    "first_name": ("first name", "firstname", "given name", "first", "fname", "student first name", "nombre"),
    "middle_name": ("middle name", "middle", "middle initial", "mi"),
    "last_name": (
        "last name",
        "lastname",
        "surname",
        "family name",
        "last",
        "lname",
        "student last name",
        "apellido",
    ),
    "preferred_first_name": ("preferred name", "nickname", "preferred first name", "goes by"),
    "birth_date": (
        "birth date",
        "birthdate",
        "date of birth",
        "dob",
        "birthday",
        "d o b",
        "fecha de nacimiento",
    ),
    "sex": ("sex", "gender", "birth sex"),
    "race_ethnicity": ("race ethnicity", "race and ethnicity", "ethnicity race", "race", "ethnicity"),
    "address": ("address", "street address", "street", "address 1", "address1", "home address"),
    "city": ("city", "town"),
    "state": ("state", "st"),
    "postal_code": ("zip", "zip code", "zipcode", "postal code", "postcode"),
    "phone": ("phone", "phone number", "telephone", "mobile", "cell", "parent phone", "guardian phone"),
    "email": ("email", "e mail", "email address"),
    "school_id": ("school id", "school code", "school number", "school"),
    "grade_level": ("grade", "grade level", "gr", "current grade"),
    "date": ("date", "service date", "contact date", "event date", "attendance date", "session date"),
    "minutes": ("minutes", "duration minutes", "mins", "duration"),
    "service_type": ("service", "service type", "activity", "program activity"),
    "staff_role": ("staff role", "role", "staff"),
    "program": ("program", "program name"),
    "begin_date": ("begin date", "start date", "enrolled", "enrollment date", "start"),
    "end_date": ("end date", "exit date", "end", "withdrawn"),
    "category": ("category", "attendance code", "status", "code"),
    "days_enrolled": ("days enrolled", "enrolled days", "days in membership", "membership days"),
    "days_absent": ("days absent", "absences", "absent days", "total absences"),
}


def suggest_mapping(headers: list[str], table: str) -> dict[str, Any]:
    """Propose ``{"table", "columns", "unmapped"}`` from a file's headers (for the mapping wizard).

    Example:
        >>> suggest_mapping(["Student ID", "First Name", "Surname", "DOB"], "person")["columns"]
        {'source_person_id': 'Student ID', 'first_name': 'First Name', 'last_name': 'Surname', 'birth_date': 'DOB'}
    """
    fields = data_field_names(table)
    normalized = {normalize_header(h): h for h in headers}
    columns: dict[str, str] = {}
    used: set[str] = set()
    for name in fields:
        candidates = (normalize_header(name), *SYNONYMS.get(name, ()))
        for candidate in candidates:
            header = normalized.get(candidate)
            if header is not None and header not in used:
                columns[name] = header
                used.add(header)
                break
    return {"table": table, "columns": columns, "unmapped": [h for h in headers if h not in used]}
