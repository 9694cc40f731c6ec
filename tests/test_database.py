"""The suite really runs on the database it claims to, and PostgreSQL is exercised when asked for."""

from __future__ import annotations

import os

import pytest
from django.db import connection

from tests.conftest import missing_service


@pytest.mark.django_db
def test_suite_runs_on_the_configured_database() -> None:
    wanted = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == wanted
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


@pytest.mark.postgres
def test_postgresql_server_is_reachable() -> None:
    """The production database engine must be reachable where the tests say it is."""
    import psycopg

    url = os.environ.get("COMMONGROUND_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            version = conn.execute("SHOW server_version").fetchone()
    except psycopg.OperationalError as exc:
        missing_service(f"PostgreSQL is not reachable at {url.split('@')[-1]}: {exc}".strip())
        return
    assert version is not None and int(version[0].split(".")[0]) >= 13
