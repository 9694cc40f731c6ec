"""Commands that set up, serve and administer a hub."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from commonground.cli.bootstrap import setup_django
from commonground.cli.errors import USAGE, fail
from commonground.home import HomeError

HomeOption = Annotated[Path | None, typer.Option("--home", help="The hub's home folder.")]


def init(home: HomeOption = None) -> None:
    """Create an empty hub: the home folder and an up-to-date database."""
    try:
        path = setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    typer.echo(f"hub ready in {path}")


def port_is_free(host: str, port: int) -> bool:
    """True when nothing listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def check_port(host: str, port: int) -> None:
    """Exit with a one-line error when ``port`` is out of range or taken."""
    if not 1 <= port <= 65535:
        fail(f"--port must be between 1 and 65535 (got {port})", code=USAGE)
    if not port_is_free(host, port):
        fail(f"port {port} on {host} is already in use; stop the other server or choose another with --port")


def exec_gunicorn(host: str, port: int, workers: int = 2) -> None:
    """Replace this process with gunicorn serving the hub (the production-grade server, also for the demo)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commonground.settings.dev")
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "commonground.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "5",
    ]
    sys.stdout.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - a fixed argv, no shell


def serve(
    home: HomeOption = None,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    workers: Annotated[int, typer.Option(help="gunicorn worker processes.")] = 2,
) -> None:
    """Serve the hub with gunicorn (static files through whitenoise)."""
    try:
        setup_django(home, migrate=True)
    except HomeError as exc:
        fail(str(exc))
    check_port(host, port)
    typer.echo(f"serving on http://{host}:{port}/ (Ctrl+C to stop)")
    exec_gunicorn(host, port, workers)


def manage(ctx: typer.Context, home: HomeOption = None) -> None:
    """Run a Django management command, e.g. ``commonground manage createsuperuser``."""
    try:
        setup_django(home)
    except HomeError as exc:
        fail(str(exc))
    from django.core.management import execute_from_command_line

    execute_from_command_line(["commonground manage", *ctx.args])
