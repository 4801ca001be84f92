# Two commands for a newcomer: `make build` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the project's metadata changes, so a second `make build` is quick.
STAMP := $(VENV)/.installed

export NO_MKDOCS_2_WARNING := 1

.PHONY: build test lint coverage serve check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# axe-core for the browser accessibility tests comes from npm (the newest 4.x, pinned so CI is repeatable).
# It lives inside the venv so `make clean` removes it; tests/browser finds it there. Without npm the
# accessibility tests skip (or fail under PROTECTPRESS_REQUIRE_BROWSER=1) and say how to get it.
AXE_CORE_VERSION := 4.14.1
AXE_STAMP := $(VENV)/axe-core/.installed-$(AXE_CORE_VERSION)

$(AXE_STAMP): | $(BIN)/python
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/axe-core axe-core@$(AXE_CORE_VERSION) && \
	  touch $@; \
	else echo "npm not found: the browser accessibility tests need axe-core (apt-get install npm)"; fi

# The reference checkers (tests/browser/test_reference_checkers.py), pinned like axe-core and kept in the venv:
# Lighthouse runs on Debian's Chromium, the Nu Html Checker (vnu-jar) on Debian's Java (default-jre-headless).
# --ignore-scripts: vnu-jar's install script would download a Java runtime; we use the system's.
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE_STAMP := $(VENV)/lighthouse/.installed-$(LIGHTHOUSE_VERSION)
VNU_VERSION := 26.9.27
VNU_STAMP := $(VENV)/vnu/.installed-$(VNU_VERSION)

$(LIGHTHOUSE_STAMP): | $(BIN)/python
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/lighthouse lighthouse@$(LIGHTHOUSE_VERSION) && \
	  touch $@; \
	else echo "npm not found: the Lighthouse test needs it (apt-get install npm)"; fi

$(VNU_STAMP): | $(BIN)/python
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --no-save --ignore-scripts --prefix $(VENV)/vnu vnu-jar@$(VNU_VERSION) && \
	  touch $@; \
	else echo "npm not found: the Nu Html Checker test needs it (apt-get install npm)"; fi

build: $(STAMP)
	$(BIN)/protectpress build

# Lint first: a style or type error fails in seconds, before the suite's minutes (settings in pyproject.toml).
test: lint $(AXE_STAMP) $(LIGHTHOUSE_STAMP) $(VNU_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Line coverage of plugins/ over the whole suite, counting the `protectpress` subprocesses the tests start
# (coverage's subprocess patch, set in pyproject.toml). Prints the files below 100% and the total.
coverage: $(STAMP) $(AXE_STAMP)
	$(BIN)/python -m coverage erase
	$(BIN)/python -m coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m coverage combine --quiet
	$(BIN)/python -m coverage report
	@echo "Line coverage of plugins/protectpress, subprocesses counted: $$($(BIN)/python -m coverage report --format=total)%"

lint: $(STAMP)
	$(BIN)/ruff check plugins tests benchmarks
	$(BIN)/mypy

# `protectpress serve` re-renders only the changed pages after the first build (and our listings only when
# they change), with the same build function as `protectpress build`; problems show in the browser at once.
serve: $(STAMP)
	$(BIN)/protectpress serve $(SERVE_ARGS)

check: $(STAMP)
	$(BIN)/protectpress check

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf site .site-* .cache $(VENV) .coverage .coverage.*
