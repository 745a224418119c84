"""The raw layer's assets: one per extract, the landing inventory, and the late deliveries.

raw/<extract>        one per extract type, partitioned by reporting month. Thin: which
                     files to load comes from `ingest.landing`, how to load them from
                     `ingest.loading`. Each asset takes a range of months in one step
                     (single-run backfill policy), so a backfill of 24 months is one step.
raw/landing_inventory  every file in the landing folder accounted for, with its check.
raw/_late_deliveries   the late-delivery rule (automation/late.py) with the check that alerts on it.

(No `from __future__ import annotations`: Dagster reads the context annotation.)
"""

import contextlib
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from orchestration.automation import coverage, late
from orchestration.defs.quality import GX_KONTRAKT
from orchestration.ingest import faults, key_guard, loading
from orchestration.ingest import landing as landing_scan
from orchestration.ingest.schemas import EXTRACTS, Extract
from orchestration.landing_names import IGNORED, SET_ASIDE
from orchestration.partitions import monthly_partitions
from orchestration.quality import prewarm
from orchestration.resources import (
    ArchiveResource,
    LandingResource,
    ProgressResource,
    PseudonymKeyResource,
    WarehouseResource,
)
from orchestration.settings import TIMEZONE

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


def same_key(con, key: str, warehouse: Path) -> None:
    """Stop (without retries: waiting does not change a key) when the key is not the warehouse's."""
    try:
        key_guard.ensure(con, key, warehouse)
    except key_guard.KeyChanged as e:
        raise dg.Failure(description=str(e), allow_retries=False) from None


def _emptied_line(extract: Extract, outcome: loading.LoadOutcome) -> str:
    """The console line for a delivery with a header and no rows: by the contract it empties the month."""
    replaced = f"; the {outcome.replaced_rows} rows of the earlier delivery are gone" if outcome.replaced_rows else ""
    return (f"{outcome.file_name}: a header and no rows, so raw.{extract.key} is now empty for {outcome.month}"
            f"{replaced} (DQ_MANAD_TOM in marts.dq_findings). If that was not meant, ask the sender to deliver "
            "the file again with its rows.")


def _load_one(con, extract: Extract, f: landing_scan.LandingFile, month: str, key: str, archive_dir: Path,
              memory_limit: str) -> loading.LoadOutcome:
    """Load one delivery. A data error on it (not a transient fault: those go to the RetryPolicy)
    sets this file aside whole, so the other files of the run are still archived and loaded."""
    try:
        return loading.load_file(con, extract, f.path, month, key, archive_dir, memory_limit=memory_limit)
    except Exception as e:
        if faults.is_transient(e):
            raise
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")  # load_file rolls its transaction back; this is for a failure before it
        return loading.record_file_set_aside(con, f.path, extract.source, extract.key, month,
                                             faults.file_failed(f.path.name, e), archive_dir,
                                             dedupe=False)


def _checks_of_run(context: dg.AssetExecutionContext) -> list[dg.AssetCheckKey]:
    """The asset checks this run executes: the run's own selection, or (None, as for a job
    run whole) every check of the job's asset layer."""
    if context.run.asset_check_selection is not None:
        return list(context.run.asset_check_selection)
    # AssetLayer.data is Dagster 1.13's; tests/quality/test_prewarm.py reads real jobs through
    # this function, so an upgrade that renames it fails there, not silently in a run.
    return [key for data in context.job_def.asset_layer.data for key in data.assets_def.check_keys]


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
        # For transient faults only: a data error sets its file aside, or fails without a retry (faults.py).
        retry_policy=dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL),
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource,
                archive: ArchiveResource, pseudonym_key: PseudonymKeyResource,
                progress: ProgressResource) -> dg.MaterializeResult:
        # The raw checks of this run follow in this process (in-process executor): their
        # 13-16 s import of great_expectations overlaps the load (quality/prewarm.py).
        if prewarm.checks_follow(_checks_of_run(context), GX_KONTRAKT):
            prewarm.start()
        outcomes: list[loading.LoadOutcome] = []
        missing: list[str] = []
        emptied: list[str] = []
        # The files are those the landing scan calls deliveries of this extract (any letter case).
        delivered = landing_scan.deliveries(landing_scan.scan(landing.dir), extract)
        with faults.retry_only_transient(f"raw.{extract.key}"), warehouse.connect() as con:
            same_key(con, pseudonym_key.key, warehouse.resolved_path())
            loading.ensure_schema(con)
            shown = progress.start(f"ingest raw.{extract.key}", total=len(context.partition_keys),
                                            unit="months")
            for month in context.partition_keys:
                f = delivered.get(month)
                if f is None:
                    missing.append(month)
                    continue
                outcome = _load_one(con, extract, f, month, pseudonym_key.key, archive.dir,
                                    warehouse.ingest_memory_limit)
                shown.step(f"{outcome.file_name}: {outcome.rows_read} rows, {outcome.status}")
                # Messages never hold a clear personnummer (loading masks them).
                if outcome.status == loading.STATUS_LOADED and outcome.rows_read == 0:
                    emptied.append(month)
                    context.log.warning(_emptied_line(extract, outcome))
                elif outcome.status == loading.STATUS_FILE_SET_ASIDE:
                    context.log.error(f"set aside whole: {outcome.message}")
                elif outcome.rows_set_aside:
                    context.log.warning(f"{outcome.file_name}: {outcome.message}")
                else:
                    context.log.info(f"{outcome.file_name}: {outcome.status}; {outcome.message}")
                outcomes.append(outcome)
            shown.done(f"{sum(o.rows_read for o in outcomes)} rows read; months without a file: {len(missing)}")
        return dg.MaterializeResult(metadata={**_summary(outcomes, missing),
                                              "months_emptied": ", ".join(emptied) or "none"})

    return _ingest


ingest_assets = [build_ingest_asset(e) for e in EXTRACTS]


INVENTORY_KEY = dg.AssetKey(["raw", "landing_inventory"])
INVENTORY_CHECK = "filer_redovisade"


@dg.asset(
    key=INVENTORY_KEY,
    check_specs=[dg.AssetCheckSpec(
        INVENTORY_CHECK, asset=INVENTORY_KEY, blocking=False,
        description="WARN when a file in the landing folder was ignored (not a delivery by where it lies or what "
        "it is); the files are named with why. Not blocking: the deliveries are loaded.")],
    group_name=RAW_GROUP,
    kinds={"python", "duckdb"},
    description="Scans the landing folder and accounts for every file: files seen = deliveries + set aside + "
    "ignored. Files in a source folder whose name or month cannot be loaded are archived and logged as set aside "
    "in raw._load_log, so the sender can be told; files that are no deliveries (outside the source folders, "
    "hidden) are ignored and listed in raw._landing_files (a finding in marts.dq_findings).",
)
def landing_inventory(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                      landing: LandingResource, archive: ArchiveResource,
                      pseudonym_key: PseudonymKeyResource) -> dg.MaterializeResult:
    files = landing_scan.scan(landing.dir)
    counted = landing_scan.counts(files)  # asserts seen = deliveries + set aside + ignored
    with warehouse.connect() as con:
        same_key(con, pseudonym_key.key, warehouse.resolved_path())
        loading.ensure_schema(con)
        for f in files:
            if f.kind == SET_ASIDE:
                loading.record_file_set_aside(con, f.path, f.source, None if f.ambiguous or f.extract is None
                                              else f.extract.key, f.month, f.problem, archive.dir)
                context.log.error(f"set aside: {f.problem}")
            elif f.kind == IGNORED and f.reported:
                context.log.warning(f"ignored: {f.problem}")
        landing_scan.write_table(con, files, dt.datetime.now())
    meta: dict = {"landing_dir": str(landing.dir), **counted}
    listed = [f for f in files if not f.is_delivery]
    if listed:
        meta["not_loaded"] = dg.MetadataValue.md(
            "| file | kind | why |\n|---|---|---|\n"
            + "\n".join(f"| {f.shown} | {f.kind} | {(f.problem or '').replace('|', '/')} |" for f in listed[:200]))
    ignored = [f for f in files if f.kind == IGNORED and f.reported]
    check = dg.AssetCheckResult(
        check_name=INVENTORY_CHECK, passed=not ignored, severity=dg.AssetCheckSeverity.WARN,
        description=("; ".join(f.problem or f.shown for f in ignored)[:1500] if ignored else
                     f"every file in the landing folder accounted for: {counted['deliveries']} deliveries, "
                     f"{counted['set_aside']} set aside, {counted['ignored']} ignored (notes in the root)"),
        metadata=counted)
    return dg.MaterializeResult(metadata=meta, check_results=[check])


# raw/_late_deliveries. The check `leveranser_i_tid` fails with ERROR severity when a
# file is late, so the alert sensors (and `naravard run`) send an alert by default. It
# is not blocking: the months that did arrive are still built and published, a late
# file is a reason to call the sender, not to hold back everyone else's figures. It
# depends on raw/landing_inventory only, not on the extract assets, so a blocking
# failure of one extract's checks does not stop the late-delivery finding of the same run.
LATE_ASSET = dg.AssetKey(["raw", "_late_deliveries"])
CHECK_NAME = "leveranser_i_tid"


def today_in_sweden() -> dt.date:
    return dt.datetime.now(ZoneInfo(TIMEZONE)).date()


@dg.asset(
    key=LATE_ASSET,
    deps=[dg.AssetKey(["raw", "landing_inventory"])],
    group_name="raw",
    kinds={"python", "duckdb"},
    description="raw._late_deliveries: each expected monthly file (every extract, from the first delivered month) "
    "that has not arrived by day NARAVARD_LATE_DAY (15) of the following month. Replaced on every run.",
    check_specs=[dg.AssetCheckSpec(
        CHECK_NAME, asset=LATE_ASSET, blocking=False,
        description="ERROR when an expected monthly file is late (not blocking: what arrived is published). "
        "The late files are in raw._late_deliveries.")],
)
def late_deliveries(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                    landing: LandingResource) -> dg.MaterializeResult:
    today = today_in_sweden()
    files = landing_scan.scan(landing.dir)
    arrived = late.arrived_from_landing(files)
    # What the folder holds as deliveries (loaded or set aside); its own notes (DEFECTS.json) do not count.
    delivered = [f.path.relative_to(landing.dir).as_posix() for f in files if f.kind != IGNORED]
    cover, why = coverage.applicable_coverage(landing.dir, delivered, landing.env)
    with warehouse.connect() as con:
        loading.ensure_schema(con)
        arrived |= late.arrived_from_load_log(con)
        found = late.late_deliveries(arrived, today, landing.late_day, landing.first_month, coverage=cover)
        late.write_table(con, found, today)
    counts = {"late_files": len(found), "evaluated_on": today.isoformat(), "late_day": landing.late_day}
    meta = dict(counts, first_delivered_month=min((m for _, m in arrived), default="none"), horizon=why)
    if found:
        summary = late.summarise(found)
        # The alert's "partition": the late months, consecutive ones as ranges.
        counts["failed_partitions"] = late.month_ranges(f.reporting_month for f in found)
        meta["late"] = dg.MetadataValue.md(summary)
        description = (f"{len(found)} expected file(s) not delivered by day {landing.late_day} of the following "
                       f"month: {summary}")
        context.log.error(description)
    else:
        description = f"every expected file up to the last month due by {today.isoformat()} has arrived"
    check = dg.AssetCheckResult(check_name=CHECK_NAME, passed=not found, severity=dg.AssetCheckSeverity.ERROR,
                                description=description[:1500], metadata=counts)
    return dg.MaterializeResult(metadata=meta, check_results=[check])
