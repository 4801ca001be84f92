# Two commands for a newcomer: `make build` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every package `make build` and `make test` install, pinned with its hashes (`make lock` writes it).
LOCK := requirements.lock
# The venv is made anew from the lock whenever the lock changes, so it holds exactly what the lock says
# (nothing left over from an older lock); the project itself is re-installed when its metadata changes.
LOCKED := $(VENV)/.locked
STAMP := $(VENV)/.installed
# The throwaway venv of `make test-latest`: the newest versions pyproject.toml allows, not the lock.
LATEST_VENV := .venv-latest

export NO_MKDOCS_2_WARNING := 1

.PHONY: build test test-latest lock upgrade lint coverage serve check bench clean

# --require-hashes: pip refuses any file whose hash is not in the lock. --no-deps: the lock is the whole set.
# The project's build backend (setuptools) is in the lock too, so the editable install builds without
# fetching anything unpinned (--no-build-isolation).
$(LOCKED): $(LOCK)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	touch $@

$(STAMP): pyproject.toml $(LOCKED)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# axe-core for the browser accessibility tests comes from npm (the newest 4.x, pinned so CI is repeatable).
# It lives inside the venv so `make clean` removes it; tests/browser finds it there. Without npm the
# accessibility tests skip (or fail under PROTECTPRESS_REQUIRE_BROWSER=1) and say how to get it.
AXE_CORE_VERSION := 4.14.1
AXE_STAMP := $(VENV)/axe-core/.installed-$(AXE_CORE_VERSION)

$(AXE_STAMP): | $(STAMP)
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

$(LIGHTHOUSE_STAMP): | $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --no-save --prefix $(VENV)/lighthouse lighthouse@$(LIGHTHOUSE_VERSION) && \
	  touch $@; \
	else echo "npm not found: the Lighthouse test needs it (apt-get install npm)"; fi

$(VNU_STAMP): | $(STAMP)
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --silent --no-audit --no-fund --no-save --ignore-scripts --prefix $(VENV)/vnu vnu-jar@$(VNU_VERSION) && \
	  touch $@; \
	else echo "npm not found: the Nu Html Checker test needs it (apt-get install npm)"; fi

build: $(STAMP)
	$(BIN)/protectpress build

# Lint first: a style or type error fails in seconds, before the suite's minutes (settings in pyproject.toml).
# The suite runs in PYTEST_WORKERS processes (pytest-xdist; 2 suits the 2-core machines we and CI have: most
# tests wait on a build, a browser or a server). --dist loadscope keeps each test module on one worker, so a
# module's own build or server is made once; the example site's build is shared by all workers (tests/conftest.py).
# PYTEST_WORKERS=0 runs in one process, as a plain `pytest` does.
# The code is compiled to bytecode first, as pip compiles a package it installs (ours is installed editable, so
# it never is): the suite starts dozens of Python processes of ours, and where PYTHONDONTWRITEBYTECODE is
# set (as on our machines) each compiled every module it imports from source, 0.1-0.15 CPU s a start.
PYTEST_WORKERS ?= 2
test: lint $(AXE_STAMP) $(LIGHTHOUSE_STAMP) $(VNU_STAMP)
	$(BIN)/python -m compileall -q -j 0 plugins tests benchmarks >/dev/null
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

# The lock is made from pyproject.toml (the runtime dependencies, the `test` extra and the build backend) by uv,
# for every platform and Python the project supports, with a hash for each file. `make lock` keeps every
# version the lock already has where pyproject.toml still allows it; `make upgrade` moves each to its newest.
# Either way, run `make build test` next: the suite says whether the new lock is safe.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml $(VENV)/build-requirements.in --extra test --universal \
	--generate-hashes --custom-compile-command 'make lock' --quiet --output-file $(LOCK)

$(VENV)/build-requirements.in: pyproject.toml | $(STAMP)
	$(BIN)/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' > $@

lock: $(VENV)/build-requirements.in
	$(UV_COMPILE)

upgrade: $(VENV)/build-requirements.in
	$(UV_COMPILE) --upgrade

# Drift shows before it bites: the whole suite in a throwaway venv with the newest versions pyproject.toml
# allows. CI does not run it (a new release elsewhere must not turn a passing submission red); run it before
# `make upgrade`, and now and then, to see which release would break us. The lock-agreement test is the one it
# skips (PROTECTPRESS_LATEST): that venv is off the lock on purpose.
test-latest: $(STAMP) $(AXE_STAMP) $(LIGHTHOUSE_STAMP) $(VNU_STAMP)
	rm -rf $(LATEST_VENV)
	$(BIN)/uv venv --quiet --seed --python $(PYTHON) $(LATEST_VENV)
	$(BIN)/uv pip install --quiet --python $(LATEST_VENV)/bin/python --resolution highest -e '.[test]'
	PROTECTPRESS_LATEST=1 PROTECTPRESS_AXE_CORE=$(VENV)/axe-core/node_modules/axe-core/axe.min.js \
	  PROTECTPRESS_LIGHTHOUSE=$(VENV)/lighthouse PROTECTPRESS_VNU_JAR=$(VENV)/vnu/node_modules/vnu-jar/build/dist/vnu.jar \
	  $(LATEST_VENV)/bin/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope $(PYTEST_ARGS)

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

# `protectpress serve` renders again only the saved pages (and the feeds that carry them) after a save that
# changed nothing but page bodies, else it builds the whole site with the same build function as `protectpress
# build`; problems show in the browser at once.
serve: $(STAMP)
	$(BIN)/protectpress serve $(SERVE_ARGS)

check: $(STAMP)
	$(BIN)/protectpress check

# Bytecode first, as for the tests: where PYTHONDONTWRITEBYTECODE is set (these machines), every timed
# `protectpress` process would otherwise compile our modules from source, which no user's build pays twice.
bench: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 plugins benchmarks >/dev/null
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf site .site-* .cache $(VENV) $(LATEST_VENV) .coverage .coverage.*
