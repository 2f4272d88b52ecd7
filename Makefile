# perfpilot: `make demo` runs the main job on the bundled example; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo test lint typecheck bench postgres record-example clean help

help:
	@echo "make demo   - run perfpilot on the bundled example (offline) and print the report path"
	@echo "              DB=postgres: on the local PostgreSQL cluster; PORT=n: the service's port"
	@echo "make test   - lint, type-check and run the tests (starts PostgreSQL when installed)"
	@echo "make bench  - run the benchmarks in benchmarks/"

$(STAMP): pyproject.toml setup.py $(wildcard perfpilot/workload/*.c)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# DB=postgres runs it on the local PostgreSQL cluster (scripts/postgres-up.sh); PORT=n moves the service.
demo: $(STAMP)
	$(if $(filter postgres,$(DB)),bash scripts/postgres-up.sh || echo "postgres-up failed: using the running cluster",true)
	$(BIN)/python -m perfpilot.cli.demo $(if $(QUICK),--quick,) $(if $(DB),--db $(DB),) $(if $(PORT),--port $(PORT),)

postgres:
	@bash scripts/postgres-up.sh

lint: $(STAMP)
	$(BIN)/ruff check perfpilot tests benchmarks examples scripts
	$(BIN)/mypy

typecheck: lint

test: $(STAMP)
	@bash scripts/install-system-deps.sh
	@bash scripts/postgres-up.sh || echo "PostgreSQL not started: its tests will skip (or fail under CI)"
	$(BIN)/ruff check perfpilot tests benchmarks examples scripts
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@bash scripts/postgres-up.sh
	$(BIN)/python -m benchmarks.run

# Re-record the bundled example's model turns (after a change to prompts, skill outputs or budgets).
record-example: $(STAMP)
	$(BIN)/python -m tests.planners.recorded_example

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache build *.egg-info
