"""Helpers for the data-quality tests: real pipeline runs on small demo data.

A run of the whole pipeline takes a minute or two on two cores, so each test
module runs it once in a module-scoped fixture. `naravard_env` is function
scoped; `pointed_at` sets the same variables for a whole module.
"""
from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.conftest import pipeline_vars


@contextlib.contextmanager
def pointed_at(root: Path) -> Iterator[Path]:
    """What naravard_env does, for a module-scoped fixture: every path into root."""
    with pytest.MonkeyPatch.context() as mp:
        for name, value in pipeline_vars(root).items():
            mp.setenv(name, value)
        (root / "landing").mkdir(parents=True, exist_ok=True)
        (root / "dagster_home").mkdir(parents=True, exist_ok=True)
        (root / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        yield root


@dataclass
class CliRun:
    rc: int
    out: str
    err: str
    run_id: str
    checks: list  # AssetCheckEvaluation of the run


def run_naravard() -> CliRun:
    """`naravard run` as a scheduler would call it, with its output captured."""
    import dagster as dg

    from naravard import cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = cli.main(["run", "--log-level", "WARNING"])
    instance = dg.DagsterInstance.get()
    run_id = instance.get_runs(limit=1)[0].run_id
    checks = [r.dagster_event.event_specific_data for r in instance.all_logs(run_id)
              if r.dagster_event and r.dagster_event.event_type_value == "ASSET_CHECK_EVALUATION"]
    return CliRun(rc, out.getvalue(), err.getvalue(), run_id, checks)


def check_result(run: CliRun, asset: str, check: str):
    found = [c for c in run.checks if c.asset_key.to_user_string() == asset and c.check_name == check]
    assert found, f"no evaluation of {asset}:{check} in the run"
    return found[-1]


def findings(warehouse: Path) -> pd.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("SELECT * FROM marts.dq_findings ORDER BY check_id, period, unit_id").df()
    finally:
        con.close()


def read_landing_csv(landing: Path, rel: str, manifest: dict) -> pd.DataFrame:
    """A landing file read independently of the pipeline: text columns, lower-case headers."""
    df = pd.read_csv(landing / rel, sep=";", dtype=str, keep_default_na=False,
                     encoding=manifest["encodings"][rel])
    df.columns = [c.strip().lower() for c in df.columns]
    return df


def load_manifest(landing: Path) -> dict:
    return json.loads((landing / "DEFECTS.json").read_text(encoding="utf-8"))
