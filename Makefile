# Two entry points that work on a fresh machine with Python 3.11+ and make:
#   make run    set up .venv and run the emulator on its sandbox
#   make test   set up .venv and run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/wa-emulator serve $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(ARGS)
	$(BIN)/ruff check emulator tests

lint: $(STAMP)
	$(BIN)/ruff check emulator tests

clean:
	rm -rf $(VENV) build *.egg-info
