"""Load benchmark of the action list: a 500-student program's list page on two gunicorn workers, gate included.

Run ``python bench/bench_load.py [--students 500] [--duration 20] [--concurrency 6] [--database sqlite|postgres]``;
``bench/run.py --only load`` imports :func:`run`.

- A fresh hub home with the community of ``bench/load_world.py`` (the program's students, most with consents),
  its files sent through ingest; SQLite in the home, or a fresh PostgreSQL database (``--database postgres``,
  server from ``COMMONGROUND_TEST_POSTGRES``, default ``postgresql://postgres@127.0.0.1:5432/postgres``).
- ``gunicorn`` with two workers on a free loopback port, as ``commonground serve`` runs it (gunicorn's default
  sync workers: one request per connection, so every request goes to whichever worker is free), with the
  production settings (DEBUG off, secure cookies, argon2) through ``bench/load_settings.py``, which turns the
  second factor off for the benchmark's case manager and adds the page without the gate. The case manager
  signs in through ``/sign-in/`` (session cookie).
- ``bench/load_client.py`` drives ``/students/`` (the first page, 50 of the 500: the gate's decision about the
  whole roster, the masking of each row, the records of disclosure of the page's students in the request's
  transaction) for ``--duration`` seconds on ``--concurrency`` connections at once, then the same page
  without the gate (``/bench/students-ungated/``) for as long.  Reported: requests/s, p50/p95/p99, errors, the
  records of disclosure written per request, the ratio of the two throughputs, the load average, and the
  client's own CPU share — the client runs on the same cores as the server.  Also the server's CPU time per
  request (gunicorn's processes, from /proc) and what two workers with a core each would serve at that cost: a
  figure the machine's other work cannot skew.
- ``BENCH_WORKERS=N`` changes the number of gunicorn workers (default 2, the target's; 1 with ``--concurrency 1``
  shows the cost of one request with nothing running beside it).
- Targets: at least 100 requests/s and p95 at most 250 ms with the gate.  Bounded: each phase stops at its
  deadline and gunicorn is stopped on every way out (its process group is killed).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import load_client  # noqa: E402 - found through the path set above
import load_world  # noqa: E402

TARGET_RPS = 100.0
TARGET_P95_MS = 250.0
HOST = "127.0.0.1"
POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _postgres(name: str) -> Iterator[str]:
    """A fresh database ``name`` on the test server, dropped afterwards; yields its URL."""
    import psycopg

    server = os.environ.get("COMMONGROUND_TEST_POSTGRES", POSTGRES)
    with psycopg.connect(server, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _gunicorn(port: int, env: dict[str, str], workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn serving the hub in its own process group, killed on the way out whatever happens."""
    argv = [sys.executable, "-m", "gunicorn", "commonground.wsgi:application", "--bind", f"{HOST}:{port}",
            "--workers", str(workers), "--timeout", "120", "--graceful-timeout", "5",
            "--log-level", "warning"]  # fmt: skip
    proc = subprocess.Popen(argv, env=env, start_new_session=True)  # a fixed argv
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.2)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        signal.signal(signal.SIGTERM, previous)


def _server_cpu(group: int) -> float:
    """CPU seconds used so far by the processes of gunicorn's process group (master and workers), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == group:  # field 5 of stat, the process group
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / ticks


def _phase(
    port: int, path: str, cookie: str, group: int, duration: float, concurrency: int
) -> dict[str, Any]:
    """Load ``path`` for ``duration`` seconds; the client's figures plus the server's CPU per request."""
    cpu = _server_cpu(group)
    result = load_client.drive(HOST, port, path, cookie, concurrency=concurrency, duration=duration)
    used = _server_cpu(group) - cpu
    out = result.summary()
    out["server_cpu_ms_per_request"] = round(used * 1000 / max(1, len(result.latencies)), 1)
    # What two workers could serve if each had a core of its own: a figure the machine's other load cannot skew.
    out["capacity_two_free_cores_rps"] = round(2 / (used / len(result.latencies)), 1) if used else None
    out["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return out


def _sign_in(port: int) -> str:
    """Sign the case manager in through the sign-in form; return the ``Cookie`` header value."""
    con = http.client.HTTPConnection(HOST, port, timeout=60)
    con.request("GET", "/sign-in/")
    page = con.getresponse()
    html = page.read().decode()
    cookies = {
        m.group(1): m.group(2) for m in re.finditer(r"([^=\s;,]+)=([^;]*);", page.getheader("Set-Cookie", ""))
    }
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if token is None or "csrftoken" not in cookies:
        raise RuntimeError("the sign-in page has no CSRF token")
    body = (
        f"csrfmiddlewaretoken={token.group(1)}&username={load_world.USERNAME}&password={load_world.PASSWORD}"
    )
    con.request("POST", "/sign-in/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookies['csrftoken']}",
        "Referer": f"http://{HOST}:{port}/sign-in/"})  # fmt: skip
    answer = con.getresponse()
    answer.read()
    session = re.search(
        r"sessionid=([^;]+);", ", ".join(v for k, v in answer.getheaders() if k == "Set-Cookie")
    )
    if answer.status != 302 or session is None:
        raise RuntimeError(f"sign-in failed (HTTP {answer.status})")
    return f"csrftoken={cookies['csrftoken']}; sessionid={session.group(1)}"


def _check(port: int, path: str, cookie: str) -> str:
    con = http.client.HTTPConnection(HOST, port, timeout=120)
    con.request("GET", path, headers={"Cookie": cookie})
    answer = con.getresponse()
    html = answer.read().decode()
    if answer.status != 200 or "<tbody>" not in html:
        raise RuntimeError(f"{path} answered HTTP {answer.status} without the students table")
    return html


def _measure(
    home: Path, env: dict[str, str], students: int, duration: float, concurrency: int
) -> dict[str, Any]:
    from commonground.cli.bootstrap import setup_django

    setup_django(home, migrate=True)
    from commonground.governance.models import DisclosureRecord

    started = time.perf_counter()
    world = load_world.build(home / "files", students)
    built = time.perf_counter() - started
    port = _free_port()
    out: dict[str, Any] = {"world": world, "build_seconds": round(built, 1)}
    with _gunicorn(port, env, workers=int(os.environ.get("BENCH_WORKERS", "2"))) as server:
        cookie = _sign_in(port)
        html = _check(port, "/students/", cookie)
        _check(port, "/bench/students-ungated/", cookie)
        out["rows_per_page"] = html.count('<th scope="row">')
        for path in (
            "/students/",
            "/bench/students-ungated/",
        ):  # every worker fills its cache before the clock
            load_client.drive(HOST, port, path, cookie, concurrency=4, duration=3)
        before = DisclosureRecord.objects.count()
        out["with_gate"] = _phase(port, "/students/", cookie, server.pid, duration, concurrency)
        records = DisclosureRecord.objects.count() - before
        out["without_gate"] = _phase(
            port, "/bench/students-ungated/", cookie, server.pid, duration, concurrency
        )
    out["with_gate"]["disclosure_records"] = records
    out["with_gate"]["records_per_request"] = round(records / max(1, out["with_gate"]["requests"]), 1)
    return out


def run(
    students: int = 500, duration: float = 20.0, concurrency: int = 6, database: str = "sqlite"
) -> dict[str, Any]:
    """Build the hub, serve it, load it; return the figures (``passed``: both targets met with the gate)."""
    if database not in ("sqlite", "postgres"):
        raise ValueError(f"--database must be sqlite or postgres, not {database!r}")
    with tempfile.TemporaryDirectory(prefix="cg-bench-load-") as folder, contextlib.ExitStack() as stack:
        home = Path(folder)
        env = {**os.environ, "COMMONGROUND_HOME": str(home), "DJANGO_SETTINGS_MODULE": "load_settings",
               "COMMONGROUND_SECRET_KEY": "bench-load-secret-key-not-for-production",
               "COMMONGROUND_ALLOWED_HOSTS": HOST, "COMMONGROUND_SSL_REDIRECT": "0",
               "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}  # fmt: skip
        env.pop("DATABASE_URL", None)
        if database == "postgres":
            env["DATABASE_URL"] = stack.enter_context(_postgres(f"cg_bench_load_{os.getpid()}"))
        os.environ.update(env)
        (home / "files").mkdir()
        # whitenoise's folder (the list page loads no static file in this benchmark)
        (home / "static").mkdir()
        measured = _measure(home, env, students, duration, concurrency)
        from django.db import connections

        connections.close_all()  # before the PostgreSQL database is dropped
    gated, ungated = measured["with_gate"], measured["without_gate"]
    ratio = (
        gated["requests_per_second"] / ungated["requests_per_second"]
        if ungated["requests_per_second"]
        else None
    )
    cpu_ratio = (
        gated["server_cpu_ms_per_request"] / ungated["server_cpu_ms_per_request"]
        if ungated["server_cpu_ms_per_request"]
        else None
    )
    return {
        "benchmark": "load",
        "database": database,
        "students": students,
        "concurrency": concurrency,
        "duration_seconds": duration,
        "workers": int(os.environ.get("BENCH_WORKERS", "2")),
        **measured,
        "throughput_ratio_gate_to_no_gate": round(ratio, 2) if ratio else None,
        "server_cpu_ratio_gate_to_no_gate": round(cpu_ratio, 2) if cpu_ratio else None,
        "note": "the load generator shares the machine's cores with gunicorn (client_cpu_share is its CPU use)",
        "cpus": os.cpu_count(),
        "targets": {"requests_per_second": TARGET_RPS, "p95_ms": TARGET_P95_MS},
        "passed": gated["requests_per_second"] >= TARGET_RPS
        and (gated["p95_ms"] or 1e9) <= TARGET_P95_MS
        and gated["errors"] == 0,
    }


def main() -> int:
    """Print the figures as JSON; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load per page")
    parser.add_argument("--concurrency", type=int, default=6, help="connections kept open by the client")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    result = run(args.students, args.duration, args.concurrency, args.database)
    print(json.dumps(result, indent=2, default=str))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
