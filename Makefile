# Roost: `make run` serves on SQLite at http://localhost:8000; `make test` runs every check
# (ruff, the import contracts, mypy --strict and the test suite on both backends).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest browser bench bench-quick clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Roost needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/roost serve

lint: $(STAMP)
	$(BIN)/ruff check roost tests bench
	$(BIN)/ruff format --check roost tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy roost tests bench

# Debian's Chromium and axe-core for the browser tests (tests/web/).
browser:
	bash scripts/install-browser.sh

pytest: $(STAMP) browser
	bash scripts/test.sh

test: lint typecheck pytest

# Benchmarks (bench/README.md): the full run, and a two-minute one.
bench: $(STAMP)
	bash scripts/install-bench.sh
	$(BIN)/python -m bench.run

bench-quick: $(STAMP)
	bash scripts/install-bench.sh
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache bench/.work bench/profiles
