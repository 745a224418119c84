"""One stage of the pipeline, run on its own: a Dagster run of the project's own assets and checks.

    python -m naravard.bench.stage STAGE [--from YYYY-MM --to YYYY-MM] [--result FILE]

The stages are selections of the real naravard_full job (orchestration/definitions.py),
in its order; together they are the whole job:

  ingest_<source>  the raw assets of one source (its extracts), for the months given
  landing          raw/landing_inventory and raw/_late_deliveries (with its check)
  checks_raw       the raw assets' checks (leverans, the GX suites), for the months given
  dbt_build        the dbt assets and their dbt tests: one `dbt build`
  checks_marts     the GX check of marts.indikatorer and the dq_findings check
  publish          serving/naravard (the serving copy)
  report           serving/rapport
  other            whatever else the full job holds (e.g. a privacy scan added later), so that
                   the stages always add up to naravard_full

Each runs in the instance of DAGSTER_HOME with the in-process executor, as
`naravard run` does. The result (work time inside the run, success) is written
as JSON to --result; the caller measures the process (naravard/bench/measure.py).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from orchestration.ingest.schemas import SOURCES

STAGES = [*(f"ingest_{s}" for s in SOURCES), "landing", "checks_raw", "dbt_build", "checks_marts", "publish", "report",
          "other"]
# Not part of the sequence above: every source's ingestion in one run (the bench test's quick path).
EXTRA_STAGES = ["ingest"]
PARTITIONED = {*(f"ingest_{s}" for s in SOURCES), "ingest", "landing", "checks_raw"}


def selection(stage: str):
    """The stage's part of naravard_full, as an asset selection."""
    import dagster as dg

    if stage != "other":
        return _named_selection(stage)
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    named = [_named_selection(s) for s in STAGES if s != "other"]  # the ingest_<source> stages cover "ingest"
    assets = set(graph.executable_asset_keys)
    checks = set(graph.asset_check_keys)
    for sel in named:
        assets -= sel.resolve(graph)
        checks -= sel.resolve_checks(graph)
    return dg.AssetSelection.assets(*sorted(assets, key=str)).without_checks() | dg.AssetSelection.checks(
        *sorted(checks, key=str))


def _named_selection(stage: str):
    import dagster as dg

    from orchestration.definitions import defs  # noqa: F401  (prepares the dbt manifest first)
    from orchestration.defs.ingest import ingest_assets, landing_inventory, late_deliveries
    from orchestration.ingest.schemas import EXTRACTS
    from orchestration.defs.quality import (dq_findings_registreringsluckor, indikatorer_gx_kontrakt,
                                            raw_checks)
    from orchestration.defs.dbt import naravard_dbt_assets

    if stage.startswith("ingest"):
        source = stage.removeprefix("ingest").removeprefix("_")
        keys = [dg.AssetKey(["raw", e.key]) for e in EXTRACTS if e.source == source or not source]
        assert {k for a in ingest_assets for k in a.keys} >= set(keys)
        return dg.AssetSelection.assets(*keys).without_checks()
    if stage == "landing":
        late = list(late_deliveries.keys)
        # The inventory reports its own check (filer_redovisade) with the asset: select both.
        return (dg.AssetSelection.assets(*landing_inventory.keys, *late).without_checks()
                | dg.AssetSelection.checks(*landing_inventory.check_keys,
                                           *late_deliveries.check_keys))
    if stage == "checks_raw":
        return dg.AssetSelection.checks(*(c for chk in raw_checks for c in chk.check_keys))
    if stage == "dbt_build":
        return (dg.AssetSelection.assets(*naravard_dbt_assets.keys).without_checks()
                | dg.AssetSelection.checks(*naravard_dbt_assets.check_keys))
    if stage == "checks_marts":
        return dg.AssetSelection.checks(*indikatorer_gx_kontrakt.check_keys,
                                        *dq_findings_registreringsluckor.check_keys)
    if stage == "publish":
        return dg.AssetSelection.assets(dg.AssetKey(["serving", "naravard"])).without_checks()
    if stage == "report":
        return dg.AssetSelection.assets(dg.AssetKey(["serving", "rapport"])).without_checks()
    raise SystemExit(f"unknown stage {stage}; one of {', '.join(STAGES)}")


def run_stage(stage: str, first: str | None, last: str | None) -> dict:
    import dagster as dg

    from orchestration.definitions import defs

    started = time.perf_counter()
    sel = selection(stage)
    graph = defs.resolve_asset_graph()
    if not sel.resolve(graph) and not sel.resolve_checks(graph):
        return {"stage": stage, "success": True, "work_s": 0.0, "setup_s": round(time.perf_counter() - started, 3),
                "run_id": None, "failures": [], "empty": True}
    job = dg.define_asset_job(f"bench_{stage}", selection=sel)
    job_def = dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def(f"bench_{stage}")
    tags = {"naravard/trigger": "bench"}
    partitioned = any(graph.get(k).partitions_def is not None for k in sel.resolve(graph))
    if stage in PARTITIONED or partitioned:
        if not (first and last):
            raise SystemExit(f"stage {stage} needs --from and --to")
        tags.update({"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last})
    instance = dg.DagsterInstance.get()
    setup_s = time.perf_counter() - started
    t0 = time.perf_counter()
    result = job_def.execute_in_process(
        instance=instance, tags=tags, raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}})
    work_s = time.perf_counter() - t0
    failures = []
    for e in result.all_events:
        if e.is_step_failure:
            err = e.step_failure_data.error
            failures.append(f"{e.step_key}: {err.message.strip()[:500] if err else 'unknown error'}")
    return {"stage": stage, "success": result.success, "work_s": round(work_s, 3), "setup_s": round(setup_s, 3),
            "run_id": result.run_id, "failures": failures}


def main(argv: list[str] | None = None) -> int:
    from orchestration.settings import quiet_telemetry

    quiet_telemetry()
    p = argparse.ArgumentParser(prog="python -m naravard.bench.stage")
    p.add_argument("stage", choices=STAGES + EXTRA_STAGES)
    p.add_argument("--from", dest="first")
    p.add_argument("--to", dest="last")
    p.add_argument("--result", type=Path)
    a = p.parse_args(argv)
    out = run_stage(a.stage, a.first, a.last)
    if a.result:
        a.result.write_text(json.dumps(out))
    print(json.dumps(out))
    return 0 if out["success"] else 1


if __name__ == "__main__":
    sys.exit(main())
