"""The Dagster instance naravard runs in (DAGSTER_HOME): its dagster.yaml, shared by the
CLI (`naravard run`, `make dev`) and the tools that start pipelines of their own (the benchmark)."""
from __future__ import annotations

from orchestration.settings import Settings

DAGSTER_YAML_MARK = "# Written by naravard."
DAGSTER_YAML = DAGSTER_YAML_MARK + """ Nothing here may call home.
# Remove the line above to keep your own edits (naravard then leaves this file alone).
telemetry:
  enabled: false
# DuckDB allows one writer: the daemon starts one run at a time (sensor, schedule,
# backfill and UI runs wait in the queue). A `naravard run` counts as a run too.
# See docs/operations.md.
concurrency:
  runs:
    max_concurrent_runs: 1
"""


def ensure_dagster_home(settings: Settings) -> None:
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = settings.dagster_home / "dagster.yaml"
    # A file an earlier naravard wrote is brought up to date; one without the mark is the user's.
    if not cfg.exists() or (cfg.read_text().startswith(DAGSTER_YAML_MARK) and cfg.read_text() != DAGSTER_YAML):
        cfg.write_text(DAGSTER_YAML)
