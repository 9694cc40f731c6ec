"""Shared fixtures: a small generated community with ground truth, and people tables built by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from commonground.demo.generator import GeneratorConfig, generate
from commonground.linkage.engine.evalsets import EvalSet, load_community
from tests.fixtures import member, member_client, steward, steward_client  # noqa: F401 - pytest fixtures
from tests.linkage.registry_helpers import FAMILIES, publish, roster

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


@pytest.fixture
def two_rosters(tmp_path: Path) -> Path:
    """The district has all ten children; the after-school program has five, with a nickname and a typo."""
    publish(tmp_path, "district", roster(1, FAMILIES))
    partner = [
        ("Bill", "Smith", "2012-04-03", "12 Oak Street", "M"),
        ("Olivia", "Garcia", "2013-05-06", "4 Elm St", "F"),
        ("Noah", "Nguyen", "2011-01-02", "9 Pine Rd", "M"),
        ("Sophia", "Patell", "2014-07-08", "77 Birch Ave", "F"),
        ("Ava", "Haddad", "2012-02-20", "61 Spruce St", "F"),
    ]
    publish(tmp_path, "afterschool", roster(101, partner))
    return tmp_path
