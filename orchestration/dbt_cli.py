"""The dbt project as dagster-dbt sees it: the DbtProject, dbt's executable, the
resource that runs it with our settings, and the preparer that writes the manifest.

The manifest (`dbt parse`) is written before the definitions are loaded, never
at import: `make setup` runs `python -m orchestration.dbt_cli`, and the two
entry points that load the definitions (orchestration/definitions.py for the
UI and the daemon, the CLI for `naravard run`) call `prepare(settings)` first;
it parses only when the manifest is missing or older than the dbt project.

dbt is given what it needs on its command line, as --vars (dbt_project/profiles.yml
reads them): DbtCliResource starts dbt with a copy of this process's environment
and has no parameter for another, and its in-process adapter handle reads the
profile with the command's --vars too. So nothing has to be written into
the process environment for dbt (docs/decisions.md, "One reader of configuration").
"""
from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.dbt_project import DbtProjectPreparer
from packaging import version

from orchestration.paths import DBT_PROJECT_DIR
from orchestration.settings import DEFAULT_DUCKDB_MEMORY_LIMIT, Settings, child_env, quiet_telemetry

# DbtCliResource looks for `dbt` on PATH; a headless run from cron has no
# activated venv, so point at the executable next to this interpreter.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def dbt_vars(warehouse: Path | str, memory_limit: str, suppression_threshold: int) -> list[str]:
    """The --vars of every dbt command. `dbt parse` and `dbt build` must pass the same:
    dbt keeps its partial parse (partial_parse.msgpack, copied into each build's target
    folder by dagster-dbt) only while vars, profile and target are unchanged; with
    different vars every build said "Unable to do partial parsing" and parsed anew."""
    # The disclosure threshold is one setting for dbt and for publishing.
    return ["--vars", json.dumps({"naravard_warehouse": str(warehouse), "duckdb_memory_limit": memory_limit,
                                  "suppression_threshold": suppression_threshold}, sort_keys=True)]


class NaravardDbtResource(DbtCliResource):
    """DbtCliResource with what dbt needs from the settings: the warehouse, DuckDB's memory
    limit (NARAVARD_DUCKDB_MEMORY_LIMIT) and the disclosure threshold, passed as --vars."""

    warehouse: str
    memory_limit: str = DEFAULT_DUCKDB_MEMORY_LIMIT
    suppression_threshold: int = 5

    def vars_args(self) -> list[str]:
        return dbt_vars(self.warehouse, self.memory_limit, self.suppression_threshold)

    # Two things DbtCliResource.cli does before every build that cost a run about ten seconds
    # on a two-core machine and give it nothing (docs/benchmarks.md, "Fixed costs of a run"):

    @cached_property
    def _cli_version(self) -> version.Version:
        """dbt's version from this environment's package metadata. dagster-dbt asks
        `dbt --version`: a second dbt process (about 7 s, most of it importing dbt) that
        also looks up the newest release on PyPI. The executable is this venv's own
        (DBT_EXECUTABLE), so the installed dbt-core is its version."""
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        """No in-process dbt adapter: dagster-dbt opens one (importing dbt and loading its
        macros into the step's process) only for fetch_row_counts / fetch_column_metadata,
        which naravard does not call. Without it the events carry the same materializations
        and check results."""
        return None


def dbt_resource(settings: Settings) -> NaravardDbtResource:
    return NaravardDbtResource(project_dir=dbt_project, profiles_dir=str(DBT_PROJECT_DIR),
                               dbt_executable=DBT_EXECUTABLE, warehouse=str(settings.warehouse),
                               memory_limit=settings.duckdb_memory_limit,
                               suppression_threshold=settings.suppression_threshold)


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


class ParseWhenStale(DbtProjectPreparer):
    """`dbt parse` with the venv's dbt and the run's --vars, when the manifest is missing
    (a fresh clone) or older than the dbt project (an edited model would otherwise be
    unknown to Dagster). Not dagster-dbt's own preparer: that one runs a bare `dbt` from
    PATH and parses on every load under `dagster dev` only."""

    def __init__(self, settings: Settings, force: bool = False):
        self.settings, self.force = settings, force

    def prepare(self, project: DbtProject) -> None:
        manifest = project.manifest_path
        if self.force or not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
            s = self.settings
            subprocess.run(
                [DBT_EXECUTABLE, "parse", "--quiet",
                 *dbt_vars(s.warehouse, s.duckdb_memory_limit, s.suppression_threshold),
                 "--project-dir", str(project.project_dir), "--profiles-dir", str(project.profiles_dir)],
                check=True, env=child_env(), cwd=project.project_dir,
            )


def prepare(settings: Settings, force: bool = False) -> Path:
    """The manifest, written first when needed (ParseWhenStale)."""
    ParseWhenStale(settings, force).prepare(dbt_project)
    return dbt_project.manifest_path


if __name__ == "__main__":  # make setup; `--force`: parse for these settings even when the manifest is fresh
    quiet_telemetry()
    # Parsing reads no data: the key is neither needed nor checked here.
    prepare(Settings.from_env(check_key=False), force="--force" in sys.argv[1:])
