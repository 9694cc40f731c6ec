"""Indicator parameters: typed, bounded, with defaults, validated before anything reaches SQL.

Values are written into the SQL as literals (the same text must run on DuckDB and on Spark, which have no
common placeholder syntax), so every value is checked here first: numbers against their bounds, words against
a narrow pattern. Nothing a user types reaches SQL unchecked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .errors import IndicatorError

#: Words allowed in text parameters (program names, performance levels): letters, digits, space, - _ . /
_WORD = re.compile(r"^[\w .\-/]{0,80}$")

Kind = Literal["float", "int", "text"]


@dataclass(frozen=True)
class Param:
    """One parameter of an indicator: name, kind, default, bounds and a plain-language help line."""

    name: str
    kind: Kind
    default: float | int | str
    help: str
    minimum: float | None = None
    maximum: float | None = None

    def coerce(self, raw: object) -> float | int | str:
        """The validated value (``IndicatorError`` says what is wrong and what is allowed)."""
        if self.kind == "text":
            text = str(raw).strip()
            parts = [p.strip() for p in text.split(",")]
            if not all(_WORD.match(p) for p in parts):
                raise IndicatorError(
                    f"parameter {self.name!r}: {text!r} may hold only letters, digits, spaces and - _ . / "
                    "(comma-separated lists allowed)"
                )
            return text
        try:
            number = float(raw) if self.kind == "float" else int(str(raw))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            kind = "a number" if self.kind == "float" else "a whole number"
            raise IndicatorError(f"parameter {self.name!r}: {raw!r} is not {kind}") from None
        if isinstance(number, float) and not math.isfinite(number):
            raise IndicatorError(f"parameter {self.name!r}: {raw!r} is not a finite number")
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise IndicatorError(
                f"parameter {self.name!r}: {number} is outside the allowed range {self.minimum}–{self.maximum}"
            )
        return number


def resolve(
    params: tuple[Param, ...], given: Mapping[str, object] | None, indicator: str
) -> dict[str, object]:
    """Defaults overlaid with the given values, each validated; unknown names are an error."""
    given = dict(given or {})
    known = {p.name: p for p in params}
    unknown = sorted(set(given) - set(known))
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise IndicatorError(
            f"indicator {indicator!r} has no parameter {', '.join(unknown)} (allowed: {allowed})"
        )
    return {name: p.coerce(given.get(name, p.default)) for name, p in known.items()}


def sql_text(value: object) -> str:
    """A validated text parameter as a SQL string literal."""
    text = str(value)
    if not all(_WORD.match(p.strip()) for p in text.split(",")):
        raise IndicatorError(f"{text!r} is not a safe parameter value")
    return "'" + text.replace("'", "''") + "'"


def sql_text_list(value: object) -> str:
    """A validated comma-separated text parameter as a lower-cased SQL ``IN`` list."""
    items = [p.strip().lower() for p in str(value).split(",") if p.strip()]
    if not items:
        raise IndicatorError("an empty list is not allowed here")
    return "(" + ", ".join(sql_text(i) for i in items) + ")"


def sql_number(value: object) -> str:
    """A validated number as a SQL literal (repr keeps full precision; no locale)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IndicatorError(f"{value!r} is not a number")
    return repr(float(value)) if isinstance(value, float) else str(value)
