"""`naravard`: the headless commands (CONTRACTS.md section 1).

    naravard run                      ingest the landing folder, build, check, publish
    naravard demo-data --out DIR      write the demo landing folder
"""
from __future__ import annotations

import argparse
import contextlib
import fcntl
import logging
import sys
from pathlib import Path

from orchestration.settings import ConfigurationError, Settings, quiet_telemetry

DAGSTER_YAML = """# Written by naravard. Nothing here may call home.
telemetry:
  enabled: false
"""


def ensure_dagster_home(settings: Settings) -> None:
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = settings.dagster_home / "dagster.yaml"
    if not cfg.exists():
        cfg.write_text(DAGSTER_YAML)


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
    months = sorted({f.month for f in files if not f.problem})
    problems = [f.problem for f in files if f.problem]
    return months, problems


def cmd_run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    settings.export()
    ensure_dagster_home(settings)
    if not settings.landing_dir.is_dir() or not any(settings.landing_dir.iterdir()):
        print(f"naravard: the landing folder {settings.landing_dir} is empty or missing. Put the extracts there "
              "(see README), set NARAVARD_LANDING_DIR, or write demo data with `naravard demo-data --out DIR`.",
              file=sys.stderr)
        return 2
    months, problems = months_to_run(settings)
    for p in problems:
        print(f"naravard: set aside: {p}", file=sys.stderr)
    if not months:
        print(f"naravard: no loadable extract in {settings.landing_dir}", file=sys.stderr)
        return 2

    import dagster as dg

    from orchestration.definitions import defs

    with single_writer(settings.warehouse):
        instance = dg.DagsterInstance.get()
        job = defs.resolve_job_def("naravard_full")
        print(f"naravard: running months {months[0]}..{months[-1]} from {settings.landing_dir}")
        result = job.execute_in_process(
            instance=instance,
            run_config={"loggers": {"console": {"config": {"log_level": args.log_level}}}},
            tags={
                "dagster/asset_partition_range_start": months[0],
                "dagster/asset_partition_range_end": months[-1],
                "naravard/trigger": "cli",
            },
            raise_on_error=False,
        )
    return report(result, settings)


def report(result, settings: Settings) -> int:
    failed = [e for e in result.all_events if e.is_step_failure]
    if result.success:
        print(f"naravard: run {result.run_id} succeeded; warehouse {settings.warehouse}; "
              f"serving copy in {settings.serving_dir}")
        return 0
    for e in failed:
        err = e.step_failure_data.error
        print(f"naravard: step {e.step_key} failed: {err.message.strip() if err else 'unknown error'}",
              file=sys.stderr)
    print(f"naravard: run {result.run_id} FAILED; nothing new was published. See the run in the Dagster UI "
          "(make dev).", file=sys.stderr)
    return 1


def cmd_demo_data(args: argparse.Namespace) -> int:
    from orchestration.demo import write_demo_data

    scale: float | str = args.scale
    try:
        scale = float(scale)
    except ValueError:
        pass
    manifest = write_demo_data(Path(args.out), scale=scale, seed=args.seed, months=args.months,
                               end_month=args.end_month, defects=not args.clean)
    print(f"naravard: demo data written to {args.out} ({len(manifest.get('files', [])) or 'all'} files)")
    return 0


def main(argv: list[str] | None = None) -> int:
    quiet_telemetry()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="naravard", description="Nära vård indicators: the headless pipeline.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest everything in the landing folder, build, check and publish")
    run.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                     help="console log level of the Dagster run (the UI keeps every event)")
    run.set_defaults(func=cmd_run)

    demo = sub.add_parser("demo-data", help="write realistic demo extracts for Region Västerbotten")
    demo.add_argument("--out", required=True, help="landing folder to write")
    demo.add_argument("--scale", default="1.0", help="1.0 = the region (~279 000 listed); 'national' = 10.5 M")
    demo.add_argument("--seed", type=int, default=20241231)
    demo.add_argument("--months", type=int, default=24, help="how many months, ending at --end-month")
    demo.add_argument("--end-month", default="2024-12")
    demo.add_argument("--clean", action="store_true", help="no injected registration gaps or defects")
    demo.set_defaults(func=cmd_demo_data)

    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ConfigurationError as e:
        print(f"naravard: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
