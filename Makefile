# Two entry points that work on a fresh machine with Python 3.11+ and make:
#   make run    set up .venv and run the emulator on its sandbox
#   make test   set up .venv and run the whole test suite
#   make bench  benchmarks (installs wrk if missing); prints one table
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/wa-emulator serve $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(ARGS)
	$(BIN)/ruff check wa_emulator tests bench

# Benchmarks: installs Debian's wrk (the load generator) when missing, and the bench extra.
BENCH_STAMP := $(VENV)/.bench
$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	command -v wrk >/dev/null || { apt-get update && apt-get install -y wrk; }
	$(BIN)/python -m bench $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check wa_emulator tests bench

clean:
	rm -rf $(VENV) build *.egg-info
