"""The Great Expectations -> Dagster bridge.

dagster-ge does not support GX 1.x, so this small module takes its place:
validate a pandas frame against a suite, render the Data Docs
pages into settings.datadocs_dir, and map the validation to an
`AssetCheckResult` whose metadata says what failed, how often, with a few
example values, and where the Data Docs page is.

Why pandas and not SQL: GX through SQLAlchemy on DuckDB is unreliable
(GX #10738, #11579), so the checks select exactly the columns a suite needs
from DuckDB and hand GX a DataFrame.

Importing great_expectations takes 5-13 s, so this module must never be
imported at definitions load: the checks import it inside their bodies, and
one GxSession per process (per Data Docs folder) is reused by every check of a run.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

import dagster as dg
import pandas as pd

from orchestration.quality import datadocs

SITE = "naravard"
DATASOURCE = "naravard"
# SUMMARY keeps counts and a sample of unexpected values; the suites are built
# so that the columns handed to GX never hold a personal identifier.
RESULT_FORMAT = {"result_format": "SUMMARY", "partial_unexpected_count": 10}
EXAMPLES_IN_METADATA = 5
# A frame with this column holds distinct combinations of values and their
# number of rows (expectations/raw_extracts.py). GX decides each row-wise
# expectation on the combinations exactly as on the rows; its counts are of
# combinations, so they are weighed by this column before anything shows them.
WEIGHT = "_rader"
_INDEX_KEYS = ("unexpected_list", "unexpected_index_list", "unexpected_index_query", "partial_unexpected_index_list")
INERT_VIEW = {"module_name": "orchestration.quality.gx_view", "class_name": "InertJinjaPageView"}


@dataclass(frozen=True)
class FailedExpectation:
    expectation: str
    columns: str
    severity: str  # critical | warning | info
    unexpected_count: int | None
    unexpected_percent: float | None
    examples: list[tuple[str, int]]
    notes: str = ""
    exception: str = ""

    def summary(self) -> str:
        count = "" if self.unexpected_count is None else f"{self.unexpected_count} unexpected"
        if self.unexpected_percent is not None:
            count += f" ({self.unexpected_percent:.2f} %)"
        return f"{self.expectation}({self.columns}): {count or self.exception or 'failed'}"


@dataclass
class Validation:
    suite: str
    success: bool
    max_severity: str | None  # the worst severity among failed expectations
    evaluated: int
    successful: int
    rows: int
    run_name: str
    run_time: str
    failed: list[FailedExpectation] = field(default_factory=list)
    page: Path | None = None  # the Data Docs page of this validation
    docs_error: str = ""  # why the Data Docs could not be written, if they could not

    @property
    def blocking_failure(self) -> bool:
        return not self.success and self.max_severity == "critical"


def _columns_of(kwargs: dict) -> str:
    if "column" in kwargs:
        return str(kwargs["column"])
    if "column_A" in kwargs:
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if "column_list" in kwargs:
        return ", ".join(map(str, kwargs["column_list"]))
    return ""


def _plain(value) -> str:
    """An example value as text: numpy scalars and pairs (column-pair expectations) made readable."""
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_plain(v) for v in value) + ")"
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _examples(result: dict) -> list[tuple[str, int]]:
    counts = result.get("partial_unexpected_counts") or []
    return [(_plain(c.get("value")), int(c.get("count", 0))) for c in counts[:EXAMPLES_IN_METADATA]]


def _failed(res) -> list[FailedExpectation]:
    out = []
    for r in res.results:
        if r.success:
            continue
        cfg = r.expectation_config
        result = r.result or {}
        exc = r.exception_info or {}
        out.append(FailedExpectation(
            expectation=cfg.type,
            columns=_columns_of(cfg.kwargs),
            severity=str(getattr(cfg.get("severity"), "value", cfg.get("severity")) or "critical"),
            unexpected_count=result.get("unexpected_count"),
            unexpected_percent=result.get("unexpected_percent"),
            examples=_examples(result),
            notes=str(cfg.notes or ""),
            exception=str(exc.get("exception_message") or "") if exc.get("raised_exception") else "",
        ))
    return out


def _weigh(result: dict, kwargs: dict, frame: pd.DataFrame) -> dict:
    """One expectation's result on combinations turned into its result on rows:
    counts and shares summed over the `_rader` of the combinations GX named
    (unexpected_index_list, from the COMPLETE result format), the sample kept,
    the index lists (places in the combination frame, meaningless to a reader) dropped."""
    if "unexpected_index_list" not in result:
        return result
    w = frame[WEIGHT]
    rows = int(w.sum())
    idx = list(result["unexpected_index_list"])
    unexpected = int(w.loc[idx].sum())
    if "column" in kwargs:
        missing_mask = frame[kwargs["column"]].isna()
    elif "column_A" in kwargs:
        a, b = frame[kwargs["column_A"]].isna(), frame[kwargs["column_B"]].isna()
        missing_mask = (a | b) if kwargs.get("ignore_row_if") == "either_value_is_missing" else (a & b)
    else:
        missing_mask = pd.Series(False, index=frame.index)
    missing = int(w[missing_mask].sum())
    out = {k: v for k, v in result.items() if k not in _INDEX_KEYS}
    out["element_count"] = rows
    out["unexpected_count"] = unexpected
    nonmissing = rows - missing if "missing_count" in result else rows
    out["unexpected_percent"] = 100.0 * unexpected / nonmissing if nonmissing else None
    if "missing_count" in result:
        out["missing_count"] = missing
        out["missing_percent"] = 100.0 * missing / rows if rows else None
        out["unexpected_percent_total"] = 100.0 * unexpected / rows if rows else None
        out["unexpected_percent_nonmissing"] = out["unexpected_percent"]
    values = result.get("unexpected_list") or []
    counts: dict = {}
    for i, v in zip(idx, values):
        key = tuple(v) if isinstance(v, list) else v
        key = None if key is not key else key  # NaN: one key
        counts[key] = counts.get(key, 0) + int(w.loc[i])
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))[:RESULT_FORMAT["partial_unexpected_count"]]
    out["partial_unexpected_counts"] = [{"value": v, "count": n} for v, n in ranked]
    out["partial_unexpected_list"] = [v for v, _ in ranked]
    return out


class GxSession:
    """An in-memory GX context whose Data Docs site lives in <datadocs_dir>/gx."""

    def __init__(self, datadocs_dir: Path):
        import great_expectations as gx
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        self.gx = gx
        self.datadocs_dir = datadocs_dir
        self.site_dir = datadocs.gx_site_dir(datadocs_dir)
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(),
            analytics_enabled=False,
            progress_bars=ProgressBarsConfig(globally=False),
            data_docs_sites={SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                                  "base_directory": str(self.site_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                # Values from the data are escaped in the pages (gx_view.py).
                "site_section_builders": {section: {"view": INERT_VIEW} for section in ("expectations",
                                                                                         "validations")},
            }},
        )
        self.context = gx.get_context(project_config=config, mode="ephemeral")
        self.datasource = self.context.data_sources.add_pandas(DATASOURCE)
        self.suite_pages: set[str] = set()  # suites whose page this session has written
        _cache_jinja_templates()

    def activate(self) -> None:
        """Make this the context GX builds suites in (GX keeps one active context per
        process; tests run pipelines with several Data Docs folders in one process)."""
        from great_expectations.data_context.data_context.context_factory import project_manager

        project_manager.set_project(self.context)

    def _batch_definition(self, suite_name: str):
        try:
            asset = self.datasource.get_asset(suite_name)
        except LookupError:
            asset = self.datasource.add_dataframe_asset(name=suite_name)
        try:
            return asset.get_batch_definition("hela_tabellen")
        except KeyError:
            return asset.add_batch_definition_whole_dataframe("hela_tabellen")

    def add_suites(self, suites) -> None:
        """Register suites so their Data Docs pages exist even before a validation."""
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        for s in suites:
            self.context.suites.add_or_update(s)
        self.context.build_data_docs(
            site_names=[SITE], resource_identifiers=[ExpectationSuiteIdentifier(name=s.name) for s in suites])
        self.suite_pages.update(s.name for s in suites)

    def suite_page(self, suite_name: str) -> Path | None:
        from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

        return self._page(ExpectationSuiteIdentifier(name=suite_name))

    def _page(self, identifier) -> Path | None:
        urls = self.context.get_docs_sites_urls(resource_identifier=identifier, site_name=SITE)
        if not urls or not urls[0].get("site_url"):
            return None
        path = Path(unquote(urlparse(urls[0]["site_url"]).path))
        return path if path.exists() else None

    def validate(self, suite, frame: pd.DataFrame, run_name: str) -> Validation:
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )

        gx = self.gx
        suite = self.context.suites.add_or_update(suite)
        definition = self.context.validation_definitions.add_or_update(
            gx.ValidationDefinition(name=suite.name, data=self._batch_definition(suite.name), suite=suite))
        run_id = RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.timezone.utc))
        weighed = WEIGHT in frame.columns
        # On combinations the full lists are few; their indices are what the counts are weighed with.
        fmt = {**RESULT_FORMAT, "result_format": "COMPLETE"} if weighed else RESULT_FORMAT
        res = definition.run(batch_parameters={"dataframe": frame}, result_format=fmt, run_id=run_id)

        store = self.context.validation_results_store
        keys = [k for k in store.list_keys()
                if isinstance(k, ValidationResultIdentifier)
                and k.expectation_suite_identifier.name == suite.name and k.run_id == run_id]
        if weighed:
            for r in res.results:
                r.result = _weigh(r.result or {}, dict(r.expectation_config.kwargs), frame)
            for k in keys:  # the Data Docs page is rendered from the stored result
                store.set(k, res)
        docs_error = ""
        try:
            # The validation's page; the suite's page once per session (a suite does not change within a run).
            fresh = [] if suite.name in self.suite_pages else [ExpectationSuiteIdentifier(name=suite.name)]
            self.context.build_data_docs(site_names=[SITE], resource_identifiers=[*fresh, *keys])
            self.suite_pages.add(suite.name)
        except Exception as e:  # noqa: BLE001 - the validation stands; a docs folder problem must not decide it
            docs_error = f"{type(e).__name__}: {e}"
        severity = res.get_max_severity_failure()
        stats = res.statistics
        return Validation(
            suite=suite.name,
            success=bool(res.success),
            max_severity=severity.value if severity is not None else None,
            evaluated=int(stats.get("evaluated_expectations", 0)),
            successful=int(stats.get("successful_expectations", 0)),
            rows=int(frame[WEIGHT].sum()) if weighed else len(frame),
            run_name=run_name,
            run_time=run_id.run_time.strftime("%Y-%m-%d %H:%M:%S UTC"),
            failed=_failed(res),
            page=self._page(keys[0]) if keys and not docs_error else None,
            docs_error=docs_error,
        )


_sessions: dict[Path, GxSession] = {}


def _cache_jinja_templates() -> None:
    """GX builds a new Jinja environment for every page it renders, so every
    page compiles the same templates again: most of a Data Docs build (measured:
    9 of 12 s for seven suites). One bytecode cache for the process lets each
    template be compiled once. Jinja checks the template source before using a
    cached one, so a changed template is compiled anew."""
    import functools

    import jinja2
    from great_expectations.render.view import view

    if isinstance(view.Environment, functools.partial):
        return

    class MemoryCache(jinja2.BytecodeCache):
        def __init__(self) -> None:
            self.codes: dict[str, bytes] = {}

        def load_bytecode(self, bucket) -> None:
            if bucket.key in self.codes:
                bucket.bytecode_from_string(self.codes[bucket.key])

        def dump_bytecode(self, bucket) -> None:
            self.codes[bucket.key] = bucket.bytecode_to_string()

    view.Environment = functools.partial(jinja2.Environment, bytecode_cache=MemoryCache())


def has_session(datadocs_dir: Path) -> bool:
    return datadocs_dir in _sessions


def session(datadocs_dir: Path) -> GxSession:
    """One GX context per process and Data Docs folder: the import and setup are paid once per run."""
    if datadocs_dir not in _sessions:
        _sessions[datadocs_dir] = GxSession(datadocs_dir)
    _sessions[datadocs_dir].activate()
    return _sessions[datadocs_dir]


def _failed_table(failed: list[FailedExpectation]) -> str:
    rows = ["| expectation | column(s) | severity | unexpected | share | examples (value × rows) |",
            "|---|---|---|---|---|---|"]
    for f in failed:
        ex = ", ".join(f"`{v}` × {n}" for v, n in f.examples) or (f.exception[:200] if f.exception else "")
        pct = "" if f.unexpected_percent is None else f"{f.unexpected_percent:.2f} %"
        cnt = "" if f.unexpected_count is None else str(f.unexpected_count)
        rows.append(f"| {f.expectation} | {f.columns} | {f.severity} | {cnt} | {pct} | {ex} |")
    return "\n".join(rows)


def check_result(v: Validation, *, asset_key: dg.AssetKey, check_name: str,
                 extra_metadata: dict | None = None, description: str = "") -> dg.AssetCheckResult:
    """A GX validation as an AssetCheckResult: ERROR when a critical expectation failed, else WARN."""
    severity = dg.AssetCheckSeverity.ERROR if v.max_severity in (None, "critical") else dg.AssetCheckSeverity.WARN
    meta: dict = {
        "suite": v.suite,
        "rows_validated": v.rows,
        "expectations_met": f"{v.successful} of {v.evaluated}",
        "failed_expectations": len(v.failed),
        "gx_run": v.run_name,
    }
    if v.failed:
        meta["failures"] = dg.MetadataValue.md(_failed_table(v.failed))
    if v.page is not None:
        meta["data_docs"] = dg.MetadataValue.url(v.page.as_uri())
        meta["data_docs_path"] = dg.MetadataValue.path(str(v.page))
    if v.docs_error:
        meta["data_docs_error"] = v.docs_error[:500]
    meta.update(extra_metadata or {})
    if not description:
        description = (f"{v.suite}: all {v.evaluated} expectations met on {v.rows} rows" if v.success else
                       f"{v.suite}: {len(v.failed)} of {v.evaluated} expectations failed: "
                       + "; ".join(f.summary() for f in v.failed[:3]))
    return dg.AssetCheckResult(asset_key=asset_key, check_name=check_name, passed=v.success,
                               severity=severity, metadata=meta, description=description)
