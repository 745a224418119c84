"""What dominates a dbt build: the slowest nodes of a run, from dbt's run_results.json.

dagster-dbt gives every dbt invocation its own target folder under
dbt_project/target/ named `<asset>-<run_id[:7]>-<hash>`; the run id of a stage
comes from the stage's result, that of `naravard run`/`backfill` from the
site's Dagster instance (its newest run).
"""
from __future__ import annotations

import json
from pathlib import Path

from orchestration.paths import DBT_PROJECT_DIR


def newest_run_id(dagster_home: Path) -> str | None:
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(dagster_home))
    try:
        runs = instance.get_runs(limit=1)
        return runs[0].run_id if runs else None
    finally:
        instance.dispose()


def dbt_nodes(run_id: str | None, top: int = 8) -> dict:
    """{"total_s", "nodes", "tests_s", "unit_tests_s", "top": [[node, seconds], ...]} or {} if not found."""
    if not run_id:
        return {}
    files = sorted(DBT_PROJECT_DIR.glob(f"target/*-{run_id[:7]}-*/run_results.json"),
                   key=lambda p: p.stat().st_mtime)
    if not files:
        return {}
    data = json.loads(files[-1].read_text())
    rows = [(r["unique_id"], float(r.get("execution_time") or 0.0)) for r in data.get("results", [])]
    rows.sort(key=lambda r: -r[1])
    return {
        "total_s": round(sum(s for _, s in rows), 1),
        "elapsed_s": round(float(data.get("elapsed_time") or 0.0), 1),
        "nodes": len(rows),
        "models_s": round(sum(s for u, s in rows if u.startswith("model.")), 1),
        "tests_s": round(sum(s for u, s in rows if u.startswith("test.")), 1),
        "unit_tests_s": round(sum(s for u, s in rows if u.startswith("unit_test.")), 1),
        "top": [[u.split(".", 2)[-1], round(s, 1)] for u, s in rows[:top]],
    }


def step_times(dagster_home: Path, run_id: str | None = None) -> dict[str, float]:
    """Seconds per step of a Dagster run (the newest of the instance when run_id is None), from its event log."""
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(dagster_home))
    try:
        if run_id is None:
            runs = instance.get_runs(limit=1)
            if not runs:
                return {}
            run_id = runs[0].run_id
        started: dict[str, float] = {}
        out: dict[str, float] = {}
        for e in instance.all_logs(run_id):
            d = e.dagster_event
            if d is None or not e.step_key:
                continue
            if d.event_type_value == "STEP_START":
                started[e.step_key] = e.timestamp
            elif d.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and e.step_key in started:
                out[e.step_key] = round(e.timestamp - started[e.step_key], 1)
        return out
    finally:
        instance.dispose()


def by_stage(steps: dict[str, float]) -> dict[str, float]:
    """The steps of a naravard_full run summed by the bench's stages (stage.py)."""
    from orchestration.ingest.schemas import EXTRACTS

    source = {f"raw__{e.key}": f"ingest_{e.source}" for e in EXTRACTS}
    out: dict[str, float] = {}
    for step, s in steps.items():
        if step in source:
            stage = source[step]
        elif step in ("raw__landing_inventory", "raw___late_deliveries"):
            stage = "landing"
        elif step.startswith("kvalitet_raw_"):
            stage = "checks_raw"
        elif step == "naravard_dbt_assets":
            stage = "dbt_build"
        elif step.startswith("marts__"):
            stage = "checks_marts"
        elif step == "serving__naravard":
            stage = "publish"
        elif step == "serving__rapport":
            stage = "report"
        else:
            stage = f"other ({step})"
        out[stage] = round(out.get(stage, 0.0) + s, 1)
    return out
