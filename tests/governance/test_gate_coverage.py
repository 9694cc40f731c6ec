"""Every route goes through the gate: a static scan of the source and a runtime walk of every URL as every role.

(a) No module outside the allow-list names a data-plane reader (``current_relation``, ``current_files``,
    ``batch_dir``, DuckDB/pyarrow Parquet readers, SQL over ``read_parquet``) unless the read sits inside a
    ``with system_read(...)`` block.
(b) Every URL of the project, its path arguments filled with ids that exist, is requested as each role (and
    anonymously, and as a superuser) with every data-plane reader instrumented; any read that happens while
    neither ``gate.read`` nor ``gate.system_read`` is active fails the test.  Two deliberately bad views prove
    that (b) catches a view that reads the data plane directly.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

import commonground
from commonground.governance import gate
from commonground.people.choices import Role
from tests.factories import UserFactory, make_user_with_role
from tests.governance import gate_walk
from tests.governance.test_gate_read import world  # noqa: F401 - the fixture: agreements, consents, ingested data

SRC = Path(commonground.__file__).parent
#: Names that read student-level files of the data plane.
READERS = frozenset(
    {"current_relation", "current_files", "batch_dir", "read_parquet", "from_parquet", "parquet_scan",
     "ParquetFile", "ParquetDataset"}
)  # fmt: skip
#: Modules that may read the data plane themselves: the gate, the data plane, ingest's own machinery (it writes
#: and validates batches), the hub's own jobs (linkage, the population index: they run under ``system_read``,
#: which the runtime walk checks; destruction, which deletes and rewrites batches and checks that nothing readable
#: is left), and Django-free engines that read only the files their caller hands them.
ALLOWED = (
    "governance/gate.py",
    "governance/population.py",
    "ingest/",
    "linkage/",
    "governance/destruction/",
    "questions/indicators/",
    "demo/generator/",
)
#: Pages serve people like any other page, whatever package they live in.
NOT_ALLOWED = (
    "ingest/views/",
    "linkage/views.py",
    "linkage/review_records.py",
    "governance/destruction/views.py",
)


def _allowed(relative: str) -> bool:
    return relative.startswith(ALLOWED) and not relative.startswith(NOT_ALLOWED)


def _inside_system_read(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.With):
            for item in node.items:
                call = item.context_expr
                if isinstance(call, ast.Call) and "system_read" in ast.unparse(call.func):
                    return True
    return False


def offenders(source: str, relative: str) -> list[str]:
    """Where ``source`` names a data-plane reader outside a ``system_read`` block."""
    tree = ast.parse(source)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute) and node.attr in READERS:
            name = node.attr
        elif isinstance(node, ast.Name) and node.id in READERS:
            name = node.id
        elif isinstance(node, ast.alias) and node.name.split(".")[-1] in READERS:
            name = node.name
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "read_table"
            and ast.unparse(node.value) in {"pq", "parquet"}
        ):
            name = "pyarrow.parquet.read_table"
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and any(f"{reader}(" in node.value for reader in ("read_parquet", "parquet_scan"))
        ):
            name = "SQL over Parquet"
        if name and not _inside_system_read(node, parents):
            found.append(f"{relative}:{getattr(node, 'lineno', '?')} {name}")
    return found


def test_no_module_outside_the_allow_list_reads_the_data_plane() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative or _allowed(relative):
            continue
        found += offenders(path.read_text(encoding="utf-8"), relative)
    assert found == []


@pytest.mark.parametrize(
    "source",
    [
        "from commonground.ingest.dataplane import current_relation\n",
        "def f(con):\n    return dataplane.current_relation(con, 'person')\n",
        "def f(con, files):\n    return con.read_parquet(files)\n",
        "def f(con):\n    return con.sql(\"SELECT * FROM read_parquet('x.parquet')\")\n",
        "import pyarrow.parquet as pq\ndef f(p):\n    return pq.read_table(p)\n",
        "def f(con):\n    with other():\n        return dataplane.current_files('person')\n",
    ],
)
def test_the_scan_catches_each_way_of_reading(source: str) -> None:
    assert offenders(source, "views.py")


def test_the_scan_lets_a_system_job_read() -> None:
    source = "def job(con):\n    with gate.system_read('nightly'):\n        return dataplane.current_relation(con, 'person')\n"
    assert offenders(source, "questions/jobs.py") == []


def _clients() -> dict[str, Client]:
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role in Role.values:
        client = Client(raise_request_exception=False)
        client.force_login(make_user_with_role(role))
        clients[role] = client
    superuser = Client(raise_request_exception=False)
    superuser.force_login(UserFactory(is_superuser=True, is_staff=True))
    clients["superuser"] = superuser
    return clients


def _values() -> dict[str, str]:
    values = {"table": "attendance_event", "step": "submit", "number": "1", "token": "x"}
    try:
        from commonground.linkage.models import HubPerson
    except ImportError:  # the person registry is not installed yet
        return values
    first = HubPerson.objects.values_list("hub_id", flat=True).first()
    values["hub_id"] = first or "HP-X"
    return values


@pytest.mark.slow  # about 900 requests: some 15 s
@pytest.mark.django_db
@override_settings(COMMONGROUND_REQUIRE_2FA=False)  # let every role reach the pages themselves
def test_no_url_reads_the_data_plane_without_the_gate(world: dict[str, Any]) -> None:  # noqa: F811
    with gate_walk.watching() as watch:
        requests = gate_walk.walk_as(_clients(), watch, _values())
    assert requests > 300  # every route was requested (about 80 pages x 9 users, and the admin)
    assert watch.violations == []


@pytest.mark.django_db
@override_settings(COMMONGROUND_REQUIRE_2FA=False, ROOT_URLCONF="tests.governance.gate_bad_urls")
def test_the_walk_catches_a_view_that_reads_the_data_plane_directly(world: dict[str, Any]) -> None:  # noqa: F811
    clients = {"case_manager": Client(raise_request_exception=False)}
    clients["case_manager"].force_login(world["case_manager"])
    with gate_walk.watching() as watch:
        gate_walk.walk_as(clients, watch, _values(), urlconf="tests.governance.gate_bad_urls")
    assert sorted({where for where, _what in watch.violations}) == [
        "case_manager GET /leaky/parquet/",
        "case_manager GET /leaky/relation/",
    ]


@pytest.mark.django_db
def test_reading_through_the_gate_is_not_a_violation(world: dict[str, Any]) -> None:  # noqa: F811
    decision = gate.authorize(
        world["case_manager"], "direct_services", ["HP-A"], ["attendance_event.category"]
    )
    with gate_walk.watching() as watch:
        table = gate.read(decision, "attendance_event", "view")
        with gate.system_read("test job"):
            con = gate.dataplane.connect()
            gate.dataplane.current_relation(con, "attendance_event").fetchall()
    assert table.num_rows == 2 and watch.reads >= 2 and watch.violations == []
