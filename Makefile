# transform: `make run` serves the app with demo data; `make test` runs the suite on
# SQLite and PostgreSQL; `make bench` runs the benchmarks.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
# The benchmarks' scratch database: THEY WIPE IT. Created when missing.
PG_BENCH_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/transform_bench

export FLASK_APP := wsgi.py

.PHONY: run install test test-sqlite test-sqlite-lane test-postgres test-clock bench lint format migration clean audit audit-if-reachable

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(STAMP)

run: $(STAMP)
	TRANSFORM_ENV=development $(FLASK) db upgrade
	TRANSFORM_ENV=development $(FLASK) seed
	TRANSFORM_ENV=development $(FLASK) demo load --if-empty
	TRANSFORM_ENV=development $(FLASK) demo logins
	TRANSFORM_ENV=development $(FLASK) run --host 127.0.0.1 --port 5000

# Two lanes side by side (two cores): the PostgreSQL suite, and the SQLite suite followed
# by the demo tests with the clock a year ahead and a year back (the PostgreSQL pass is the
# longer, so the clock runs go after SQLite). CI takes the longer lane instead of the sum.
# Each run's output prints whole when it ends.
test: $(STAMP)
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite-lane test-postgres

test-sqlite-lane: $(STAMP)
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-clock

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite =="
	TEST_DATABASE_URL= $(BIN)/python -m pytest

# The tests that load the demo, run again with the process's clock a year ahead and a
# year back (Debian's faketime): a module that reads the wall clock instead of
# transform.clock, or a test that mixes the two, fails here whatever day it is.
# A test file that loads the demo or takes the `demo` fixture is in; a conftest that
# loads the demo stands for its folder (the root conftest only defines the fixture).
CLOCK_FOUND = $(sort $(foreach f,$(shell grep -rlE --include='*.py' 'load_demo|demo_programme|[(, ]demo[,)]' tests | grep -v -e '^tests/browser/' -e '^tests/conftest.py$$'),$(if $(findstring conftest.py,$(f)),$(dir $(f)),$(f))))
# Left out of the clock runs: tests that load the demo only as a backdrop and read none of
# its dates (bad-input fuzzing, the OpenAPI contract, migrations, backups, Redis sharing, the
# org tree). They run in both database passes; the clock runs keep CI under 45 minutes.
CLOCK_BACKDROP = tests/fuzz/ tests/api/test_api_schemathesis.py tests/test_migrations.py \
	tests/test_backup.py tests/test_shared_state.py tests/indices/test_shared_dashboard_cache.py \
	tests/indices/test_rescore_jobs.py \
	tests/teams/test_teams.py tests/factories.py
CLOCK_TESTS = $(filter-out $(CLOCK_BACKDROP),$(CLOCK_FOUND))
CLOCK_SHIFTS ?= +365d -365d
# The clock runs keep their Redis test keys apart from the PostgreSQL pass beside them.
CLOCK_REDIS_DB ?= 15
test-clock: $(STAMP)
	@if ! command -v faketime >/dev/null; then \
		if [ "$$CI" = "true" ]; then echo "faketime is missing; CI may not skip the clock run." >&2; exit 1; fi; \
		echo "== faketime is not installed (apt-get install faketime): skipped the clock run =="; \
	else \
		for shift in $(CLOCK_SHIFTS); do \
			echo "== demo tests with the clock moved $$shift =="; \
			FAKETIME_DONT_FAKE_MONOTONIC=1 TEST_DATABASE_URL= \
				REDIS_TEST_URL=redis://127.0.0.1:6379/$(CLOCK_REDIS_DB) faketime -f "$$shift" \
				$(BIN)/python -m pytest -q -p no:cacheprovider $(CLOCK_TESTS) || exit 1; \
		done; \
	fi

# Runs on PostgreSQL when TEST_DATABASE_URL is set or a server answers on
# 127.0.0.1:5432; under CI=true a missing server fails the run instead of skipping.
# The fuzzers run 40 examples per form here, 100 on SQLite (tests/fuzz/conftest.py).
test-postgres: $(STAMP)
	@url="$${TEST_DATABASE_URL:-$(PG_TEST_URL)}"; \
	if $(BIN)/python scripts/pg_answers.py "$$url"; then \
		echo "== test suite on PostgreSQL =="; \
		TEST_DATABASE_URL="$$url" FUZZ_EXAMPLES="$${FUZZ_EXAMPLES:-40}" \
			REDIS_TEST_URL="$${REDIS_TEST_URL:-redis://127.0.0.1:6379/14}" $(BIN)/python -m pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL does not answer at $$url; CI may not skip it." >&2; exit 1; \
	else \
		echo "== PostgreSQL does not answer at $$url: skipped the PostgreSQL run =="; \
	fi

# On PostgreSQL too (the load benchmark only there) when BENCH_DATABASE_URL is set or a
# server answers on 127.0.0.1:5432.
bench: $(STAMP)
	@url="$${BENCH_DATABASE_URL:-$(PG_BENCH_URL)}"; \
	if $(BIN)/python scripts/pg_answers.py --create "$$url"; then \
		BENCH_DATABASE_URL="$$url" $(BIN)/python -m bench; \
	else \
		echo "== PostgreSQL does not answer at $$url: benchmarks on SQLite only =="; \
		$(BIN)/python -m bench; \
	fi

# Audits requirements.lock (every installed distribution, pinned; regenerate it with
# `$(BIN)/python -m pip freeze --exclude-editable` after changing dependencies) against
# PyPI's vulnerability data. --strict fails on any known vulnerability and on any package
# it could not check, so an unreachable vulnerability service fails the run too.
audit: $(STAMP)
	$(BIN)/pip-audit --strict --no-deps --disable-pip --progress-spinner off -r requirements.lock

# CI's audit: the same, where PyPI's vulnerability data answers; on a machine that
# reaches the package registry only, it says so and skips.
audit-if-reachable: $(STAMP)
	@if $(BIN)/python scripts/audit_service_answers.py requirements.lock; then \
		$(MAKE) --no-print-directory audit; \
	else \
		echo "== pip-audit skipped: no vulnerability service reachable =="; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check transform tests bench scripts
	$(BIN)/ruff format --check transform tests bench scripts

format: $(STAMP)
	$(BIN)/ruff format transform tests bench scripts
	$(BIN)/ruff check --fix transform tests bench scripts

# Autogenerate a migration against a scratch database built by the existing ones.
migration: $(STAMP)
	@test -n "$(m)" || (echo 'usage: make migration m="what changed"' >&2; exit 2)
	rm -f /tmp/transform-migration.db
	DATABASE_URL=sqlite:////tmp/transform-migration.db TRANSFORM_ENV=development $(FLASK) db upgrade
	DATABASE_URL=sqlite:////tmp/transform-migration.db TRANSFORM_ENV=development $(FLASK) db migrate -m "$(m)"

clean:
	rm -rf $(VENV) .pytest_cache
