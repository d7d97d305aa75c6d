# The two commands a newcomer runs: `make demo` and `make test`.
# Both create a local virtual environment (.venv) with everything the project needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean browser

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("PACE needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/pace demo

browser:
	@test -x /usr/bin/chromium || { if [ "$$(id -u)" = 0 ]; then apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; else sudo apt-get install -y chromium || { sudo apt-get update && sudo apt-get install -y chromium; }; fi; }

test: $(BIN)/.installed browser
	$(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check contracts pace services tests bench

bench: $(BIN)/.installed
	rm -f .bench-aims.jsonl
	for b in bench/bench_*.py; do PACE_BENCH_AIMS=.bench-aims.jsonl $(BIN)/python $$b || exit 1; done
	$(BIN)/python bench/summary.py .bench-aims.jsonl

clean:
	rm -rf $(VENV) .pytest_cache
