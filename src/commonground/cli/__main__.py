"""``python -m commonground.cli`` — the same as the ``commonground`` console script."""

from commonground.cli.main import run

run()
