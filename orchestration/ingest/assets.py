"""Dagster assets for ingestion: one per extract type, partitioned by reporting month.

The assets are thin: which files to load comes from `landing`, how to load
them from `loading`. Each asset takes a range of months in one step
(single-run backfill policy), so a backfill of 24 months is one step, not 24.
"""

import dagster as dg

from orchestration.ingest import landing, loading
from orchestration.ingest.schemas import EXTRACTS, Extract
from orchestration.partitions import monthly_partitions
from orchestration.progress import Progress
from orchestration.resources import WarehouseResource
from orchestration.settings import Settings

RAW_GROUP = "raw"


def _summary(outcomes: list[loading.LoadOutcome], missing: list[str]) -> dict:
    files = [o for o in outcomes]
    meta = {
        "files": len(files),
        "loaded": sum(o.status in (loading.STATUS_LOADED, loading.STATUS_PARTIAL) for o in files),
        "unchanged": sum(o.status == loading.STATUS_UNCHANGED for o in files),
        "files_set_aside": sum(o.status == loading.STATUS_FILE_SET_ASIDE for o in files),
        "rows_read": sum(o.rows_read for o in files),
        "rows_loaded": sum(o.rows_loaded for o in files),
        "rows_set_aside": sum(o.rows_set_aside for o in files),
        "months_without_file": ", ".join(missing) or "none",
    }
    table = "\n".join(
        f"| {o.file_name} | {o.status} | {o.rows_read} | {o.rows_loaded} | {o.rows_set_aside} | {o.message} |"
        for o in files
    )
    if table:
        meta["loads"] = dg.MetadataValue.md(
            "| file | status | read | loaded | set aside | message |\n|---|---|---|---|---|---|\n" + table
        )
    return meta


def build_ingest_asset(extract: Extract) -> dg.AssetsDefinition:
    @dg.asset(
        name=extract.key,
        key_prefix=["raw"],
        partitions_def=monthly_partitions,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name=RAW_GROUP,
        kinds={"pandas", "duckdb"},
        description=f"raw.{extract.key}: {extract.description} (landing/{extract.folder}/"
        f"{extract.name}_YYYY-MM.csv), typed and pseudonymised.",
        retry_policy=dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL),
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
        settings = Settings.from_env()
        outcomes: list[loading.LoadOutcome] = []
        missing: list[str] = []
        with warehouse.connect() as con:
            loading.ensure_schema(con)
            progress = Progress(f"ingest raw.{extract.key}", total=len(context.partition_keys), unit="months")
            for month in context.partition_keys:
                path = landing.file_for(settings.landing_dir, extract, month)
                if not path.exists():
                    missing.append(month)
                    continue
                outcome = loading.load_file(con, extract, path, month, settings.pseudonym_key, settings.archive_dir)
                progress.step(f"{outcome.file_name}: {outcome.rows_read} rows, {outcome.status}")
                # Messages never hold a clear personnummer (loading masks them).
                if outcome.status == loading.STATUS_FILE_SET_ASIDE:
                    context.log.error(f"set aside whole: {outcome.message}")
                elif outcome.rows_set_aside:
                    context.log.warning(f"{outcome.file_name}: {outcome.message}")
                else:
                    context.log.info(f"{outcome.file_name}: {outcome.status}; {outcome.message}")
                outcomes.append(outcome)
            progress.done(f"{sum(o.rows_read for o in outcomes)} rows read; months without a file: {len(missing)}")
        return dg.MaterializeResult(metadata=_summary(outcomes, missing))

    return _ingest


ingest_assets = [build_ingest_asset(e) for e in EXTRACTS]


@dg.asset(
    key=["raw", "landing_inventory"],
    group_name=RAW_GROUP,
    kinds={"python"},
    description="Scans the landing folder: files whose name or month cannot be loaded are archived and "
    "logged as set aside in raw._load_log, so the sender can be told.",
)
def landing_inventory(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = Settings.from_env()
    files = landing.scan(settings.landing_dir)
    problems = [f for f in files if f.problem]
    with warehouse.connect() as con:
        loading.ensure_schema(con)
        for f in problems:
            loading.record_file_set_aside(con, f.path, f.source, f.extract.key if f.extract else None, f.month,
                                          f.problem, settings.archive_dir)
            context.log.error(f"set aside: {f.problem}")
    return dg.MaterializeResult(
        metadata={
            "landing_dir": str(settings.landing_dir),
            "files": len(files),
            "loadable": len(files) - len(problems),
            "set_aside": len(problems),
        }
    )
