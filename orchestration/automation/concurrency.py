"""One writer of the warehouse at a time, across the daemon and the headless commands.

DuckDB allows one writer process. Three guards, each for a different path:
- inside a run, the in-process executor runs steps one after another;
- runs the daemon starts (sensor, schedule, backfill, UI) wait in the run queue:
  the instance's dagster.yaml (written by `naravard run`) sets
  `concurrency: runs: max_concurrent_runs: 1`. The queue counts every active run
  in the instance, also an in-process `naravard run`, so queued runs wait for it;
- `naravard run` / `naravard backfill` take a file lock on the warehouse, and
  (`claim_instance`, here) refuse to start while a run started by the daemon or
  the UI is writing.

A headless run whose process died (killed, power cut) stays "started" in the
instance and would hold the queue forever. Holding the warehouse lock proves
no other headless run is alive, so `claim_instance` marks such runs failed.
"""
from __future__ import annotations

from pathlib import Path

import dagster as dg

TRIGGER_TAG = "naravard/trigger"
WAREHOUSE_TAG = "naravard/warehouse"
HEADLESS_TRIGGERS = ("cli", "backfill", "rebuild", "rekey")
# The statuses the run queue counts as holding a slot (dagster ACTIVE_RUN_STATUSES).
ACTIVE = [dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.CANCELING]


class WarehouseInUse(RuntimeError):
    pass


def claim_instance(instance: dg.DagsterInstance, warehouse: Path) -> list[str]:
    """Call while holding the warehouse's file lock, before an in-process run.

    Returns the ids of dead headless runs it marked failed; raises WarehouseInUse
    when a run started by the daemon or the UI is active."""
    cleared = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=ACTIVE)):
        headless = run.tags.get(TRIGGER_TAG) in HEADLESS_TRIGGERS
        if headless and run.tags.get(WAREHOUSE_TAG) not in (None, str(warehouse)):
            continue  # another warehouse: not our writer
        if headless:
            instance.report_run_failed(
                run, message="The naravard process running this run ended without finishing it (the warehouse "
                "lock was free again); marked failed so the run queue is not held.")
            cleared.append(run.run_id)
            continue
        raise WarehouseInUse(
            f"run {run.run_id} ({run.job_name}, started by the daemon or the UI) is {run.status.value.lower()}; "
            "it writes the warehouse. Try again when it has finished (see the Dagster UI).")
    return cleared
