"""Shared fixtures: a small generated community with ground truth, and people tables built by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from commonground.demo.generator import GeneratorConfig, generate
from commonground.linkage.engine.evalsets import EvalSet, load_community

PERSON_FIELDS = (
    "first_name",
    "middle_name",
    "last_name",
    "birth_date",
    "sex",
    "address",
    "postal_code",
    "phone",
)


@pytest.fixture(scope="session")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated community of 2,000 students (seed 11): district, four partners, ground truth."""
    root = tmp_path_factory.mktemp("linkage-community")
    generate(GeneratorConfig(students=2000, seed=11, out_dir=root))
    return root


@pytest.fixture(scope="session")
def evalset(community: Path) -> EvalSet:
    """District roster (left), partner rosters (right) and the true pairs."""
    return load_community(community)


def people(rows: list[dict[str, Any]]) -> pa.Table:
    """A person table from dicts (``unique_id`` plus any of :data:`PERSON_FIELDS`; dates as ISO text or dates)."""
    cols: dict[str, list[Any]] = {"unique_id": [str(r["unique_id"]) for r in rows]}
    for name in (*PERSON_FIELDS, "source_group"):
        values = [r.get(name) for r in rows]
        if name == "birth_date":
            values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        cols[name] = values
    types = {name: pa.date32() if name == "birth_date" else pa.string() for name in cols}
    return pa.table({name: pa.array(values, types[name]) for name, values in cols.items()})
