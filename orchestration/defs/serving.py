"""The serving layer's assets: the serving copy, the report, and the privacy scan that ends every run.

serving/naravard        the read-only copy for BI tools (orchestration/publish)
serving/rapport         the report people read, its own asset so that it shows (and can be re-run)
                        on its own in the UI, and a failing chart never holds back the data BI tools read
serving/integritetskontroll  the privacy scan, last in every run (issue 9, docs/security.md)

The serving copy and the report are scanned before they are published
(scan_staged: a find and nothing is renamed into place). The last step looks
for clear personnummer (by their shape: privacy.py) everywhere else the run
wrote: the warehouse (the raw extracts for the run's months), the serving
folder as published, the Data Docs, Dagster's event log of this run and the
compute logs in DAGSTER_HOME. A find fails the run (exit code non-zero from
`naravard run`, an alert from the daemon's run-failure sensor); the message
names places and counts, never a number. Alert payloads are masked where they
are built (orchestration/alerts).

(No `from __future__ import annotations`: Dagster reads the context annotation.)
"""

from pathlib import Path

import dagster as dg

from orchestration import privacy
from orchestration.defs.dbt import MART_KEYS
from orchestration.ingest import landing as landing_scan
from orchestration.partitions import valid_months
from orchestration.publish.folder import publish
from orchestration.publish.guard import PublishRefused
from orchestration.publish.serving_db import SERVING_DB
from orchestration.report import REPORT_DIR, render
from orchestration.resources import (
    LandingResource,
    ProgressResource,
    QualityResource,
    ServingResource,
    WarehouseResource,
)


def scan_staged(datadocs_dir: Path):
    """The check a publishing step hands to publish()/render(): a find is a
    dg.Failure naming places, raised before anything is renamed into place."""
    def check(staged):
        try:
            privacy.check_before_publishing(datadocs_dir, staged)
        except privacy.PersonalDataFound as e:
            raise dg.Failure(description=str(e), metadata={"places": len(e.leaks)}) from None
    return check


@dg.asset(
    key=["serving", "naravard"],
    # After every mart and its dbt tests, so the copy is never from a half-built run.
    deps=MART_KEYS,
    group_name="serving",
    kinds={"duckdb", "parquet", "csv"},
    description="The read-only copy for BI tools: serving/naravard.duckdb (published marts and meta.publication), "
    "parquet/<mart>.parquet and indikatorer.csv, each replaced atomically. What is published follows the "
    "disclosure rule in orchestration/publish/disclosure.py (docs/bi.md). Scanned for clear personnummer before "
    "anything is renamed into place: a find publishes nothing and keeps the previous copy.",
)
def serving_copy(context: dg.AssetExecutionContext, warehouse: WarehouseResource, serving: ServingResource,
                 quality: QualityResource) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        try:
            publication, left_out = publish(con, serving.dir, serving.suppression_threshold,
                                            run_id=context.run.run_id, check_staged=scan_staged(quality.docs))
        except PublishRefused as e:  # one line that says what to do; retrying would not change it
            raise dg.Failure(description=str(e), allow_retries=False) from None
    if left_out:
        context.log.warning(f"not published (unknown to the disclosure rule): {', '.join(left_out)}")
    context.log.info(f"published {publication.publication_id} to {serving.dir}")
    return dg.MaterializeResult(metadata={
        "publication_id": publication.publication_id,
        "serving_dir": dg.MetadataValue.path(str(serving.dir)),
        "suppression_threshold": publication.suppression_threshold,
        "not_published": ", ".join(left_out) or "-",
        **{f"rows_{t}": n for t, n in publication.row_counts.items()},
    })


@dg.asset(
    key=["serving", "rapport"],
    deps=[dg.AssetKey(["serving", "naravard"])],
    group_name="serving",
    kinds={"html", "plotly"},
    description="The report people read: serving/rapport/index.html (Swedish; trends per region, länsdel and "
    "kommun against the targets, health centres, data-quality gaps), made from the serving copy, offline.",
)
def rapport(context: dg.AssetExecutionContext, serving: ServingResource,
            quality: QualityResource) -> dg.MaterializeResult:
    path = render(serving.dir / SERVING_DB, serving.dir / REPORT_DIR, check_staged=scan_staged(quality.docs))
    context.log.info(f"report written to {path}")
    return dg.MaterializeResult(metadata={
        "path": dg.MetadataValue.path(str(path)),
        "size_kb": round(path.stat().st_size / 1024),
    })


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
