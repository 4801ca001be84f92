# Two commands for a newcomer: `make build` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Re-install only when the project's metadata changes, so a second `make build` is quick.
STAMP := $(VENV)/.installed

export NO_MKDOCS_2_WARNING := 1

.PHONY: build test serve check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/protectpress build

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

serve: $(STAMP)
	$(BIN)/mkdocs serve --livereload

check: $(STAMP)
	$(BIN)/protectpress check

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf site .site-* $(VENV)
