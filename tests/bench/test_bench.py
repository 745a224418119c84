"""`naravard bench` at a tiny scale: the baseline SQL gives the same marts.indikatorer as the dbt
build, and the last line is the JSON the issue asks for. No timing is asserted (timings are the
bench's output, not a property of the code).

Twelve months are loaded so that every indicator family has rows (the ambulance indicators need
a year of data for their window); only the ingestion and the dbt build run as stages (the rest
of the stages, the whole run and the increment would take minutes, and are what `make bench`
measures).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

NARAVARD = str(Path(sys.executable).parent / "naravard")
REQUIRED = {"scale", "total_s", "baseline_s", "ratio", "peak_rss_gb", "incremental_s", "floor_s", "floor_ratio"}


def test_bench_baseline_equals_dbt_and_prints_the_json_line(tmp_path: Path):
    env = dict(os.environ, DAGSTER_DISABLE_TELEMETRY="1", DO_NOT_TRACK="1", DBT_SEND_ANONYMOUS_USAGE_STATS="false",
               GX_ANALYTICS_ENABLED="False")
    out = tmp_path / "bench"
    proc = subprocess.run(
        [NARAVARD, "bench", "--scale", "0.02", "--first-months", "12", "--months", "0", "--stages", "ingest,dbt_build",
         "--no-whole-run", "--out", str(out), "--report", str(tmp_path / "benchmarks.md")],
        env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert REQUIRED <= set(result), result
    assert result["scale"] == "0.02" and result["baseline_equal"] is True
    assert "scale=0.02" in (tmp_path / "benchmarks.md").read_text()

    # The floor (bare DuckDB from the landing files, then the baseline SQL) is reported, took
    # time, and the whole run is measured against it (no whole run here: no ratio).
    assert result["floor_equal"] is True
    assert result["floor_s"] > 0 and result["floor_ratio"] is None
    assert "× the floor" in (tmp_path / "benchmarks.md").read_text()

    # The comparisons again, independently of naravard/bench/compare.py: every row and
    # value of dbt's marts.indikatorer is in the baseline's and the floor's, and the other way round.
    con = duckdb.connect()
    con.execute(f"ATTACH '{out / 'stages' / 'warehouse' / 'naravard.duckdb'}' AS d (READ_ONLY)")
    con.execute(f"ATTACH '{out / 'baseline.duckdb'}' AS b (READ_ONLY)")
    con.execute(f"ATTACH '{out / 'floor.duckdb'}' AS f (READ_ONLY)")
    cols = ("indicator_id, period, level, unit_id, unit_name, round(numerator, 6), denominator, round(value, 9), "
            "target, suppressed")
    n_dbt = con.execute("SELECT count(*) FROM d.marts.indikatorer").fetchone()[0]
    for other in ("b", "f"):
        n_other = con.execute(f"SELECT count(*) FROM {other}.marts.indikatorer").fetchone()[0]
        only_dbt = con.execute(f"SELECT {cols} FROM d.marts.indikatorer EXCEPT ALL "
                               f"SELECT {cols} FROM {other}.marts.indikatorer").fetchall()
        only_other = con.execute(f"SELECT {cols} FROM {other}.marts.indikatorer EXCEPT ALL "
                                 f"SELECT {cols} FROM d.marts.indikatorer").fetchall()
        assert n_dbt == n_other and n_dbt > 0, other
        assert only_dbt == [] and only_other == [], (other, only_dbt[:5], only_other[:5])
    # The floor's SQL HMAC and personnummer rules give the pipeline's pseudonyms, file by file, as
    # many times each (a valid number its HMAC, an invalid one NULL), in every extract that holds
    # personnummer.
    for table in ("listning_listning", "vardgaranti_bedomning", "ambulans_uppdrag", "vhu_inbjudan",
                  "vhu_undersokning", "besok_besok"):
        pairs = "SELECT _source_file, person_id FROM {}.raw." + table
        diff = con.execute(f"({pairs.format('d')} EXCEPT ALL {pairs.format('f')}) UNION ALL "
                           f"({pairs.format('f')} EXCEPT ALL {pairs.format('d')})").fetchall()
        assert diff == [], (table, len(diff))
    # Unidentified ambulance patients exist in the demo data: the NULL side is compared too.
    assert con.execute("SELECT count(*) FROM f.raw.ambulans_uppdrag WHERE person_id IS NULL").fetchone()[0] > 0
    # All fifteen indicators (K4-K8 of contract 1.2 too: twelve visit months give K4's first window) and
    # the four levels are compared, not a convenient subset.
    indicators = {r[0] for r in con.execute("SELECT DISTINCT indicator_id FROM d.marts.indikatorer").fetchall()}
    levels = {r[0] for r in con.execute("SELECT DISTINCT level FROM d.marts.indikatorer").fetchall()}
    assert len(indicators) == 15, indicators
    assert levels == {"region", "lansdel", "kommun", "vardenhet"}
    suppressed = con.execute("SELECT count(*) FILTER (WHERE suppressed), count(*) FILTER (WHERE NOT suppressed) "
                             "FROM d.marts.indikatorer").fetchone()
    assert suppressed[0] > 0 and suppressed[1] > 0  # both sides of the disclosure rule are compared
