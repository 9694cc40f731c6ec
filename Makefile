# Common Ground — the whole development loop.  `make demo` and `make test` are the two that matter.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Test processes (pytest-xdist); a module's tests stay in one process, so its fixtures are built once. On two
# cores the suite takes about 60 % of the time it takes in one process; PYTEST_WORKERS=0 runs it in one.
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope

.PHONY: install demo test test-fast lint typecheck bench clean messages

install: $(STAMP)

# Reinstall only when the lock file or the package metadata changed: a no-op run takes well under a second.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

demo: install
	$(BIN)/commonground demo $(DEMO_ARGS)

test: install
	$(PYTEST) $(PYTEST_ARGS)

# Skips the slow and heavyweight tests; CI always runs everything through `make test`.
test-fast: install
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)

messages: install
	cd src/commonground && ../../$(BIN)/django-admin compilemessages --settings=commonground.settings.dev

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
