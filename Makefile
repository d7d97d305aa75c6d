# The two commands a newcomer runs: `make demo` and `make test`.
# Both create a local virtual environment (.venv) with everything the project needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test test-fast lint bench clean browser lock docker docker-stop

# Every dependency from requirements.lock (pinned, hash-checked), then the project itself.
$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; sys.exit("PACE needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e '.[dev]'
	touch $@

# Re-resolve requirements.lock after changing the dependencies in pyproject.toml.
lock: $(BIN)/.installed
	$(BIN)/python tools/lock.py

demo: $(BIN)/.installed
	$(BIN)/pace demo

browser:
	@test -x /usr/bin/chromium || { if [ "$$(id -u)" = 0 ]; then apt-get install -y chromium || { apt-get update && apt-get install -y chromium; }; else sudo apt-get install -y chromium || { sudo apt-get update && sudo apt-get install -y chromium; }; fi; }

# A Docker engine for tests/deploy and the PostgreSQL test container: Debian's docker.io and
# dockerd when none answers (as root), Compose v2, the base images (stand-ins when the registry
# cannot be reached). `make test` stops the dockerd it started; no engine: those tests skip.
docker:
	@deploy/images/engine.sh start $(VENV)

docker-stop:
	@deploy/images/engine.sh stop $(VENV)

# The part that starts no process (pure rules, the services in process): well under a minute.
test-fast: $(BIN)/.installed
	$(BIN)/python -m pytest tests/unit tests/app

# Two workers (a whole test file each, longest files first: tests/conftest.py); the slowest
# tests are listed at the end.
test: $(BIN)/.installed browser docker
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder --durations=15; status=$$?; deploy/images/engine.sh stop $(VENV); exit $$status

# Style (ruff), the dependency rules between packages (import-linter, contracts in
# pyproject.toml) and types (mypy on contracts, pace and every service's domain). All three
# run, so one failure does not hide another; any failure fails the target.
lint: $(BIN)/.installed
	status=0; \
	$(BIN)/ruff check contracts pace services apps simulation tests bench tools || status=1; \
	$(BIN)/lint-imports --no-logo || status=1; \
	$(BIN)/mypy || status=1; \
	exit $$status

bench: $(BIN)/.installed
	rm -f .bench-aims.jsonl
	for b in bench/bench_*.py; do PACE_BENCH_AIMS=.bench-aims.jsonl $(BIN)/python $$b || exit 1; done
	$(BIN)/python bench/summary.py .bench-aims.jsonl

clean:
	rm -rf $(VENV) .pytest_cache
