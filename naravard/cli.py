"""`naravard`: the headless commands (CONTRACTS.md section 1).

    naravard run                      ingest the landing folder, build, check, publish
    naravard backfill --from YYYY-MM --to YYYY-MM   the same for a range of months (re-ingest them)
    naravard demo-data --out DIR      write the demo landing folder
    naravard rebuild                  recreate the warehouse from the archive (orchestration/rebuild.py)
    naravard rekey                    the same, re-pseudonymising with a new NARAVARD_PSEUDONYM_KEY
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
import sys
from pathlib import Path

from orchestration.instance import ensure_dagster_home
from orchestration.settings import ConfigurationError, Settings, quiet_telemetry


@contextlib.contextmanager
def single_writer(warehouse: Path):
    """One pipeline run per warehouse at a time: DuckDB has one writer."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(warehouse.with_name(warehouse.name + ".lock"), "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"naravard: another run is writing {warehouse}; try again when it has finished") from None
        yield


def months_to_run(settings: Settings) -> tuple[list[str], list[str]]:
    from orchestration.ingest import landing

    files = landing.scan(settings.landing_dir)
    months = sorted({f.month for f in files if f.is_delivery})
    problems = [f"{f.kind.replace('_', ' ')}: {f.problem}" for f in files if f.problem and f.reported]
    return months, problems


def cmd_run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    ensure_dagster_home(settings)
    if not settings.landing_dir.is_dir() or not any(settings.landing_dir.iterdir()):
        print(f"naravard: the landing folder {settings.landing_dir} is empty or missing. Put the extracts there "
              "(see README), set NARAVARD_LANDING_DIR, or write demo data with `naravard demo-data --out DIR`.",
              file=sys.stderr)
        return 2
    months, problems = months_to_run(settings)
    if months and not args.full_refresh:
        from orchestration import uptodate

        # Before the problems are repeated and before Dagster and dbt load (seconds):
        # a run with nothing new to build says so in one line.
        with single_writer(settings.warehouse):
            # A damaged warehouse or another key is said by execute_months, not hidden as "nothing to do".
            try:
                idle = None if preflight(settings) else uptodate.nothing_to_do(settings,
                                                                               uptodate.fingerprint(settings))
            except damaged_file_errors():
                # A file cut short can open (header and catalogue intact) and fail at the first read
                # of a bigger table: the same damage, the same one line with the way out.
                from orchestration.resources import WarehouseDamaged

                print(f"naravard: {WarehouseDamaged(settings.warehouse).description}", file=sys.stderr)
                return 2
        if idle:
            print(idle)
            return 0
    for p in problems:
        print(f"naravard: {p}", file=sys.stderr)
    if not months:
        print(f"naravard: no loadable extract in {settings.landing_dir}", file=sys.stderr)
        return 2
    return execute_months(settings, months[0], months[-1], "cli", args.log_level, full_refresh=args.full_refresh)


def execute_months(settings: Settings, first: str, last: str, trigger: str, log_level: str,
                   full_refresh: bool = False) -> int:
    """One run of naravard_full over the months first..last in the instance of DAGSTER_HOME
    (shared by `run`, `backfill`, `rebuild` and `rekey`), then the alerts of that run. The
    definitions are built from `settings` (a rebuild's point at its own landing copy and warehouse)."""
    import dagster as dg

    from orchestration import uptodate
    from orchestration.automation.concurrency import WarehouseInUse, claim_instance
    from orchestration.dbt_cli import prepare

    # Before the manifest is prepared: `dbt parse` opens the warehouse too, and a damaged one must be
    # the one-line message with the way out, not dbt's error.
    stop = preflight(settings)
    if stop:
        print(f"naravard: {stop}", file=sys.stderr)
        return 2
    prepare(settings)  # the dbt manifest, before the dbt assets are declared
    from orchestration.defs import build_definitions
    from orchestration.transform import FULL_REFRESH_TAG

    defs = build_definitions(settings)
    with single_writer(settings.warehouse):
        stop = preflight(settings)
        if stop:
            print(f"naravard: {stop}", file=sys.stderr)
            return 2
        # The instance of the settings' DAGSTER_HOME, opened by path: nothing is put in the
        # environment for it (the run is in this process; no child needs DAGSTER_HOME).
        instance = dg.DagsterInstance.from_config(str(settings.dagster_home))
        try:
            for run_id in claim_instance(instance, settings.warehouse):
                print(f"naravard: run {run_id} was left unfinished by a naravard process that died; marked it failed",
                      file=sys.stderr)
        except WarehouseInUse as e:
            raise SystemExit(f"naravard: {e}") from None
        built_from = uptodate.fingerprint(settings)  # what this run is built from
        job = defs.resolve_job_def("naravard_full")
        print(f"naravard: running months {first}..{last} from {settings.landing_dir}")
        result = job.execute_in_process(
            instance=instance,
            run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            tags={
                "dagster/asset_partition_range_start": first,
                "dagster/asset_partition_range_end": last,
                "naravard/trigger": trigger,
                "naravard/warehouse": str(settings.warehouse),
                **({FULL_REFRESH_TAG: "true"} if full_refresh else {}),
            },
            raise_on_error=False,
        )
        record_publication(result, settings, built_from)
    code = report(result, settings)
    send_alerts(instance, result.run_id, settings)
    return code


def record_publication(result, settings: Settings, code: str) -> None:
    """After a run that succeeded and published: what it was built from (orchestration/uptodate),
    so the next `naravard run` with nothing new delivered can say so and stop."""
    from orchestration import uptodate
    from orchestration.quality.run_report import published_serving
    from orchestration.resources import connect_with_retry

    if not (result.success and published_serving(result)):
        return
    publication_id = uptodate.serving_publication(settings.serving_dir)
    con = connect_with_retry(settings.warehouse)
    try:
        uptodate.record(con, result.run_id, publication_id, code)
    finally:
        con.close()


def damaged_file_errors() -> tuple[type[Exception], ...]:
    """What DuckDB raises reading a block that a damaged file does not hold."""
    import duckdb

    return duckdb.IOException, duckdb.SerializationException, duckdb.InternalException


def preflight(settings: Settings) -> str | None:
    """Why the run must not start, in one line, or None: a warehouse DuckDB cannot open, or one
    pseudonymised with another key (the ingest assets check the key too, for daemon runs)."""
    from orchestration.ingest import key_guard
    from orchestration.resources import WarehouseDamaged, connect_with_retry

    if not settings.warehouse.exists():
        return None
    try:
        con = connect_with_retry(settings.warehouse, read_only=True)
    except WarehouseDamaged as e:
        return e.description
    try:
        key_guard.check(con, settings.pseudonym_key, settings.warehouse)
    except key_guard.KeyChanged as e:
        return str(e)
    except damaged_file_errors():
        # A file cut short can still open (its header and catalogue intact) and fail at the first
        # read of a table: the same damage, the same one line with the way out.
        return WarehouseDamaged(settings.warehouse).description
    finally:
        con.close()
    return None


def cmd_rebuild(args: argparse.Namespace) -> int:
    from orchestration.rebuild import rebuild

    settings = Settings.from_env()
    ensure_dagster_home(settings)
    with single_writer(settings.warehouse):
        return rebuild(settings, args.command, args.log_level, execute_months)


def send_alerts(instance, run_id: str, settings: Settings) -> None:
    """After a headless run, the alerts the daemon's sensors would send (orchestration/alerts):
    one per failing check (ERROR; WARN if NARAVARD_ALERT_ON_WARN) and one if the run failed."""
    from orchestration.alerts import alert_run

    try:
        sent = alert_run(instance, run_id, settings.alerts)
    except Exception as e:  # noqa: BLE001 - alerting must never change the run's outcome
        print(f"naravard: alerting failed: {e}", file=sys.stderr)
        return
    for alert, deliveries in sent:
        how = (", ".join(d.channel + ("" if d.ok else f" FAILED ({d.detail})") for d in deliveries)
               or "not sent: set NARAVARD_ALERT_WEBHOOK_URL or NARAVARD_SMTP_HOST")
        print(f"naravard: alert: {alert.title} [{how}]", file=sys.stderr if any(not d.ok for d in deliveries)
              else sys.stdout)


def cmd_backfill(args: argparse.Namespace) -> int:
    """Re-ingest the months first..last (every extract present in landing), rebuild and publish."""
    from orchestration.partitions import valid_months

    settings = Settings.from_env()
    ensure_dagster_home(settings)
    months = valid_months()
    for m in (args.first, args.last):
        if m not in months:
            print(f"naravard: {m} is not a reporting month: expected YYYY-MM from {months[0]} to {months[-1]} "
                  "(the last complete month)", file=sys.stderr)
            return 2
    if args.first > args.last:
        print(f"naravard: --from {args.first} is after --to {args.last}", file=sys.stderr)
        return 2
    present, _ = months_to_run(settings)
    if not any(args.first <= m <= args.last for m in present):
        print(f"naravard: no loadable extract for {args.first}..{args.last} in {settings.landing_dir}",
              file=sys.stderr)
        return 2
    return execute_months(settings, args.first, args.last, "backfill", args.log_level)


def report(result, settings: Settings) -> int:
    """Exit code and messages of a run: non-zero when a step failed or a blocking ERROR
    check held back publishing (naming the check, asset and partition); 0 with WARN findings."""
    from orchestration.quality.run_report import failed_checks, published_serving, skipped_steps

    checks = failed_checks(result)
    errors = [c for c in checks if c.severity == "ERROR"]
    warns = [c for c in checks if c.severity == "WARN"]
    docs = settings.datadocs_dir / "index.html"
    if result.success:
        print(f"naravard: run {result.run_id} succeeded; warehouse {settings.warehouse}; "
              f"serving copy in {settings.serving_dir}")
        for c in errors:  # non-blocking: contract breaks the loader contained
            print(f"naravard: {c.line()}")
        if warns:
            print(f"naravard: {len(warns)} check(s) with WARN (published anyway; the gaps are in marts.dq_findings, "
                  f"the validations in {docs}):")
            for c in warns:
                print(f"naravard:   {c.line()}")
        return 0
    for e in (e for e in result.all_events if e.is_step_failure):
        err = e.step_failure_data.error
        print(f"naravard: step {e.step_key} failed: {err.message.strip() if err else 'unknown error'}",
              file=sys.stderr)
    for c in errors:
        print(f"naravard: {c.line()}", file=sys.stderr)
    skipped = skipped_steps(result)
    if skipped:
        print(f"naravard: not run because of the failure: {', '.join(skipped)}", file=sys.stderr)
    outcome = ("the serving copy was published before the failure" if published_serving(result)
               else "nothing new was published (the serving copy was not replaced)")
    print(f"naravard: run {result.run_id} FAILED; {outcome}. Data Docs: {docs}. See the run in the Dagster UI "
          "(make dev).", file=sys.stderr)
    return 1


def cmd_demo_data(args: argparse.Namespace) -> int:
    from naravard.demo import write_demo_data

    scale: float | str = args.scale
    try:
        scale = float(scale)
    except ValueError:
        pass
    manifest = write_demo_data(Path(args.out), scale=scale, seed=args.seed, months=args.months,
                               end_month=args.end_month, defects=not args.clean)
    print(f"naravard: demo data written to {args.out} ({len(manifest.get('files', [])) or 'all'} files)")
    return 0


def not_said_by_the_run(record: logging.LogRecord) -> bool:
    """Dagster's console logger already prints what libraries log through get_dagster_logger()
    (dagster.builtin: dagster-dbt's "Running dbt command", ...) during a run, with the run and
    step; the root handler printed each a second time. Warnings and errors it keeps."""
    return not (record.name.startswith("dagster.builtin") and record.levelno < logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    quiet_telemetry()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:
        handler.addFilter(not_said_by_the_run)
    parser = argparse.ArgumentParser(prog="naravard", description="Nära vård indicators: the headless pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest everything in the landing folder, build, check and publish")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="console log level of the Dagster run (the UI keeps every event)")
    run.add_argument("--full-refresh", action="store_true",
                     help="run and rebuild every model even when nothing new was delivered")
    run.set_defaults(func=cmd_run)

    backfill = sub.add_parser("backfill", help="ingest a range of months again, then build, check and publish")
    backfill.add_argument("--from", dest="first", required=True, metavar="YYYY-MM", help="first reporting month")
    backfill.add_argument("--to", dest="last", required=True, metavar="YYYY-MM", help="last reporting month")
    backfill.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                          help="console log level of the Dagster run (the UI keeps every event)")
    backfill.set_defaults(func=cmd_backfill)

    for name, what in (("rebuild", "recreate the warehouse from the archive (every month, in delivery order), "
                                   "then build, check and publish"),
                       ("rekey", "the same with a new NARAVARD_PSEUDONYM_KEY: re-pseudonymise all history")):
        cmd = sub.add_parser(name, help=what)
        cmd.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                         help="console log level of the Dagster run (the UI keeps every event)")
        cmd.set_defaults(func=cmd_rebuild)

    demo = sub.add_parser("demo-data", help="write realistic demo extracts for Region Västerbotten")
    demo.add_argument("--out", required=True, help="landing folder to write")
    demo.add_argument("--scale", default="1.0", help="1.0 = Region Västerbotten (~279 000 listed); 'national' = "
                      "10.5 M over 21 regions, 290 kommuner, ~1 100 health centres; 'national:0.01' = that shape at 1 %%")
    demo.add_argument("--seed", type=int, default=20241231)
    demo.add_argument("--months", type=int, default=24, help="how many months, ending at --end-month")
    demo.add_argument("--end-month", default="2024-12")
    demo.add_argument("--clean", action="store_true", help="no injected registration gaps or defects")
    demo.set_defaults(func=cmd_demo_data)

    bench = sub.add_parser("bench", help="measure a monthly run stage by stage against bare DuckDB (docs/benchmarks.md)")
    from naravard.bench import add_arguments as add_bench_arguments, run as run_bench

    add_bench_arguments(bench)
    bench.set_defaults(func=run_bench)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigurationError as e:
        print(f"naravard: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
