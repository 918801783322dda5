# Soutien à la mission — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/soutien
# The demo's program date (soutien.core.clock); `make run PROGRAM_DATE=` runs on the real clock.
PROGRAM_DATE ?= 2019-10-15
AXE_VERSION := 4.14.1
AXE := var/npm/node_modules/axe-core/axe.min.js
# Every package, with its hashes, comes from a lock (docs/decisions/004-locked-dependencies.md).
RUN_LOCK := requirements/run.lock
DEV_LOCK := requirements/dev.lock
UV_VERSION := 0.13.9
UV := var/uv/bin/uv
# One resolution for every machine: Python 3.11, any platform (markers), every file hashed.
# LOCK_ARGS=--upgrade (or --upgrade-package NAME) moves pins; without it `make lock` keeps them.
LOCK_ARGS ?=
LOCK_FLAGS := --universal --python-version 3.11 --generate-hashes --quiet \
	--custom-compile-command "make lock" $(LOCK_ARGS)

.PHONY: run test test-all test-sqlite test-postgres lint typecheck format bench clean e2e-deps pdf-deps lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The lock brings pip, setuptools and wheel too: the project then installs with no
# dependencies and no build isolation, so nothing comes unpinned from the network.
$(VENV)/.installed: $(RUN_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(RUN_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: $(DEV_LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed

# Regenerates both locks from pyproject.toml (and requirements/build.in) with uv, installed
# in var/uv at a pinned version. Run it after changing a dependency; commit the locks.
lock: $(UV)
	$(UV) pip compile pyproject.toml requirements/build.in $(LOCK_FLAGS) -o $(RUN_LOCK)
	$(UV) pip compile pyproject.toml requirements/build.in --extra dev $(LOCK_FLAGS) -o $(DEV_LOCK)

$(UV):
	$(PYTHON) -m venv var/uv
	var/uv/bin/python -m pip install --quiet uv==$(UV_VERSION)

run: export SOUTIEN_PROGRAM_DATE = $(PROGRAM_DATE)
# Development asks for DEBUG (off otherwise), plain-HTTP cookies, and this host's port.
run: export DJANGO_DEBUG = 1
run: export SOUTIEN_ALLOWED_PORTS = $(PORT)
run: export SOUTIEN_SITE_URL ?= http://$(HOST):$(PORT)
run: $(VENV)/.installed
	$(BIN)/soutien-mission migrate --noinput
	$(BIN)/soutien-mission demo
	@# The daily accountability run (reports opened, reminders) waits in the worker's queue.
	$(BIN)/soutien-mission reminders --schedule
	@# The worker runs the background tasks (emails, exports) beside the server, and stops with it.
	@# Ctrl-C, a closed terminal or a kill stops both (a non-interactive shell's EXIT trap alone
	@# does not run when the shell is killed by a signal).
	$(BIN)/soutien-mission db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT; \
	trap 'kill $$worker 2>/dev/null; exit 130' INT TERM HUP; \
	$(BIN)/soutien-mission runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix src tests bench scripts
	$(BIN)/ruff format src tests bench scripts

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# The whole suite on SQLite; under CI (SOUTIEN_REQUIRE_POSTGRES=1, .ci/run) on PostgreSQL as
# well, whole. `make test-all` adds PostgreSQL's part outside CI (decision 014).
test: lint typecheck e2e-deps pdf-deps test-sqlite
	@if [ "$$SOUTIEN_REQUIRE_POSTGRES" = 1 ]; then $(MAKE) --no-print-directory test-postgres; \
	else echo "Suite PostgreSQL : make test-postgres (la CI la lance entière)."; fi

test-all: lint typecheck e2e-deps pdf-deps test-sqlite test-postgres

# Browser tests drive Debian's chromium (never a downloaded browser) and run axe-core.
e2e-deps: /usr/bin/chromium $(AXE)

/usr/bin/chromium:
	@if [ "$$(id -u)" != 0 ]; then echo "Installez chromium : sudo apt-get install chromium"; exit 1; fi
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-dejavu-core

# WeasyPrint subsets fonts with HarfBuzz's subset library (Debian's libharfbuzz-subset0);
# without it, it warns, and the suite treats warnings as errors.
pdf-deps:
	@if ! ldconfig -p | grep -q libharfbuzz-subset; then \
		if [ "$$(id -u)" != 0 ]; then echo "Installez libharfbuzz-subset0 : sudo apt-get install libharfbuzz-subset0"; exit 1; fi; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libharfbuzz-subset0; \
	fi

$(AXE):
	npm install --prefix var/npm --no-audit --no-fund --silent axe-core@$(AXE_VERSION)

# Parallel workers (pytest-xdist), one per core; TEST_WORKERS=0 runs the suite in one process
# (docs/decisions/014-fast-suite.md).
TEST_WORKERS ?= auto
# worksteal: a worker that runs out takes tests from the other's queue (even ends).
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

test-sqlite: $(VENV)/.installed-dev
	$(BIN)/soutien-mission makemigrations --check --dry-run
	$(PYTEST)

# Runs when PostgreSQL answers; SOUTIEN_REQUIRE_POSTGRES=1 (set by .ci/run) makes it mandatory
# and whole. Outside CI it runs the tests that use the database: the others do not depend on
# the engine and just ran on SQLite.
test-postgres: $(VENV)/.installed-dev
	@if $(BIN)/python scripts/pg_ready.py "$(PG_URL)"; then \
		if [ "$$SOUTIEN_REQUIRE_POSTGRES" = 1 ]; then part=; else part=--database-only; fi; \
		DATABASE_URL="$(PG_URL)" $(PYTEST) $$part; \
	elif [ "$$SOUTIEN_REQUIRE_POSTGRES" = 1 ]; then \
		echo "PostgreSQL injoignable à $(PG_URL)"; exit 1; \
	else \
		echo "PostgreSQL injoignable : suite PostgreSQL non lancée."; \
	fi

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/rules_bench.py
	$(BIN)/python bench/http_bench.py
	$(BIN)/python bench/glance_bench.py
	$(BIN)/python bench/workspace_bench.py
	$(BIN)/python bench/payments_bench.py
	$(BIN)/python bench/whatif_bench.py
	$(BIN)/python bench/campaign_bench.py
	$(BIN)/python bench/startup_bench.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .hypothesis
