"""Recognise the columns of a file of people by their headers, and read its birth dates in whatever layout.

Headers are compared in a compact form (lower case, no spaces or punctuation), so ``" Pt First "``,
``"given_name"`` and ``"Given Name"`` all work. An address may be spread over several columns (street number,
address lines); they are joined in file order. Overrides (``--columns``) win over detection.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pyarrow as pa

from .files import InputError, RawTable

#: Field → compact header spellings, most specific first.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("recid", "recordid", "sourcedid", "studentuniqueid", "participantid", "personalid", "personid",
           "menteeid", "clientid", "patientid", "mrn", "studentid", "uniqueid", "uid", "id"),
    "first_name": ("firstname", "givenname", "givennames", "forename", "ptfirst", "studentfirstname",
                   "childfirstname", "fname", "first", "given", "nombre"),
    "middle_name": ("middlename", "middlenames", "secondname", "middleinitial", "middle", "mi"),
    "last_name": ("lastname", "surname", "familyname", "lastsurname", "ptlast", "studentlastname",
                  "childlastname", "lname", "last", "apellidos", "apellido"),
    "birth_date": ("dateofbirth", "birthdate", "dob", "birthday", "bdate", "fechadenacimiento"),
    "sex": ("sex", "gender", "birthsex"),
    "address": ("streetnumber", "housenumber", "streetno", "address", "streetaddress", "homeaddress",
                "address1", "addressline1", "address2", "addressline2", "street", "streetname", "addr"),
    "city": ("city", "suburb", "town", "locality"),
    "state": ("state", "province", "region"),
    "postal_code": ("postcode", "postalcode", "zipcode", "zip", "zip5"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "homephone", "mobile", "cell", "guardianphone",
              "parentphone", "phone1"),
    "email": ("email", "emailaddress"),
    "national_id": ("socsecid", "ssn", "socialsecuritynumber", "nationalid", "statestudentid", "stateid",
                    "ssid", "medicaidid", "localid"),
    "school_id": ("schoolname", "school", "schoolid", "schoolcode"),
    "grade_level": ("gradelevel", "grade", "grd", "currentgrade"),
}  # fmt: skip
FIELDS = tuple(SYNONYMS)
#: Fields that may take several columns (joined with a space).
MULTI = frozenset({"address"})
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%m-%d-%Y", "%d-%m-%Y", "%d.%m.%Y",
                "%m/%d/%y", "%d/%m/%y")  # fmt: skip
_HINTS = {"mdy": ("%m/%d/%Y", "%m-%d-%Y", "%m/%d/%y"), "dmy": ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"),
          "ymd": ("%Y%m%d", "%Y-%m-%d", "%Y/%m/%d")}  # fmt: skip
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def compact(header: str) -> str:
    """``" DOB (M/D/YYYY) "`` → ``"dobmdyyyy"``."""
    return _NON_ALNUM.sub("", header.lstrip("\ufeff").strip().lower())


def _matches(field_name: str, key: str, synonym: str) -> bool:
    if key == synonym:
        return True
    # A date of birth header often carries its layout: "DOB (M/D/YYYY)", "Date of birth dd/mm/yyyy".
    return (
        field_name == "birth_date"
        and key.startswith(synonym)
        and bool(re.fullmatch(r"[dmy]*", key[len(synonym) :]))
    )


def detect_columns(headers: list[str], overrides: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Field → the headers holding it; ``overrides`` (field → headers) replace what detection found.

    Example:
        >>> detect_columns([" Pt First", "Surname", "DOB (M/D/YYYY)", "Participant ID"])["first_name"]
        [' Pt First']
    """
    overrides = overrides or {}
    taken = {h for hs in overrides.values() for h in hs}
    found: dict[str, list[str]] = {k: list(v) for k, v in overrides.items()}
    for name, synonyms in SYNONYMS.items():
        if name in found:
            continue
        for synonym in synonyms:
            hits = [h for h in headers if h not in taken and _matches(name, compact(h), synonym)]
            if hits:
                found[name] = (
                    [h for h in headers if h not in taken and compact(h) in synonyms]
                    if name in MULTI
                    else hits[:1]
                )
                taken.update(found[name])
                break
    return found


def _hint(header: str) -> tuple[str, ...] | None:
    key = compact(header)
    for order, formats in _HINTS.items():
        pattern = {"mdy": r"m+d+y+", "dmy": r"d+m+y+", "ymd": r"y+m+d+"}[order]
        if re.search(pattern + "$", key):
            return formats
    return None


@dataclass
class DateReading:
    """Birth dates read from one column: the values, the layout chosen, and what was doubtful."""

    values: list[dt.date | None]
    layout: str | None
    failed: int = 0
    ambiguous: bool = False
    examples: list[str] = field(default_factory=list)


def _try(text: str, fmt: str) -> dt.date | None:
    try:
        value = dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date has no time zone
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def read_dates(texts: list[str | None], header: str = "") -> DateReading:
    """Read a column of dates, choosing the layout that reads the most values (a header hint decides ties).

    ``3/4/2012`` alone is ambiguous; one ``13/4/2012`` in the column settles it as day/month. When nothing
    settles it, month/day (the US layout) is used and ``ambiguous`` is set.
    """
    distinct = sorted({t.split(" ")[0].split("T")[0] for t in texts if t})
    hinted = _hint(header)
    candidates = list(hinted or ()) + [f for f in DATE_FORMATS if not hinted or f not in hinted]
    sample = distinct[:5000]
    scores = {fmt: sum(_try(t, fmt) is not None for t in sample) for fmt in candidates}
    best = max(candidates, key=lambda f: scores[f]) if candidates else None
    if best is None or scores[best] == 0:
        return DateReading([None] * len(texts), None, sum(1 for t in texts if t), examples=distinct[:3])
    swapped = {"%m/%d/%Y": "%d/%m/%Y", "%d/%m/%Y": "%m/%d/%Y", "%m-%d-%Y": "%d-%m-%Y", "%d-%m-%Y": "%m-%d-%Y"}
    twin = swapped.get(best)
    ambiguous = hinted is None and twin is not None and scores.get(twin, 0) == scores[best]
    if ambiguous:
        best = best if best.startswith("%m") else str(twin)
    lookup = {t: _try(t, best) for t in distinct}
    values = [lookup.get(t.split(" ")[0].split("T")[0]) if t else None for t in texts]
    bad = [t for t in distinct if lookup[t] is None]
    return DateReading(values, best, sum(1 for t in texts if t and lookup.get(t.split(" ")[0].split("T")[0]) is None),
                       ambiguous, bad[:3])  # fmt: skip


def people_table(
    raw: RawTable, columns: dict[str, list[str]], id_header: str | None
) -> tuple[pa.Table, list[str]]:
    """Canonical person columns + ``unique_id`` from a file; returns the table and plain-language warnings."""
    warnings: list[str] = list(raw.notes)
    index = {h: i for i, h in enumerate(raw.headers)}
    missing = [h for hs in columns.values() for h in hs if h not in index]
    if id_header and id_header not in index:
        missing.append(id_header)
    if missing:
        raise InputError(f"{raw.name}: no column named {missing[0]!r} (columns: {', '.join(raw.headers)})")
    lacking = [
        what
        for what, ok in (
            ("a first name or surname", columns.get("first_name") or columns.get("last_name")),
            ("a date of birth", columns.get("birth_date")),
        )
        if not ok
    ]
    if lacking:
        need = ", nor as ".join(lacking)
        raise InputError(f"{raw.name}: no column recognisable as {need} (columns: {', '.join(raw.headers)}); "
                         "name it with --columns, e.g. --columns first_name=Given,birth_date=DOB")  # fmt: skip

    def col(name: str) -> list[str | None]:
        heads = columns.get(name) or []
        if not heads:
            return [None] * raw.rows
        parts = [raw.columns[index[h]] for h in heads]
        return [" ".join(p for p in cells if p) or None for cells in zip(*parts, strict=True)]

    ids = raw.columns[index[id_header]] if id_header else [str(i + 1) for i in range(raw.rows)]
    if not id_header:
        warnings.append(
            f"{raw.name}: no record id column recognised; records are numbered 1, 2, 3 … in file order"
        )
    blank = sum(1 for i in ids if i is None)
    if blank:
        raise InputError(f"{raw.name}: {blank} record(s) have no id in column {id_header!r}")
    seen: dict[str, int] = {}
    for row, value in enumerate(ids, start=2):
        if value in seen:
            raise InputError(f"{raw.name}: id {value!r} repeats (rows {seen[value]} and {row}); each record needs its "
                             "own id — choose another column with --id")  # fmt: skip
        seen[str(value)] = row
    dob_header = columns["birth_date"][0]
    dates = read_dates(col("birth_date"), dob_header)
    if dates.layout is None:
        found = f"found {', '.join(repr(e) for e in dates.examples)}" if dates.examples else "it is empty"
        raise InputError(
            f"{raw.name}: column {dob_header!r} holds no dates in a known layout such as 2012-04-03, 20120403 or "
            f"4/3/2012 ({found})"
        )
    if dates.ambiguous:
        warnings.append(
            f"{raw.name}: dates in {dob_header!r} read as month/day/year; day/month would fit too"
        )
    if dates.failed:
        warnings.append(f"{raw.name}: {dates.failed} date(s) in {dob_header!r} are not {dates.layout} dates and "
                        f"are treated as unknown (e.g. {', '.join(dates.examples)})")  # fmt: skip
    table = {"unique_id": pa.array(ids, pa.string()), "birth_date": pa.array(dates.values, pa.date32())}
    for name in FIELDS:
        if name not in ("id", "birth_date"):
            table[name] = pa.array(col(name), pa.string())
    return pa.table(table), warnings
