# naravard: `make run` and `make test` work on a fresh machine with Python 3.11.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
LANDING ?= $(or $(NARAVARD_LANDING_DIR),data/landing)

# Nothing may wait on the network: every tool's telemetry off.
export DAGSTER_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := False
export UV_PYTHON := $(PYTHON)
# One Dagster instance for the UI, the daemon and headless runs, so runs of
# `naravard run` show in the UI's history (CONTRACTS.md section 1).
export DAGSTER_HOME ?= $(abspath dagster_home)

.PHONY: run test dev setup demo-data bench clean contract docs

# uv installs the locked stack in seconds (pip takes a minute and a half);
# bootstrap it from PyPI into .uv/ unless the machine already has it.
UV := $(shell command -v uv 2>/dev/null || echo .uv/bin/uv)

.uv/bin/uv:
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(BIN)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	@touch $@

# The dbt manifest the Dagster definitions are declared from: `dbt parse` when it is
# missing or older than the dbt project (orchestration/dbt_cli.py), never at import.
setup: $(BIN)/.installed
	@$(BIN)/python -m orchestration.dbt_cli

demo-data: setup
	@if [ -z "$$(ls -A '$(LANDING)' 2>/dev/null)" ]; then \
	  echo "Landing folder $(LANDING) is empty: writing demo data for Region Västerbotten"; \
	  $(BIN)/naravard demo-data --out '$(LANDING)'; \
	fi

run: demo-data
	NARAVARD_LANDING_DIR='$(abspath $(LANDING))' $(BIN)/naravard run

# In parallel, one worker per core (pytest-xdist): each test file is one unit of work,
# and the files that share a session fixture are one unit (tests/conftest.py), so an
# expensive pipeline run happens once. Longest units first (--no-loadscope-reorder
# keeps that order). TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= auto
test: setup
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder

# `dagster dev` says on every start that it is superseded by `dg dev`, which needs the
# separate dagster-dg-cli and a dg project layout; until the project moves to it, that one
# warning (matched by its text, nothing else) is not printed.
DEV_WARNINGS := ignore:Function `dev_command` is superseded:FutureWarning
dev: setup
	@$(BIN)/python -c "from orchestration.instance import ensure_dagster_home; from orchestration.settings import Settings; ensure_dagster_home(Settings.from_env())"
	PATH="$(abspath $(BIN)):$$PATH" PYTHONWARNINGS='$(DEV_WARNINGS)' $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

docs: setup
	cd dbt_project && NARAVARD_WAREHOUSE=$${NARAVARD_WAREHOUSE:-$(abspath data/warehouse/naravard.duckdb)} \
	  ../$(BIN)/dbt docs generate --static --profiles-dir . --quiet
	@echo "dbt docs: open dbt_project/target/static_index.html in a browser (one self-contained file, works offline)"

# The default is a national month end to end (about 15 min). The increment and a corrected
# old month on 24 months of history: make bench BENCH_ARGS="--scale national --months 24"
# (about an hour; the history is seeded and built one month at a time: docs/benchmarks.md),
# or on a region: make bench BENCH_ARGS="--scale 1.0 --months 24".
BENCH_ARGS ?= --scale national --months 0
bench: setup
	$(BIN)/naravard bench $(BENCH_ARGS)

# The team's output-contract checker is not part of the project: point at it.
# make contract CHECK_CONTRACT=path/to/check_contract.py
contract: setup
	@test -n "$(CHECK_CONTRACT)" || { echo "make contract: set CHECK_CONTRACT=path/to/check_contract.py"; exit 2; }
	$(BIN)/python $(CHECK_CONTRACT) $(or $(NARAVARD_WAREHOUSE),data/warehouse/naravard.duckdb) \
	  $(or $(NARAVARD_SERVING_DIR),data/serving)

clean:
	rm -rf data dagster_home dbt_project/target dbt_project/logs
