"""Walk every URL of a URL configuration as several users, watching every read of the data plane.

:func:`watching` instruments the ways code can read student-level files — ``dataplane.current_files`` (which
``current_relation`` calls), ``dataplane.batch_dir``, DuckDB connections' ``read_parquet``/``from_parquet`` and SQL
naming Parquet, and pyarrow's Parquet readers — and notes every read that happens while neither the gate
(:func:`~commonground.governance.gate.read`) nor :func:`~commonground.governance.gate.system_read` is active.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from commonground.governance import gate
from commonground.ingest import dataplane

_CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


@dataclass
class Watch:
    """Reads of the data plane seen without the gate, as (where, what)."""

    where: str = ""
    violations: list[tuple[str, str]] = field(default_factory=list)
    reads: int = 0

    def note(self, what: str) -> None:
        self.reads += 1
        if gate.current_access() is None:
            self.violations.append((self.where, what))


class _WatchedConnection:
    """A DuckDB connection that reports Parquet reads to the watch, and otherwise behaves as the real one."""

    def __init__(self, con: Any, watch: Watch) -> None:
        self._con = con
        self._watch = watch

    def read_parquet(self, *args: Any, **kwargs: Any) -> Any:
        self._watch.note("duckdb read_parquet")
        return self._con.read_parquet(*args, **kwargs)

    def from_parquet(self, *args: Any, **kwargs: Any) -> Any:
        self._watch.note("duckdb from_parquet")
        return self._con.from_parquet(*args, **kwargs)

    def sql(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if "parquet" in query.lower():
            self._watch.note("duckdb SQL over Parquet")
        return self._con.sql(query, *args, **kwargs)

    def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        if "parquet" in query.lower():
            self._watch.note("duckdb SQL over Parquet")
        return self._con.execute(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _noting(watch: Watch, what: str, original: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        watch.note(what)
        return original(*args, **kwargs)

    return wrapper


@contextlib.contextmanager
def watching() -> Iterator[Watch]:
    """Instrument every data-plane reader for the duration of the block."""
    watch = Watch()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            dataplane, "current_files", _noting(watch, "dataplane.current_files", dataplane.current_files)
        )
        mp.setattr(dataplane, "batch_dir", _noting(watch, "dataplane.batch_dir", dataplane.batch_dir))
        connect = duckdb.connect
        mp.setattr(duckdb, "connect", lambda *a, **k: _WatchedConnection(connect(*a, **k), watch))
        for name in ("read_table", "ParquetFile", "ParquetDataset"):
            mp.setattr(pq, name, _noting(watch, f"pyarrow.parquet.{name}", getattr(pq, name)))
        yield watch


def _model_of(pattern: URLPattern) -> type[Model] | None:
    callback = pattern.callback
    admin = getattr(callback, "model_admin", None)
    if admin is not None:
        return admin.model  # type: ignore[no-any-return]
    view = getattr(callback, "view_class", None)
    model = getattr(view, "model", None)
    if model is None and getattr(view, "queryset", None) is not None:
        model = view.queryset.model  # type: ignore[union-attr]
    return model  # type: ignore[no-any-return]


def routes(urlconf: str | None = None) -> list[tuple[str, URLPattern]]:
    """Every URL pattern as (route with ``<converters>``, pattern); regular-expression routes are left out."""
    found: list[tuple[str, URLPattern]] = []

    def walk(resolver: URLResolver, prefix: str) -> None:
        for p in resolver.url_patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p, route)
            elif "(?P<" not in route and "^" not in route:
                found.append((route, p))

    walk(get_resolver(urlconf), "")
    return found


def fill(route: str, pattern: URLPattern, values: dict[str, str]) -> str:
    """A concrete path: each ``<conv:name>`` replaced by an existing id of the view's model, or a known value."""
    model = _model_of(pattern)

    def value(match: re.Match[str]) -> str:
        name = match.group("name")
        if name in values:
            return values[name]
        if model is not None and name in {"pk", "object_id"}:
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            return str(first or 1)
        if model is not None and name == "slug":
            first = model._default_manager.values_list("slug", flat=True).first()
            return str(first or "x")
        return "1"

    return "/" + _CONVERTER.sub(value, route)


def walk_as(
    clients: dict[str, Client], watch: Watch, values: dict[str, str], urlconf: str | None = None
) -> int:
    """GET every route as every client; return how many requests were made."""
    count = 0
    for route, pattern in routes(urlconf):
        path = fill(route, pattern, values)
        for who, client in clients.items():
            if route.startswith("admin/") and who != "superuser":
                continue  # the admin answers everyone else with its sign-in page
            watch.where = f"{who} GET {path}"
            client.get(path)
            count += 1
    return count
