"""The privacy scan as the last step of every run (issue 9, docs/security.md).

It looks for the clear personnummer of the run's deliveries everywhere the run
wrote: every table of the warehouse (the raw extracts for the run's months),
the serving copy, its Parquet and CSV files and the report, the Data Docs,
Dagster's event log of this run and the compute logs in DAGSTER_HOME. A find
fails the run (exit code non-zero from `naravard run`, an alert from the
daemon's run-failure sensor); the message names places and counts, never a
number. Alert payloads are masked where they are built (orchestration/alerts).

(No `from __future__ import annotations`: Dagster reads the context annotation.)
"""

import dagster as dg

from orchestration import privacy
from orchestration.ingest import landing
from orchestration.partitions import valid_months
from orchestration.settings import Settings


def run_months(tags: dict, settings: Settings) -> set[str]:
    """The reporting months the run ingested (its partition range); a run
    without one (the monthly schedule) published what the newest month brought."""
    start, end = tags.get("dagster/asset_partition_range_start"), tags.get("dagster/asset_partition_range_end")
    if not start and tags.get("dagster/partition"):
        start = end = tags["dagster/partition"]
    if start and end:
        return {m for m in valid_months() if start <= m <= end}
    present = sorted({f.month for f in landing.scan(settings.landing_dir) if not f.problem})
    return set(present[-1:])


@dg.asset(
    key=["serving", "integritetskontroll"],
    deps=[dg.AssetKey(["serving", "naravard"]), dg.AssetKey(["serving", "rapport"])],
    group_name="serving",
    kinds={"python"},
    description="Privacy scan, last in every run: no clear personnummer of the run's deliveries in the warehouse, "
    "the serving copy (DuckDB, Parquet, CSV, report), the Data Docs or Dagster's logs. Fails the run on a find.",
)
def privacy_scan(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = Settings.from_env()
    months = run_months(context.run.tags, settings)
    needles, leaks = privacy.scan_run(settings, months, context.instance, context.run.run_id)
    if leaks:
        raise dg.Failure(
            description=f"clear personnummer found in {len(leaks)} place(s): " + "; ".join(map(str, leaks))
            + ". Treat it as a personal-data incident (docs/security.md): withdraw the serving copy and tell the "
            "data protection officer.",
            metadata={"places": len(leaks)},
        )
    context.log.info(f"privacy scan: none of the {needles} personnummer delivered for the run's months found")
    return dg.MaterializeResult(metadata={
        "months": ", ".join(sorted(months)) or "-",
        "personnummer_searched": needles,
        "places_with_a_find": 0,
    })
