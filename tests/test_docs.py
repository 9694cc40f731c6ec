"""Docs that are tested: every CLI command and every environment setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from commonground.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
DOCS = "\n".join(
    p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
)


def test_every_cli_command_is_documented() -> None:
    group = typer.main.get_command(app)
    commands = sorted(group.commands)  # type: ignore[attr-defined]
    assert "demo" in commands
    missing = [name for name in commands if f"commonground {name}" not in DOCS]
    assert missing == [], f"commands missing from README.md or docs/: {missing}"


def test_every_environment_setting_is_documented() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src").rglob("*.py"))
    names = set(re.findall(r"""environ(?:\.get)?\(\s*["']((?:COMMONGROUND|DATABASE)_[A-Z_]+)""", source))
    names |= set(re.findall(r"""ENV_VAR\s*=\s*["']([A-Z_]+)""", source))
    assert "COMMONGROUND_HOME" in names
    missing = sorted(n for n in names if n not in DOCS)
    assert missing == [], f"environment settings missing from docs/: {missing}"


def test_readme_gives_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
