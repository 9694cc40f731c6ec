"""Accessible, sortable HTML tables built from querysets (a small take on NetBox's tables).

A table is a list of :class:`Column` plus a caption.  Sorting is a ``sort`` GET parameter naming a column
(``-name`` for descending); only columns with ``order_by`` can be sorted, so the parameter can never reach the
database unchecked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest


@dataclass(frozen=True)
class Column:
    """One column: a header label, how to read the cell, an optional link and the fields to sort by."""

    name: str
    label: str
    accessor: Callable[[Any], Any]
    link: Callable[[Any], str | None] | None = None
    order_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    """A rendered cell: text and an optional link."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Header:
    """A rendered column header; ``sort_url`` is empty for columns that cannot be sorted."""

    label: str
    sort_url: str
    aria_sort: str


class Table:
    """Rows of objects shown under ``columns``, sorted by the request's ``sort`` parameter."""

    columns: Sequence[Column] = ()
    default_sort: str = ""

    def __init__(self, request: HttpRequest, caption: str) -> None:
        self.request = request
        self.caption = caption
        self.sort = self._wanted_sort()
        self.objects: Iterable[Any] = []

    def _wanted_sort(self) -> str:
        wanted = self.request.GET.get("sort", self.default_sort)
        name = wanted.removeprefix("-")
        if any(c.name == name and c.order_by for c in self.columns):
            return wanted
        return self.default_sort

    def order(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """Return ``queryset`` ordered by the chosen column (the model's default order otherwise)."""
        if not self.sort:
            return queryset
        descending = self.sort.startswith("-")
        column = next(c for c in self.columns if c.name == self.sort.removeprefix("-"))
        fields = [f"-{f}" if descending else f for f in column.order_by]
        return queryset.order_by(*fields, "pk")

    def bind(self, objects: Iterable[Any]) -> Table:
        """Attach the (already ordered and paginated) objects to show."""
        self.objects = objects
        return self

    def headers(self) -> list[Header]:
        """Column headers with the link that sorts by them and their ``aria-sort`` state."""
        result = []
        for column in self.columns:
            if not column.order_by:
                result.append(Header(column.label, "", ""))
                continue
            current = self.sort.removeprefix("-") == column.name
            descending = self.sort.startswith("-")
            params = self.request.GET.copy()
            params["sort"] = f"-{column.name}" if current and not descending else column.name
            params.pop("page", None)
            aria = ("descending" if descending else "ascending") if current else "none"
            result.append(Header(column.label, f"?{params.urlencode()}", aria))
        return result

    def rows(self) -> list[list[Cell]]:
        """Each object as a list of cells."""
        rows = []
        for obj in self.objects:
            cells = []
            for column in self.columns:
                value = column.accessor(obj)
                url = column.link(obj) if column.link else None
                cells.append(Cell("" if value is None else str(value), url))
            rows.append(cells)
        return rows
