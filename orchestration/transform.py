"""How the dbt build runs under Dagster: the translator (asset keys and groups), the build
with its progress lines, and the partial parse handed on. The @dbt_assets that use them are
declared in orchestration/defs/dbt.py."""

import contextlib
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

from orchestration import incremental
from orchestration.dbt_cli import NaravardDbtResource, dbt_project
from orchestration.ingest.loading import ensure_schema
from orchestration.resources import WarehouseResource

# `naravard run --full-refresh`: rebuild every model from all of raw.
FULL_REFRESH_TAG = "naravard/full_refresh"


def colour_flag() -> str:
    """dbt's colours on a terminal only: redirected output gets no escape codes."""
    return "--use-colors" if sys.stdout.isatty() else "--no-use-colors"


class NaravardTranslator(DagsterDbtTranslator):
    """Every relation keyed by the table it is, [schema, table]: models `marts/indikatorer`,
    sources `raw/listning_listning`. dbt names a source by its source system
    (source('listning', 'listning')), the ingestion asset that writes the table is
    ["raw", "listning_listning"]; keying the source by its relation makes them one asset.
    Groups are the dbt folders."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        kind = dbt_resource_props["resource_type"]
        if kind in ("model", "seed", "snapshot"):
            schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]
            return dg.AssetKey([schema, dbt_resource_props.get("alias") or dbt_resource_props["name"]])
        if kind == "source":
            return dg.AssetKey([dbt_resource_props["schema"],
                                dbt_resource_props.get("identifier") or dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


def dbt_build(context: dg.AssetExecutionContext, dbt: NaravardDbtResource, warehouse: WarehouseResource):
    """The body of the dbt assets: `dbt build` of the selection, its events with progress lines."""
    # Staging views select from every raw table: create the empty ones first,
    # so a source that has not delivered yet is "no data", not a crash.
    # The vars that shape figures; the warehouse path and memory limit (also --vars) do not.
    fingerprint = incremental.project_fingerprint([f"suppression_threshold={dbt.suppression_threshold}"])
    with warehouse.connect() as con:
        ensure_schema(con)
        incremental.ensure_tables(con)
        full_refresh = (context.run.tags.get(FULL_REFRESH_TAG) == "true"
                        or incremental.needs_full_refresh(con, fingerprint))
        changed = incremental.changed_months(con)
    # Unit tests check the SQL, not the data: `make test` runs them (tests/test_dbt_models.py);
    # in every run they cost 25 extra dbt nodes.
    args = ["build", *dbt.vars_args(), colour_flag(), "--exclude", "resource_type:unit_test"]
    if full_refresh:
        args.append("--full-refresh")
        context.log.info("dbt build: every model from all of raw (--full-refresh: asked for, the first build, "
                         "or the dbt project or its vars changed since the last build)")
    else:
        context.log.info(f"dbt build: incremental, {len(changed)} changed deliveries "
                         f"({', '.join(f'{e} {m}' for e, m in changed[:12])}{' ...' if len(changed) > 12 else ''})")
    # dagster_dbt reads `context.op`, deprecated on AssetExecutionContext (a warning in every
    # run); it works on the underlying op context anyway, so hand it that.
    invocation = dbt.cli(args, context=context.op_execution_context)
    yield from with_progress(context, invocation.stream())
    keep_partial_parse(Path(invocation.target_path))
    # Only a build of every model may say what the incremental tables were built from: after a
    # subset (some models picked in the UI) the others still wait for these months. (Checks may
    # be left out: they change no table.)
    if set(context.selected_asset_keys) >= set(context.assets_def.keys):
        with warehouse.connect() as con:
            incremental.record_built(con, fingerprint)


def keep_partial_parse(build_target: Path) -> None:
    """Hand the build's partial parse on to the next run. dagster-dbt gives every build a
    target folder of its own and seeds it with <project>/target/partial_parse.msgpack, which
    only `dbt parse` wrote: one made for another warehouse (profile) or other vars made the
    next build parse everything again. The build's own is for this warehouse and these vars."""
    built = build_target / "partial_parse.msgpack"
    if built.exists():
        kept = dbt_project.project_dir / dbt_project.target_path / "partial_parse.msgpack"
        tmp = kept.with_name(f".{kept.name}.{os.getpid()}")
        tmp.write_bytes(built.read_bytes())
        tmp.replace(kept)  # atomic: a build starting now copies the old file or the new one


# dbt's line per started node and per model, seed or test that passed; the
# progress lines below say the same by count. Warnings, failures, errors and
# dbt's summary stay.
_NODE_LINE = re.compile(r"^\d+ of \d+ (START|OK|PASS) ")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _DbtEcho:
    """dagster-dbt writes every dbt log line to stdout; this passes them on less the per-node noise."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> int:
        for line in text.splitlines(keepends=True):
            if not _NODE_LINE.match(_ANSI.sub("", line)):
                self.out.write(line)
        return len(text)

    def flush(self) -> None:
        self.out.flush()


def with_progress(context: dg.AssetExecutionContext, events):
    """The dbt build's events, with one progress line per model or seed built, by count, in
    the run's log (plain lines; also in the UI), and dbt's own echo without its per-node lines."""
    models = len(context.selected_asset_keys)
    tests = len(context.selected_asset_check_keys)
    built = checked = 0
    events = iter(events)
    while True:
        # Only dagster-dbt's echo is redirected: the step's own logging goes to stderr handlers.
        with contextlib.redirect_stdout(_DbtEcho(sys.stdout)):
            event = next(events, None)
        if event is None:
            return
        if isinstance(event, (dg.Output, dg.AssetMaterialization)):
            built += 1
            key = (event.asset_key if isinstance(event, dg.AssetMaterialization)
                   else context.asset_key_for_output(event.output_name))
            context.log.info(f"dbt build: {built} of {models} models and seeds built, {checked} of {tests} "
                             f"tests run ({key.to_user_string()})")
        elif isinstance(event, dg.AssetCheckResult):
            checked += 1
        yield event
