"""What an indicator is: identity and version, plain-language text, parameters, breakdowns, measures and SQL."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .base_sql import Identity
from .params import Param

#: ``fact_sql(params, identity)`` → CTEs as (name, body) pairs, the last named ``fact``: one row per
#: student-year with the ``d_*`` breakdown columns of ``student_year`` and the columns its measures sum.
FactSql = Callable[[Mapping[str, object], Identity], list[tuple[str, str]]]
#: ``validate(params)`` raises ``IndicatorError`` when parameters contradict each other.
Validate = Callable[[Mapping[str, object]], None]


@dataclass(frozen=True)
class Measure:
    """One number an indicator publishes per cell: ``value = numerator / denominator``.

    ``numerator``, ``denominator`` and ``students`` are SQL expressions over one ``fact`` row, summed per cell;
    ``students`` counts the units behind the cell (primary suppression applies to it too).
    ``proportion`` means the numerator is a part of the denominator (students with a flag among students;
    days attended among days enrolled): numerator ≤ denominator, and the complement (denominator − numerator)
    is as revealing as the numerator, so disclosure avoidance checks it too.
    """

    id: str
    label: str
    numerator: str
    denominator: str
    students: str
    proportion: bool = True


@dataclass(frozen=True)
class Indicator:
    """A versioned indicator of the library.

    ``needs`` lists the optional building blocks of the shared SQL it uses (``participation``, ``dosage``,
    ``prior_year``…); ``tables`` the canonical tables it reads. An indicator with ``available=False`` is listed
    (so leaders see what is missing) but cannot run; ``unavailable_reason`` says why.
    """

    id: str
    version: int
    title: str
    definition: str
    how_to_read: str
    breakdowns: tuple[str, ...]
    measures: tuple[Measure, ...] = ()
    params: tuple[Param, ...] = ()
    fact_sql: FactSql | None = None
    validate: Validate | None = None
    tables: tuple[str, ...] = ()
    needs: frozenset[str] = field(default_factory=frozenset)
    caveat: str = ""
    available: bool = True
    unavailable_reason: str = ""

    @property
    def ref(self) -> str:
        """``id@version``, as releases record it."""
        return f"{self.id}@{self.version}"
