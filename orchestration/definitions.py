"""The naravard code location (workspace.yaml): its settings read once, the dbt
manifest prepared, then the definitions built (orchestration/defs/)."""
from __future__ import annotations

from orchestration.dbt_cli import prepare
from orchestration.settings import Settings, quiet_telemetry

quiet_telemetry()
settings = Settings.from_env()
# The manifest must exist before the dbt assets are declared (their module reads it).
prepare(settings)

from orchestration.defs import build_definitions  # noqa: E402  (after the manifest is prepared)

defs = build_definitions(settings)
