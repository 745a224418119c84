"""The data-quality asset checks (docs/data_quality.md has the list and the reasons); the
late-delivery check is declared with its asset in defs/ingest.py.

On each raw extract asset ["raw", "<extract>"], both blocking:
  leverans     the latest delivery of each month of the run loaded whole
               (raw._load_log; see deliveries.py)
  gx_kontrakt  the GX suite of the extract on the rows this run loaded (see loads_to_check)
On ["marts", "indikatorer"], blocking:
  gx_kontrakt  the GX suite of the indicator mart, before it is published
On ["marts", "dq_findings"], not blocking:
  registreringsluckor  the findings of the dbt gap rules, summarised

"Blocking" with ERROR severity: Dagster does not run the assets downstream of a
failed check in the same run (the dbt models after a raw check, the serving
copy after the mart check), and the check's step fails, so the run fails and
`naravard run` exits non-zero naming the check. WARN never blocks.

Nothing here imports great_expectations at module level (5-13 s): the GX
bridge is imported inside the checks that need it.
"""
# No `from __future__ import annotations` here: Dagster inspects the `context`
# annotation of a check function and cannot resolve it from a string.

import datetime as dt
from collections.abc import Iterator

import dagster as dg
import duckdb
import pandas as pd

from orchestration.ingest import landing as landing_scan
from orchestration.ingest.schemas import EXTRACTS, Extract
from orchestration.partitions import valid_months
from orchestration.quality import deliveries
from orchestration.resources import LandingResource, QualityResource, ServingResource, WarehouseResource

LEVERANS = "leverans"
GX_KONTRAKT = "gx_kontrakt"
REGISTRERINGSLUCKOR = "registreringsluckor"
INDIKATORER = dg.AssetKey(["marts", "indikatorer"])
DQ_FINDINGS = dg.AssetKey(["marts", "dq_findings"])
LOADED = ("loaded", "loaded_with_set_aside")


def run_months(tags: dict[str, str]) -> list[str] | None:
    """The reporting months (partitions) the run covers; None when the run has none (check all months)."""
    start = tags.get("dagster/asset_partition_range_start")
    end = tags.get("dagster/asset_partition_range_end")
    if start and end:
        return [m for m in valid_months() if start <= m <= end]
    if tags.get("dagster/partition"):
        return [tags["dagster/partition"]]
    return None


def loads_to_check(context, con: duckdb.DuckDBPyConnection, extract: Extract, months: list[str] | None) -> list[str]:
    """The loads whose rows the extract's GX suite validates: the latest load of each of the
    run's months (all months when the run has none) that this run made. A month whose file
    was unchanged was validated when it was loaded. A run that did not load the extract (a
    check started on its own, in the UI or `naravard bench`) validates the latest load of each
    month as it stands."""
    where, params = f"extract = ? AND reporting_month IS NOT NULL AND status IN {LOADED}", [extract.key]
    if months is not None:
        if not months:
            return []
        where += f" AND reporting_month IN ({', '.join('?' for _ in months)})"
        params += months
    latest = context.instance.get_latest_materialization_event(dg.AssetKey(["raw", extract.key]))
    if latest is not None and latest.run_id == context.run.run_id:
        record = context.instance.get_run_record_by_id(context.run.run_id)
        if record is not None and record.start_time is not None:
            # loaded_at is the loader's local clock (datetime.now()), as this is.
            where += " AND loaded_at >= ?"
            params.append(dt.datetime.fromtimestamp(record.start_time))
    return [r[0] for r in con.execute(
        f"SELECT load_id FROM raw._load_log WHERE {where} "
        "QUALIFY row_number() OVER (PARTITION BY reporting_month ORDER BY loaded_at DESC, load_id DESC) = 1 "
        "ORDER BY reporting_month", params).fetchall()]


def _is_text(t) -> bool:
    import pyarrow as pa

    return pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_string_view(t)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, batch_rows: int = 500_000) -> pd.DataFrame:
    """The query as a DataFrame whose text columns are categoricals sharing one set of categories.

    A region's listing over two years is 6.7 million rows with few distinct codes per
    column: streamed in Arrow batches and dictionary-encoded batch by batch, it peaks at a
    third of the memory a plain DataFrame fetch takes (measured: 1.3 GB against 3.1 GB).
    The shared categories let pair expectations compare two text columns (pandas refuses
    to compare categoricals with different categories)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    con.execute("SET enable_progress_bar = false")  # no progress bars in the run's log
    # con.sql(...) streams; a DB-API result (con.execute) would first copy every row.
    reader = con.sql(sql).to_arrow_reader(batch_rows)
    schema = pa.schema([pa.field(f.name, pa.dictionary(pa.int32(), pa.string())) if _is_text(f.type) else f
                        for f in reader.schema])
    batches = []
    for b in reader:
        arrays = [pc.dictionary_encode(a.cast(pa.string())) if _is_text(a.type) else a for a in b.columns]
        batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
    df = pa.Table.from_batches(batches, schema=schema).unify_dictionaries().to_pandas(date_as_object=False)
    text = [c for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)]
    if text:
        categories = pd.Index(sorted(set().union(*(df[c].cat.categories for c in text))))
        for c in text:
            df[c] = df[c].cat.set_categories(categories)
    return df


def _gx_session(q: QualityResource):
    """The process's GX session; on first use the raw suites are registered, so the
    Data Docs start page lists every suite even before it was validated."""
    from orchestration.quality import datadocs, gx_bridge, suites

    fresh = not gx_bridge.has_session(q.docs)
    session = gx_bridge.session(q.docs)
    if fresh:
        raw = suites.raw_extracts()
        built = [raw.build_suite(e) for e in EXTRACTS]
        try:
            session.add_suites(built)
            datadocs.register_suites(q.docs, {
                s.name: (f"raw/{e.key}", GX_KONTRAKT, session.suite_page(s.name)) for s, e in zip(built, EXTRACTS)})
        except OSError:  # an unwritable docs folder: the validations still run (and report the docs error)
            pass
    return session


def _validate(context, q: QualityResource, make_suite, frame: pd.DataFrame, asset_key: dg.AssetKey,
              extra_metadata: dict) -> dg.AssetCheckResult:
    """make_suite: a function returning the suite (GX builds suites only once a context exists)."""
    from orchestration.quality import datadocs, gx_bridge

    session = _gx_session(q)
    v = session.validate(make_suite(), frame, run_name=context.run.run_id)
    extra = dict(extra_metadata)
    try:
        datadocs.record(q.docs, v, asset=asset_key.to_user_string(), check=GX_KONTRAKT,
                        suite_page=session.suite_page(v.suite), keep=q.keep_validations)
        extra["data_docs_index"] = dg.MetadataValue.url((q.docs / datadocs.INDEX).as_uri())
    except OSError as e:  # the validation stands; an unwritable docs folder must not decide it
        context.log.warning(f"Data Docs start page not written: {e}")
        extra["data_docs_error"] = str(e)[:500]
    result = gx_bridge.check_result(v, asset_key=asset_key, check_name=GX_KONTRAKT, extra_metadata=extra)
    log = context.log.info if v.success else (context.log.error if v.blocking_failure else context.log.warning)
    log(result.description or "")
    return result


def _in_landing(landing_dir, extract: Extract) -> dict[str, str]:
    """Month -> file name (masked) of the extract's deliveries in the landing folder, as the landing scan names them."""
    found = landing_scan.deliveries(landing_scan.scan(landing_dir), extract)
    return {month: f.name_shown for month, f in found.items()}


def build_raw_checks(extract: Extract) -> dg.AssetChecksDefinition:
    key = dg.AssetKey(["raw", extract.key])

    @dg.multi_asset_check(
        name=f"kvalitet_raw_{extract.key}",
        specs=[
            dg.AssetCheckSpec(
                LEVERANS, asset=key, blocking=True,
                description="The latest delivery of each month in the run loaded whole: ERROR (blocks the marts) "
                "when a file was set aside whole or more than NARAVARD_DQ_MAX_SET_ASIDE_SHARE (5 %) of its rows "
                "were set aside; WARN when fewer rows were set aside."),
            dg.AssetCheckSpec(
                GX_KONTRAKT, asset=key, blocking=True,
                description=f"Great Expectations suite raw.{extract.key} (expectations/raw_extracts.py, derived "
                "from the extract contract) on the rows this run loaded (the latest load of each of its months), "
                "handed to GX as distinct value combinations with their row counts. ERROR blocks the marts."),
        ],
        can_subset=True,
        description=f"Data quality of raw.{extract.key}",
    )
    def _checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, quality: QualityResource,
                landing: LandingResource) -> Iterator[dg.AssetCheckResult]:
        q = quality
        months = run_months(context.run.tags)
        selected = {k.name for k in context.selected_asset_check_keys}
        with warehouse.connect(read_only=True) as con:
            if LEVERANS in selected:
                verdict = deliveries.judge(extract, deliveries.latest_deliveries(con, extract, months), months,
                                           q.max_set_aside_share, _in_landing(landing.dir, extract))
                if not verdict.passed:
                    (context.log.error if verdict.severity == dg.AssetCheckSeverity.ERROR
                     else context.log.warning)(verdict.description)
                yield dg.AssetCheckResult(asset_key=key, check_name=LEVERANS, passed=verdict.passed,
                                          severity=verdict.severity, description=verdict.description,
                                          metadata=verdict.metadata)
            if GX_KONTRAKT in selected:
                from orchestration.quality import suites

                raw = suites.raw_extracts()
                loads = loads_to_check(context, con, extract, months)
                frame = _frame(con, raw.frame_sql(extract, loads))
                checked = sorted(frame["_reporting_month"].dropna().unique().tolist()) if len(frame) else []
                extra = {"months_checked": f"{checked[0]}..{checked[-1]} ({len(checked)})" if checked else "none",
                         "loads_checked": len(loads),
                         "value_combinations_handed_to_gx": len(frame),
                         "columns_handed_to_gx": ", ".join(c for c in frame.columns if c != raw.WEIGHT)}
                yield _validate(context, q, lambda: raw.build_suite(extract), frame, key, extra)

    return _checks


raw_checks = [build_raw_checks(e) for e in EXTRACTS]


@dg.asset_check(
    asset=INDIKATORER, name=GX_KONTRAKT, blocking=True,
    description="Great Expectations suite marts.indikatorer (expectations/marts_indikatorer.py): keys unique, shares "
    "within 0-1 and numerator <= denominator, suppressed <=> the count the indicator protects below the disclosure "
    "threshold (seeds/contract/rojandekontroll.csv), no value "
    "when suppressed, periods inside the delivered months (ERROR, blocks the serving copy); health centres in the "
    "unit registry (WARN).",
)
def indikatorer_gx_kontrakt(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                            quality: QualityResource, serving: ServingResource) -> dg.AssetCheckResult:
    from orchestration.quality import suites

    q = quality
    mod = suites.marts_indikatorer()
    with warehouse.connect(read_only=True) as con:
        months = [r[0] for r in con.execute(
            f"SELECT DISTINCT reporting_month FROM raw._load_log WHERE status IN {LOADED} "
            "AND reporting_month IS NOT NULL").fetchall()]
        registry = [r[0] for r in con.execute(
            "SELECT DISTINCT upper(trim(hsa_id)) FROM reference.vardenheter WHERE hsa_id IS NOT NULL").fetchall()]
        frame = _frame(con, mod.FRAME_SQL)
    periods = sorted(set(months) | {m[:4] for m in months})
    threshold = serving.suppression_threshold
    return _validate(context, q,
                     lambda: mod.build_suite(threshold=threshold, periods=periods, registry_hsa_ids=registry),
                     frame, INDIKATORER,
                     {"suppression_threshold": threshold, "periods_delivered": len(periods)})


@dg.asset_check(
    asset=DQ_FINDINGS, name=REGISTRERINGSLUCKOR, blocking=False,
    description="Summarises marts.dq_findings: WARN when the dbt gap rules found registration gaps, ERROR when the "
    "table lists contract breaks the loader contained (rows or unattributable files set aside). Never blocks: the "
    "findings are published beside the indicators.",
)
def dq_findings_registreringsluckor(context: dg.AssetCheckExecutionContext,
                                    warehouse: WarehouseResource) -> dg.AssetCheckResult:
    with warehouse.connect(read_only=True) as con:
        summary = con.execute(
            """SELECT check_id, severity, count(*) AS rows, sum(affected) AS affected,
                      min(period) AS first_period, max(period) AS last_period
               FROM marts.dq_findings GROUP BY ALL ORDER BY severity, check_id""").fetchall()
        # Examples: the largest finding of each check. Units, periods and counts only.
        examples = con.execute(
            """SELECT check_id, level, unit_id, period, affected FROM marts.dq_findings
               QUALIFY row_number() OVER (PARTITION BY check_id ORDER BY affected DESC NULLS LAST, period DESC,
                                          unit_id) <= 3
               ORDER BY check_id, affected DESC""").fetchall()
    errors = [s for s in summary if s[1] == "ERROR"]
    meta: dict = {
        "findings": sum(s[2] for s in summary),
        "warn_findings": sum(s[2] for s in summary if s[1] == "WARN"),
        "error_findings": sum(s[2] for s in errors),
    }
    if summary:
        meta["by_check"] = dg.MetadataValue.md(
            "| check_id | severity | rows | affected | periods |\n|---|---|---|---|---|\n" + "\n".join(
                f"| {c} | {sev} | {n} | {a:g} | {p0}..{p1} |" for c, sev, n, a, p0, p1 in summary))
        meta["largest"] = dg.MetadataValue.md(
            "| check_id | level | unit | period | affected |\n|---|---|---|---|---|\n" + "\n".join(
                f"| {c} | {lvl} | {u} | {p} | {a:g} |" for c, lvl, u, p, a in examples))
    if not summary:
        return dg.AssetCheckResult(passed=True, metadata=meta, description="marts.dq_findings is empty")
    text = ", ".join(f"{c} {sev} × {n}" for c, sev, n, *_ in summary)
    severity = dg.AssetCheckSeverity.ERROR if errors else dg.AssetCheckSeverity.WARN
    (context.log.error if errors else context.log.warning)(f"marts.dq_findings: {text}")
    return dg.AssetCheckResult(passed=False, severity=severity, metadata=meta,
                               description=f"marts.dq_findings: {text}"[:1500])


quality_checks = [*raw_checks, indikatorer_gx_kontrakt, dq_findings_registreringsluckor]
