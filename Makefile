# Two entry points for a newcomer (see README.md): `make run` and `make test`.
# Both create a local .venv on first use and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean-venv shots bench faults

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/annotator gui projects/ai-governance.sqlite

test: $(STAMP)
	$(BIN)/ruff check annotator tests bench
	$(BIN)/ruff format --check annotator tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

shots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m annotator.ui.shell.screenshots docs/screenshots

bench: $(STAMP)
	for b in bench/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || exit 1; done

# The long fault-injection runs behind docs/reliability.md (minutes; not part of `make test`).
faults: $(STAMP)
	for f in bench/fault_kill.py bench/fault_powercut.py bench/fault_two_writers.py bench/fuzz_imports.py; do \
	  [ -f $$f ] || continue; $(BIN)/python $$f || exit 1; done

clean-venv:
	rm -rf $(VENV)
