"""Reading a CSV of consents collected on paper.  Django-free: returns rows and row-level errors.

One row per signed form.  Columns (header names, any order; extra columns are refused so a typo is not lost):

=================  ========  ==========================================================================
column             required  meaning
=================  ========  ==========================================================================
student_id         yes       the student's id in the source organization's records
student_name       yes       the student's name as written on the form
signer_name        yes       who signed
relationship       yes       ``parent`` or ``eligible_student`` (18 or older)
signed_on          yes       date of the signature, ``YYYY-MM-DD`` or ``MM/DD/YYYY``
elements           yes       records that may be disclosed: ``table.column`` separated by ``;``
purpose            yes       the purpose, as written on the form
purpose_category   yes       ``direct_services``, ``school_official``, ``study``, ``audit_evaluation``...
form_reference     yes       where the signed paper form is kept (scan id, binder and page)
recipients         one of    organization slugs separated by ``;``
recipient_class    one of    a class of recipients: an organization kind such as ``nonprofit``
expires_on         no        date after which the consent no longer applies
source_org         no        slug of the organization whose id ``student_id`` is (default: ``--org``)
=================  ========  ==========================================================================
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection
from dataclasses import dataclass, field

from commonground.governance.elements import UnknownElementError, check

REQUIRED = (
    "student_id",
    "student_name",
    "signer_name",
    "relationship",
    "signed_on",
    "elements",
    "purpose",
    "purpose_category",
    "form_reference",
)
OPTIONAL = ("recipients", "recipient_class", "expires_on", "source_org")
RELATIONSHIPS = {
    "parent": "parent",
    "guardian": "parent",
    "parent/guardian": "parent",
    "eligible_student": "eligible_student",
    "eligible student": "eligible_student",
    "student": "eligible_student",
}
#: Words that describe passive agreement; FERPA consent must be signed and dated (34 CFR 99.30(a)).
NOT_CONSENT = ("opt-out", "opt out", "optout", "no objection", "implied", "did not object")
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")


@dataclass(frozen=True)
class RowError:
    """A problem at one line and column of the file."""

    file: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ConsentRow:
    """One signed paper form, as read from the file (slugs not yet resolved)."""

    line: int
    student_id: str
    student_name: str
    signer_name: str
    relationship: str
    signed_on: dt.date
    elements: list[str]
    purpose: str
    purpose_category: str
    form_reference: str
    recipients: list[str] = field(default_factory=list)
    recipient_class: str = ""
    expires_on: dt.date | None = None
    source_org: str = ""


def decode(raw: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252 — what spreadsheets save."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _date(value: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.replace(",", ";").split(";") if v.strip()]


def parse(
    raw: bytes,
    *,
    file: str,
    today: dt.date,
    purpose_categories: Collection[str],
    recipient_classes: Collection[str],
) -> tuple[list[ConsentRow], list[RowError]]:
    """Read every row; return the rows that are valid and every error found (line and column of each)."""
    text = decode(raw)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    errors: list[RowError] = []
    if not header or header == [""]:
        return [], [RowError(file, 1, "", "the file is empty; expected a header line naming the columns")]
    for name in REQUIRED:
        if name not in header:
            errors.append(RowError(file, 1, name, "required column is missing from the header"))
    for name in header:
        if name not in REQUIRED and name not in OPTIONAL:
            errors.append(
                RowError(file, 1, name, f"unknown column; expected {', '.join(REQUIRED + OPTIONAL)}")
            )
    if "recipients" not in header and "recipient_class" not in header:
        errors.append(RowError(file, 1, "recipients", "a recipients or recipient_class column is required"))
    if errors:
        return [], errors
    rows: list[ConsentRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.append(RowError(file, line, "", f"expected {len(header)} values, found {len(values)}"))
            continue
        row = dict(zip(header, (v.strip() for v in values), strict=True))
        parsed = _row(row, line, file, today, purpose_categories, recipient_classes, errors)
        if parsed is None:
            continue
        key = (parsed.source_org, parsed.student_id, parsed.form_reference)
        if key in seen:
            errors.append(
                RowError(file, line, "form_reference", f"the same form is listed on line {seen[key]}")
            )
            continue
        seen[key] = line
        rows.append(parsed)
    return rows, errors


def _row(
    row: dict[str, str],
    line: int,
    file: str,
    today: dt.date,
    purpose_categories: Collection[str],
    recipient_classes: Collection[str],
    errors: list[RowError],
) -> ConsentRow | None:
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(RowError(file, line, column, message))

    for name in REQUIRED:
        if not row.get(name):
            err(name, "a value is required")
    relationship_raw = row.get("relationship", "").lower()
    relationship = RELATIONSHIPS.get(relationship_raw, "")
    if relationship_raw and not relationship:
        err("relationship", f"expected parent or eligible_student, got {row['relationship']!r}")
    if any(word in row.get("purpose", "").lower() or word in relationship_raw for word in NOT_CONSENT):
        err("purpose", "an opt-out or a lack of objection is not written consent (34 CFR 99.30(a))")
    signed_on = _date(row.get("signed_on", "")) if row.get("signed_on") else None
    if row.get("signed_on") and signed_on is None:
        err("signed_on", f"expected a date like 2025-09-02 or 09/02/2025, got {row['signed_on']!r}")
    elif signed_on is not None and signed_on > today:
        err("signed_on", f"the signature date {signed_on.isoformat()} is in the future")
    expires_on = None
    if row.get("expires_on"):
        expires_on = _date(row["expires_on"])
        if expires_on is None:
            err("expires_on", f"expected a date like 2026-06-30, got {row['expires_on']!r}")
        elif signed_on is not None and expires_on <= signed_on:
            err("expires_on", "the consent must expire after the day it was signed")
    elements: list[str] = []
    if row.get("elements"):
        try:
            elements = check(_split(row["elements"]))
        except UnknownElementError as exc:
            err("elements", str(exc))
    if row.get("purpose_category") and row["purpose_category"] not in purpose_categories:
        err(
            "purpose_category",
            f"expected one of {', '.join(purpose_categories)}, got {row['purpose_category']!r}",
        )
    recipients = _split(row.get("recipients", ""))
    recipient_class = row.get("recipient_class", "")
    if recipient_class and recipient_class not in recipient_classes:
        err("recipient_class", f"expected one of {', '.join(recipient_classes)}, got {recipient_class!r}")
    if not recipients and not recipient_class:
        err(
            "recipients", "name the recipients (organization slugs) or a recipient_class (34 CFR 99.30(b)(3))"
        )
    if len(errors) > before or signed_on is None:
        return None
    return ConsentRow(
        line=line,
        student_id=row["student_id"],
        student_name=row["student_name"],
        signer_name=row["signer_name"],
        relationship=relationship,
        signed_on=signed_on,
        elements=elements,
        purpose=row["purpose"],
        purpose_category=row["purpose_category"],
        form_reference=row["form_reference"],
        recipients=recipients,
        recipient_class=recipient_class,
        expires_on=expires_on,
        source_org=row.get("source_org", ""),
    )
