"""`naravard bench`: generate data, run the pipeline stage by stage, the baseline, the whole run, the increment.

Steps (each a child process, measured by measure.py):

1. generate   `naravard demo-data --end-month M1`: the first month M0 (or --first-months months up to
              M0) and the month M1 after it.
2. stages     on a fresh warehouse holding M0: every stage of stage.py (the real assets and checks).
3. baseline   baseline.sql on the same raw tables; its marts.indikatorer is compared with dbt's.
   floor      the same month's files read by bare DuckDB into plain tables, then baseline.sql (floor.py):
              the least the month costs; compared with dbt's marts.indikatorer too.
4. whole run  `naravard run` on another fresh warehouse with M0 (total_s: the first month end to end).
5. increment  the stage warehouse with its history seeded to `--months` months (history.py) and
              built once by dbt, then `naravard backfill --from M1 --to M1` (incremental_s); the load
              log must show that only M1 was ingested.
6. correction on that warehouse, an old month of the history redelivered changed (correction.py)
              and `naravard run` (correction_s); only that month may be ingested.

Prints the results and, last, one line of JSON.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from naravard.bench import machine, report
from naravard.bench.correction import write_correction
from naravard.bench.measure import GB, Measured, run_measured
from naravard.bench.stage import EXTRA_STAGES, STAGES
from orchestration.months import month_plus
from orchestration.paths import PROJECT_ROOT
from orchestration.settings import Settings, child_env

PY = sys.executable
NARAVARD = str(Path(sys.executable).parent / "naravard")
BENCH_KEY = "naravard-bench-key-0123456789abcdef0123456789abcdef"
# The corrected old month: this many months before the first month (2024-07 for the default 2024-12),
# inside the history and inside the mångåkare windows of the months after it.
CORRECTED_MONTHS_BACK = 5


def site_env(site: Path, landing: Path, memory_limit: str | None) -> dict[str, str]:
    """Environment of one isolated pipeline: its own warehouse, serving, archive, docs and Dagster instance."""
    from orchestration.instance import DAGSTER_YAML

    env = child_env()
    for k in ("DAGSTER_DISABLE_TELEMETRY", "DO_NOT_TRACK"):
        env[k] = "1"
    env.update({"DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "GX_ANALYTICS_ENABLED": "False",
                "NARAVARD_LANDING_DIR": str(landing), "NARAVARD_WAREHOUSE": str(site / "warehouse" / "naravard.duckdb"),
                "NARAVARD_SERVING_DIR": str(site / "serving"), "NARAVARD_ARCHIVE_DIR": str(site / "archive"),
                "NARAVARD_DATADOCS_DIR": str(site / "datadocs"), "DAGSTER_HOME": str(site / "dagster_home"),
                "NARAVARD_PSEUDONYM_KEY": env.get("NARAVARD_PSEUDONYM_KEY") or BENCH_KEY,
                "PYTHONWARNINGS": "ignore"})
    if memory_limit:
        env["NARAVARD_DUCKDB_MEMORY_LIMIT"] = memory_limit
    (site / "dagster_home").mkdir(parents=True, exist_ok=True)
    (site / "dagster_home" / "dagster.yaml").write_text(DAGSTER_YAML)
    (site / "warehouse").mkdir(parents=True, exist_ok=True)
    return env


def link_month(gen: Path, landing: Path, month: str) -> list[str]:
    """The landing folder with the generated files of one month (hard links, no copy)."""
    names = []
    for f in sorted(gen.glob(f"*/*_{month}.csv")):
        target = landing / f.parent.name / f.name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(f, target)
        except OSError:
            shutil.copy2(f, target)
        names.append(f"{f.parent.name}/{f.name}")
    return names


def _log(msg: str) -> None:
    print(f"naravard bench: {msg}", flush=True)


def _stage(name: str, cmd: list[str], env: dict, logs: Path, result: Path | None = None) -> Measured:
    m = run_measured(name, cmd, env=env, log=logs / f"{name}.log", cwd=PROJECT_ROOT)
    if result and result.exists():
        m.extra = json.loads(result.read_text())
    ok = "ok" if m.returncode == 0 else f"FAILED (exit {m.returncode}, see {m.log})"
    _log(f"{name:<16} {m.wall_s:8.1f} s  peak {m.peak_rss_gb:5.2f} GB  {ok}")
    return m


def set_up(env: dict[str, str], logs: Path, name: str) -> None:
    """A site's `make setup`, untimed: dbt parses the project with the site's settings. dbt
    parses again in full whenever the warehouse path or the vars differ from the last parse
    (dbt_project/target/partial_parse.msgpack, which dagster-dbt copies into every build);
    a deployed pipeline parses once at set-up and then builds with a partial parse, but every
    bench site has a warehouse of its own, so without this each site's builds would pay a
    full parse that a user's monthly run does not."""
    with open(logs / f"setup_{name}.log", "w") as log:
        subprocess.run([PY, "-m", "orchestration.dbt_cli", "--force"], env=env, stdout=log, stderr=subprocess.STDOUT,
                       check=True, cwd=PROJECT_ROOT)


def run_bench(a: argparse.Namespace) -> dict:
    scale = a.scale
    root = (a.out or PROJECT_ROOT / "data" / "bench" / str(scale).replace(".", "_")).resolve()
    if root.exists():
        if any(root.iterdir()) and not (root / "logs").is_dir():
            raise SystemExit(f"naravard bench: {root} is not empty and not a bench folder; choose another --out")
        shutil.rmtree(root)
    logs = root / "logs"
    logs.mkdir(parents=True)
    m1 = a.new_month
    m0 = month_plus(m1, -1)
    info = machine.describe()
    _log(f"scale {scale}, months {m0} (first) and {m1} (added to {a.months} months of history); data in {root}")
    results: dict[str, Measured] = {}

    # 1. Generate.
    gen = root / "gen"
    first = month_plus(m0, 1 - a.first_months)
    cmd = [NARAVARD, "demo-data", "--out", str(gen), "--scale", str(scale), "--months", str(a.first_months + 1),
           "--end-month", m1,
           "--seed", str(a.seed)] + (["--clean"] if a.clean else [])
    results["generate"] = _stage("generate", cmd, child_env(), logs)
    if results["generate"].returncode:
        raise SystemExit(f"naravard bench: generating data failed; see {results['generate'].log}")
    manifest = json.loads((gen / "DEFECTS.json").read_text())
    first_files = [f for k in range(a.first_months)
                   for f in link_month(gen, root / "landing_first", month_plus(first, k))]
    # The increment's landing folder holds the first month's files too, as a real one holds every month:
    # the partition run of the new month must leave them alone (the load log shows it).
    new_files = link_month(gen, root / "landing_new", m1)
    link_month(gen, root / "landing_new", m0)
    volumes = manifest.get("volumes", {})

    # 2. Stage by stage.
    stages_site = root / "stages"
    env_a = site_env(stages_site, root / "landing_first", a.memory_limit)
    set_up(env_a, logs, "stages")
    for st in a.stages:
        res = logs / f"{st}.json"
        cmd = [PY, "-m", "naravard.bench.stage", st, "--from", first, "--to", m0, "--result", str(res)]
        results[st] = _stage(st, cmd, env_a, logs, res)
    warehouse_a = Path(env_a["NARAVARD_WAREHOUSE"])

    from naravard.bench.profile import by_stage, dbt_nodes, newest_run_id, step_times

    profiles: dict[str, dict] = {}
    steps: dict[str, dict] = {}  # seconds per stage inside the whole run and the increment (event log)
    if "dbt_build" in results:
        profiles["dbt_build"] = dbt_nodes(results["dbt_build"].extra.get("run_id"))

    # 3. Baseline on the same raw tables, and the comparison.
    res = logs / "baseline.json"
    cmd = [PY, "-m", "naravard.bench.baseline", "--raw", str(warehouse_a), "--out", str(root / "baseline.duckdb"),
           "--result", str(res)] + (["--memory-limit", a.memory_limit] if a.memory_limit else [])
    results["baseline"] = _stage("baseline", cmd, env_a, logs, res)
    from naravard.bench.compare import compare

    built = "dbt_build" in results and results["dbt_build"].returncode == 0
    comparison = compare(warehouse_a, root / "baseline.duckdb") if built and results["baseline"].returncode == 0 \
        else {"equal": False, "error": "the dbt build stage or the baseline failed (or was not run)"}
    _log(f"baseline vs dbt marts.indikatorer: {json.dumps(comparison)[:600]}")

    # 3b. The floor: the same month's files straight into DuckDB (read_csv, HMAC in SQL) and baseline.sql.
    res = logs / "floor.json"
    cmd = [PY, "-m", "naravard.bench.floor", "--landing", str(root / "landing_first"), "--from", first,
           "--to", m0, "--out", str(root / "floor.duckdb"), "--result", str(res)] + (
        ["--memory-limit", a.memory_limit] if a.memory_limit else [])
    results["floor"] = _stage("floor", cmd, env_a, logs, res)
    floor_comparison = compare(warehouse_a, root / "floor.duckdb") if built and results["floor"].returncode == 0 \
        else {"equal": False, "error": "the dbt build stage or the floor failed (or was not run)"}
    _log(f"floor vs dbt marts.indikatorer: {json.dumps(floor_comparison)[:600]}")

    # 4. The whole run, as a user runs it.
    if not a.no_whole_run:
        env_b = site_env(root / "full", root / "landing_first", a.memory_limit)
        set_up(env_b, logs, "whole_run")
        results["whole_run"] = _stage("whole_run", [NARAVARD, "run", "--log-level", "WARNING"], env_b, logs)
        profiles["whole_run"] = dbt_nodes(newest_run_id(root / "full" / "dagster_home"))
        steps["whole_run"] = by_stage(step_times(root / "full" / "dagster_home"))

    # 5. The increment: one month added to `months` months of history.
    incremental: dict = {"measured": False}
    if a.months and a.months > 0 and not a.no_incremental:
        incremental = measure_increment(a, root, logs, warehouse_a, m0, m1, results)
        seed = incremental.get("last_seed_stage")
        profiles["seed_dbt"] = dbt_nodes(results[seed].extra.get("run_id")) if seed in results else {}
        profiles["incremental"] = dbt_nodes(newest_run_id(root / "incremental" / "dagster_home"))
        steps["incremental"] = by_stage(step_times(root / "incremental" / "dagster_home"))

    shutil.rmtree(gen, ignore_errors=True) if a.drop_data else None
    summary = report.summarise(scale, results, comparison, incremental, info, volumes, m0, m1, a.months,
                               first_files, new_files, a.memory_limit or Settings.from_env(
                                   check_key=False).duckdb_memory_limit, profiles, steps,
                               floor_comparison)
    (root / "summary.json").write_text(json.dumps(summary, default=str, indent=1))
    if a.report != "-":
        path = Path(a.report)
        report.write_markdown(path, summary)
        _log(f"results written to {path}")
    if a.drop_data:
        shutil.rmtree(root, ignore_errors=True)
    return summary


def measure_increment(a, root: Path, logs: Path, warehouse_a: Path, m0: str, m1: str,
                      results: dict[str, Measured]) -> dict:
    site = root / "incremental"
    env_c = site_env(site, root / "landing_new", a.memory_limit)
    wh = Path(env_c["NARAVARD_WAREHOUSE"])
    shutil.copy2(warehouse_a, wh)
    set_up(env_c, logs, "incremental")  # the seeding's builds, the increment and the correction parse partially
    # The history grows as a region's would, --seed-chunk months at a time (default one), each
    # chunk built by dbt incrementally on top of the stage warehouse's build of the first month.
    # One dbt build over 24 national months at once spilled more than 45 GB to disk and ran out
    # of it (twice); four national months at once ran the roll-up out of its 4 GB.
    last_seed = None
    for i, k0 in enumerate(range(1, a.months, a.seed_chunk), start=1):
        res = logs / f"seed_history_{i}.json"
        cmd = [PY, "-m", "naravard.bench.seed", "--warehouse", str(wh), "--source-month", m0,
               "--months", str(a.months), "--first-k", str(k0), "--until-k", str(k0 + a.seed_chunk),
               "--result", str(res)]
        results[f"seed_history_{i}"] = _stage(f"seed_history_{i}", cmd, env_c, logs, res)
        res = logs / f"seed_dbt_{i}.json"
        results[f"seed_dbt_{i}"] = _stage(f"seed_dbt_{i}", [PY, "-m", "naravard.bench.stage", "dbt_build",
                                                            "--result", str(res)], env_c, logs, res)
        last_seed = f"seed_dbt_{i}"
    seeded_at = dt.datetime.now()
    time.sleep(0.01)
    results["incremental"] = _stage("incremental", [NARAVARD, "backfill", "--from", m1, "--to", m1,
                                                    "--log-level", "WARNING"], env_c, logs)
    import duckdb

    con = duckdb.connect(str(wh), read_only=True)
    loaded = con.execute("SELECT reporting_month, count(*) FROM raw._load_log WHERE loaded_at > ? "
                         "GROUP BY 1 ORDER BY 1", [seeded_at]).fetchall()
    months = con.execute("SELECT count(DISTINCT _reporting_month) FROM raw.listning_listning").fetchone()[0]
    con.close()
    out = {"measured": True, "history_months": a.months, "months_in_raw_after": months, "last_seed_stage": last_seed,
           "ingested_by_increment": {m: n for m, n in loaded},
           "only_new_month_ingested": [m for m, _ in loaded] == [m1]}
    _log(f"increment: ingested {out['ingested_by_increment']} (only {m1}: {out['only_new_month_ingested']}); "
         f"{months} listing months in raw")

    # 6. A corrected old month of the history (listing and ambulance), as `naravard run` takes it.
    corrected = month_plus(m0, -CORRECTED_MONTHS_BACK)
    files = write_correction(root / "gen", root / "landing_new", m0, corrected)
    corrected_at = dt.datetime.now()
    time.sleep(0.01)
    results["correction"] = _stage("correction", [NARAVARD, "run", "--log-level", "WARNING"], env_c, logs)
    con = duckdb.connect(str(wh), read_only=True)
    loaded = con.execute("SELECT reporting_month, count(*) FROM raw._load_log WHERE loaded_at > ? "
                         "GROUP BY 1 ORDER BY 1", [corrected_at]).fetchall()
    con.close()
    out |= {"corrected_month": corrected, "corrected_files": files,
            "ingested_by_correction": {m: n for m, n in loaded},
            "only_corrected_month_ingested": [m for m, _ in loaded] == [corrected]}
    _log(f"correction of {corrected}: ingested {out['ingested_by_correction']}")
    return out


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scale", default="national", help="demo-data scale: 'national' (10.5 M listed), or a number "
                   "(1.0 = Region Västerbotten, 0.02 for a quick check)")
    p.add_argument("--months", type=int, default=24, help="months of history before the added month (0: skip)")
    p.add_argument("--new-month", default="2025-01", help="the month added to the history; the first month is the "
                   "one before it")
    p.add_argument("--seed-chunk", type=int, default=1, help="months of history seeded and built by dbt at a "
                   "time (default 1: a national month's roll-up needs most of DuckDB's 4 GB)")
    p.add_argument("--first-months", type=int, default=1, help="months in the first run (default 1; 12 or more "
                   "publish the ambulance indicators, whose window is a year)")
    p.add_argument("--seed", type=int, default=20241231)
    p.add_argument("--clean", action="store_true", help="demo data without injected gaps")
    p.add_argument("--memory-limit", help="NARAVARD_DUCKDB_MEMORY_LIMIT for dbt and the baseline (default: the "
                   "project's, 4GB)")
    p.add_argument("--out", type=Path, help="working folder (default data/bench/<scale>); emptied first (only an earlier bench folder)")
    p.add_argument("--report", default=str(PROJECT_ROOT / "docs" / "benchmarks.md"),
                   help="Markdown file whose results section is rewritten ('-': none)")
    p.add_argument("--no-incremental", action="store_true", help="skip the increment measurement")
    p.add_argument("--no-whole-run", action="store_true", help="skip the whole `naravard run`")
    p.add_argument("--stages", type=_stage_list, default=list(STAGES),
                   help=f"comma-separated stages to run one by one (default all: {','.join(STAGES)}; "
                   f"also {','.join(EXTRA_STAGES)}; 'none')")
    p.add_argument("--drop-data", action="store_true", help="delete the working folder at the end")


def _stage_list(text: str) -> list[str]:
    names = [] if text.strip() == "none" else [t.strip() for t in text.split(",") if t.strip()]
    unknown = [n for n in names if n not in STAGES + EXTRA_STAGES]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown stage(s) {', '.join(unknown)}")
    return names


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="naravard bench")
    add_arguments(p)
    return run(p.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    summary = run_bench(args)
    print(json.dumps(summary["json"]), flush=True)
    return 0 if summary["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["add_arguments", "run", "main", "GB"]
