# `make run` starts the app, `make test` runs the whole suite; both bootstrap everything they need
# (the .venv, the Python dependencies, WeasyPrint's Debian libraries for the PDF report the app offers and,
# for the tests, Debian's chromium).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
# the EC2 networking facts `make catalog` builds from (the in-repo copy of ../shared/data; override with CATALOG_SRC=...)
CATALOG_SRC ?= tests/fixtures/shared/data/ec2_instance_networking.csv

.PHONY: run test test-fast check bench catalog docs system-deps system-deps-report clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Re-install only when the project metadata changes. The app offers every report format, PDF included, so it
# installs the report extra (WeasyPrint) too.
# Byte-compile once: an editable install (and PYTHONDONTWRITEBYTECODE) would otherwise recompile the
# engine on every CLI start.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[app,report]'
	$(BIN)/python -m compileall -q eksadvisor
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	$(BIN)/python -m compileall -q eksadvisor
	touch $@ $(VENV)/.installed-app

system-deps:
	./scripts/system-deps.sh

# Only what the app itself needs from Debian: the Pango libraries of the PDF report.
system-deps-report:
	./scripts/system-deps.sh report

run: $(VENV)/.installed-app system-deps-report
	$(BIN)/eksadvisor app --port $(PORT)

test: check system-deps
	$(BIN)/python -m pytest

# Static checks, before the suite: lint (ruff), types (mypy, zero errors on eksadvisor/), the layer contracts
# (import-linter: each layer imports only from the layers below it, no cycles). Configured in pyproject.toml.
check: $(VENV)/.installed-test
	$(BIN)/ruff check eksadvisor eksadvisor_app tests benchmarks scripts
	$(BIN)/mypy
	$(BIN)/lint-imports

# Everything but the browser end-to-end tests.
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m 'not e2e'

bench: $(VENV)/.installed-test
	$(BIN)/python -m pytest benchmarks --benchmark-only -o python_files='bench_*.py'

# Rebuild data/instance_types.csv from the EC2 networking reference table (CATALOG_SRC).
catalog: $(BIN)/python
	$(BIN)/python scripts/build_catalog.py $(CATALOG_SRC) data

docs: $(VENV)/.installed-test
	$(BIN)/python scripts/build_docs.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache test-artifacts
