"""The baseline: marts.indikatorer from the raw tables by one plain SQL script (baseline.sql) on DuckDB.

    python -m naravard.bench.baseline --raw WAREHOUSE --out BASELINE_DB [--memory-limit 4GB]

The raw tables are read from the warehouse attached read-only (views, no copy), so
the baseline sees exactly the rows the pipeline's dbt build saw. The result is
written to BASELINE_DB (marts.indikatorer). DuckDB runs with the settings dbt
gets (profiles.yml: memory_limit, preserve_insertion_order=false; all cores).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

from orchestration.paths import DBT_PROJECT_DIR, ROJANDEKONTROLL_CSV

SQL_PATH = Path(__file__).with_name("baseline.sql")
RAW_TABLES = ("vardgaranti_telefoni", "vardgaranti_bedomning", "listning_listning", "listning_lakare",
              "ambulans_uppdrag", "vhu_inbjudan", "vhu_undersokning", "besok_besok")
# The dbt project's vars (dbt_project.yml); the threshold is the run's setting.
DBT_VARS = {"MIN_UPPDRAG": 4, "FONSTER_DAGAR": 365, "RIKTVARDE_SPECIALIST": 1100, "RIKTVARDE_ST": 550}


def script(threshold: int) -> list[str]:
    text = SQL_PATH.read_text(encoding="utf-8")
    subs = {**{k: str(v) for k, v in DBT_VARS.items()}, "THRESHOLD": str(threshold),
            "KOMMUNER_CSV": str(DBT_PROJECT_DIR / "seeds" / "reference" / "kommuner.csv"),
            "VARDENHETER_CSV": str(DBT_PROJECT_DIR / "seeds" / "reference" / "vardenheter.csv"),
            "ROJANDEKONTROLL_CSV": str(ROJANDEKONTROLL_CSV)}
    for k, v in subs.items():
        text = text.replace(f"@{k}@", v)
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [s.strip() for s in body.split(";\n") if s.strip()]


def fresh_database(out: Path, memory_limit: str) -> duckdb.DuckDBPyConnection:
    """A new DuckDB file at out (an earlier one removed) with the settings dbt gets."""
    out.parent.mkdir(parents=True, exist_ok=True)
    for p in (out, out.with_name(out.name + ".wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect(str(out))
    con.execute(f"SET memory_limit = '{memory_limit}'")
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    return con


def emit(result: dict, path: Path | None) -> int:
    """The result as JSON, to the file the runner reads and to stdout (the stage's log)."""
    if path:
        path.write_text(json.dumps(result))
    print(json.dumps(result))
    return 0


def run(raw_warehouse: Path, out: Path, memory_limit: str, threshold: int) -> dict:
    con = fresh_database(out, memory_limit)
    con.execute(f"ATTACH '{raw_warehouse}' AS wh (READ_ONLY)")
    con.execute("CREATE SCHEMA raw")
    for t in RAW_TABLES:
        con.execute(f"CREATE VIEW raw.{t} AS SELECT * FROM wh.raw.{t}")
    started = time.perf_counter()
    for stmt in script(threshold):
        con.execute(stmt)
    seconds = time.perf_counter() - started
    rows = con.execute("SELECT count(*) FROM marts.indikatorer").fetchone()[0]
    con.execute("DETACH wh")
    con.close()
    return {"sql_s": round(seconds, 3), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m naravard.bench.baseline")
    p.add_argument("--raw", required=True, type=Path, help="warehouse holding the raw.* tables")
    p.add_argument("--out", required=True, type=Path, help="DuckDB file to write marts.indikatorer into")
    p.add_argument("--memory-limit", help="default: NARAVARD_DUCKDB_MEMORY_LIMIT (orchestration/settings.py)")
    p.add_argument("--threshold", type=int, help="default: NARAVARD_SUPPRESSION_THRESHOLD")
    p.add_argument("--result", type=Path, help="write the result as JSON here")
    a = p.parse_args(argv)
    from orchestration.settings import Settings

    settings = Settings.from_env(check_key=False)  # no key here: the raw tables are pseudonymised already
    threshold = settings.suppression_threshold if a.threshold is None else a.threshold
    return emit(run(a.raw, a.out, a.memory_limit or settings.duckdb_memory_limit, threshold), a.result)


if __name__ == "__main__":
    sys.exit(main())
