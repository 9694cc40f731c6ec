"""Small, strict value parsers shared by the connectors. Each returns a value or raises ``ValueError``."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WRAPPED_ID = re.compile(r"^\{\s*([A-Za-z][\w .-]*)\s*:\s*([^{}]*?)\s*\}$")


def parse_iso_date(text: str) -> dt.date:
    """``YYYY-MM-DD`` exactly (``2023-02-30`` raises)."""
    if not _ISO_DATE.match(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def parse_date(text: str, formats: list[str] | None = None) -> dt.date:
    """A date in ISO form or one of ``formats`` (strptime patterns), tried in order."""
    text = text.strip()
    if not formats:
        return parse_iso_date(text)
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date has no time zone
        except ValueError:
            continue
    raise ValueError(text)


def parse_timestamp(text: str) -> dt.datetime:
    """An ISO 8601 date-time (``Z`` or offset; naive times are taken as UTC), or a plain date."""
    text = text.strip()
    if _ISO_DATE.match(text):
        d = dt.date.fromisoformat(text)
        return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def parse_float(text: str) -> float:
    """A decimal number (``1,5`` is not accepted: ambiguous)."""
    value = float(text.strip())
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def parse_int(text: str) -> int:
    """A whole number (``12.0`` is accepted as 12)."""
    value = parse_float(text)
    if not value.is_integer() or abs(value) > 2**31 - 1:
        raise ValueError(text)
    return int(value)


TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1", "x", "sí", "si"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


def parse_bool(text: str) -> bool:
    """Yes/no words in English and Spanish, 1/0, true/false."""
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(text)


def unwrap_id(text: str) -> tuple[str, bool]:
    """``{Local:863}`` → (``"863"``, True); anything else → (text, False)."""
    m = _WRAPPED_ID.match(text.strip())
    if m:
        return m.group(2), True
    return text, False


def descriptor_value(text: str) -> str:
    """The code value of an Ed-Fi descriptor: ``uri://ed-fi.org/XDescriptor#Excused Absence`` → ``Excused Absence``."""
    text = text.strip()
    return text.rsplit("#", 1)[1].strip() if "#" in text else text


_SEX = {
    "female": "female",
    "f": "female",
    "girl": "female",
    "femenino": "female",
    "mujer": "female",
    "male": "male",
    "m": "male",
    "boy": "male",
    "masculino": "male",
    "hombre": "male",
    "nonbinary": "nonbinary",
    "non-binary": "nonbinary",
    "x": "nonbinary",
    "other": "nonbinary",
    "not selected": "not_selected",
    "not_selected": "not_selected",
    "unspecified": "not_selected",
    "notselected": "not_selected",
    "unknown": "not_selected",
    "u": "not_selected",
}


def parse_sex(text: str) -> str:
    """OneRoster/Ed-Fi/partner spellings of sex → female | male | nonbinary | not_selected."""
    key = descriptor_value(text).strip().lower()
    if key in _SEX:
        return _SEX[key]
    raise ValueError(text)


_GRADE_WORDS = {
    "it": "IT",
    "pr": "PR",
    "pk": "PK",
    "prekindergarten": "PK",
    "preschool": "PK",
    "tk": "TK",
    "kg": "KG",
    "k": "KG",
    "kindergarten": "KG",
    "ug": "UG",
    "ps": "PS",
    "other": "Other",
    "first grade": "01",
    "second grade": "02",
    "third grade": "03",
    "fourth grade": "04",
    "fifth grade": "05",
    "sixth grade": "06",
    "seventh grade": "07",
    "eighth grade": "08",
    "ninth grade": "09",
    "tenth grade": "10",
    "eleventh grade": "11",
    "twelfth grade": "12",
    "grade 13": "13",
    "postsecondary": "PS",
}


def parse_grade(text: str) -> str:
    """A grade level as OneRoster/CEDS codes: ``KG``, ``01``…``13``, ``PK``; Ed-Fi descriptors accepted."""
    word = descriptor_value(text).strip().lower()
    if word in _GRADE_WORDS:
        return _GRADE_WORDS[word]
    m = re.match(r"^(?:grade\s*)?(\d{1,2})(?:st|nd|rd|th)?(?:\s*grade)?$", word)
    if m and 0 <= int(m.group(1)) <= 13:
        n = int(m.group(1))
        return "KG" if n == 0 else f"{n:02d}"
    raise ValueError(text)


def parse_school_year(text: str) -> int:
    """``2022`` or ``2021-2022`` (Ed-Fi SchoolYearType) → 2022, the calendar year in which the school year ends."""
    text = text.strip()
    m = re.match(r"^(\d{4})\s*[-/–]\s*(\d{2}|\d{4})$", text)
    if m:
        start, end = int(m.group(1)), m.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if end_year != start + 1:
            raise ValueError(text)
        return end_year
    if re.match(r"^\d{4}$", text):
        return int(text)
    raise ValueError(text)


def school_year_bounds(school_year: int) -> tuple[dt.date, dt.date]:
    """The plausible span of the school year ending in ``school_year``: 1 July to 31 August (summer school)."""
    return dt.date(school_year - 1, 7, 1), dt.date(school_year, 8, 31)


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """True for spreadsheet-formula-like text (CSV injection), except plain signed numbers such as ``-5``."""
    if not text or not text.startswith(FORMULA_PREFIXES):
        return False
    try:
        float(text)
    except ValueError:
        return True
    return False
