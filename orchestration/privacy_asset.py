"""The privacy scan as the last step of every run (issue 9, docs/security.md).

The serving copy and the report are scanned before they are published
(orchestration/publish/asset.py, orchestration/report/asset.py: a find and
nothing is renamed into place). This last step looks for clear personnummer
(by their shape: privacy.py) everywhere else the run wrote: the warehouse
(the raw extracts for the run's months), the serving folder as published, the
Data Docs, Dagster's event log of this run and the compute logs in
DAGSTER_HOME. A find fails the run (exit code non-zero from `naravard run`,
an alert from the daemon's run-failure sensor); the message names places and
counts, never a number. Alert payloads are masked where they are built
(orchestration/alerts).

(No `from __future__ import annotations`: Dagster reads the context annotation.)
"""

import dagster as dg

from pathlib import Path

from orchestration import privacy
from orchestration.ingest import landing as landing_scan
from orchestration.partitions import valid_months
from orchestration.resources import (
    LandingResource,
    ProgressResource,
    QualityResource,
    ServingResource,
    WarehouseResource,
)


def run_months(tags: dict, landing_dir: Path) -> set[str]:
    """The reporting months the run ingested (its partition range); a run
    without one (the monthly schedule) published what the newest month brought."""
    start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    if not start and tags.get("dagster/partition"):
        start = end = tags["dagster/partition"]
    if start and end:
        return {m for m in valid_months() if start <= m <= end}
    present = sorted({f.month for f in landing_scan.scan(landing_dir) if not f.problem})
    return set(present[-1:])


@dg.asset(
    key=["serving", "integritetskontroll"],
    deps=[dg.AssetKey(["serving", "naravard"]), dg.AssetKey(["serving", "rapport"])],
    group_name="serving",
    kinds={"python"},
    description="Privacy scan, last in every run: no clear personnummer (12- or 10-digit, valid check digit and "
    "date) in the warehouse, the serving copy (DuckDB, Parquet, CSV, report), the Data Docs or Dagster's logs. "
    "Fails the run on a find. The serving copy and the report were scanned before they were published.",
)
def privacy_scan(context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource,
                 serving: ServingResource, quality: QualityResource,
                 progress: ProgressResource) -> dg.MaterializeResult:
    months = run_months(context.run.tags, landing.dir)
    # DAGSTER_HOME: the instance's own folder (compute logs, the event log of a sqlite instance).
    places = [serving.dir, quality.docs, Path(context.instance.root_directory)]
    leaks = privacy.scan_run(warehouse.resolved_path(), places, months, context.instance, context.run.run_id,
                             progress.start("privacy scan", unit="places"))
    if leaks:
        raise dg.Failure(description=str(privacy.PersonalDataFound(leaks, "Withdraw the serving copy.")),
                         metadata={"places": len(leaks)})
    context.log.info("privacy scan: no clear personnummer found")
    return dg.MaterializeResult(metadata={
        "months": ", ".join(sorted(months)) or "-",
        "places_with_a_find": 0,
    })


def scan_staged(datadocs_dir: Path):
    """The check a publishing step hands to publish()/render(): a find is a
    dg.Failure naming places, raised before anything is renamed into place."""
    def check(staged):
        try:
            privacy.check_before_publishing(datadocs_dir, staged)
        except privacy.PersonalDataFound as e:
            raise dg.Failure(description=str(e), metadata={"places": len(e.leaks)}) from None
    return check
