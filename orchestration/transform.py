"""dbt models as Dagster assets, grouped by layer; dbt tests become asset checks."""

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from orchestration.ingest.loading import ensure_schema
from orchestration.paths import DBT_PROJECT_DIR
from orchestration.resources import WarehouseResource
from orchestration.settings import Settings, quiet_telemetry

# DbtCliResource looks for `dbt` on PATH; a headless run from cron has no
# activated venv, so point at the executable next to this interpreter.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_env() -> dict[str, str]:
    quiet_telemetry()
    settings = Settings.from_env()
    env = dict(os.environ)
    env["NARAVARD_WAREHOUSE"] = str(settings.warehouse)
    return env


def _newest_source_mtime() -> float:
    """Newest change to anything dbt parses (models, macros, seeds, yml)."""
    newest = 0.0
    for folder in ("models", "macros", "seeds", "tests", "analyses"):
        for p in (DBT_PROJECT_DIR / folder).rglob("*"):
            if p.is_file():
                newest = max(newest, p.stat().st_mtime)
    for name in ("dbt_project.yml", "profiles.yml"):
        newest = max(newest, (DBT_PROJECT_DIR / name).stat().st_mtime)
    return newest


def ensure_manifest(force: bool = False) -> Path:
    """`dbt parse` when the manifest is missing (a fresh clone) or older than
    the dbt project (an edited model would otherwise be unknown to Dagster;
    this also serves `dagster dev`)."""
    manifest = dbt_project.manifest_path
    if force or not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
        subprocess.run(
            [DBT_EXECUTABLE, "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
             "--profiles-dir", str(DBT_PROJECT_DIR)],
            check=True, env=dbt_env(), cwd=DBT_PROJECT_DIR,
        )
    return manifest


class NaravardTranslator(DagsterDbtTranslator):
    """Models keyed by [schema, name] (`marts/indikatorer`); groups are the dbt folders."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]
            return dg.AssetKey([schema, dbt_resource_props.get("alias") or dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


# Not dbt_project.prepare_if_dev(): it looks for a bare `dbt` on PATH, and
# ensure_manifest() already re-parses whenever the dbt project changed.
ensure_manifest()


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=NaravardTranslator())
def naravard_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
    # Staging views select from every raw table: create the empty ones first,
    # so a source that has not delivered yet is "no data", not a crash.
    with warehouse.connect() as con:
        ensure_schema(con)
    # The disclosure threshold is one setting for dbt and for publishing.
    threshold = Settings.from_env().suppression_threshold
    args = ["build", "--vars", json.dumps({"suppression_threshold": threshold})]
    # dagster_dbt reads `context.op`, deprecated on AssetExecutionContext (a warning in every
    # run); it works on the underlying op context anyway, so hand it that.
    yield from dbt.cli(args, context=context.op_execution_context).stream()


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR), dbt_executable=DBT_EXECUTABLE)
