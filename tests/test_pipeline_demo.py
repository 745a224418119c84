"""The whole pipeline, headless, on the full demo data set: what `make run` does.

The region's own reported figures (Region Västerbotten's 2024 report to
Socialstyrelsen, CONTRACTS.md section 3) are the expected answers, not the
code's output: T1 73 % / 76 %, T2 77 % / 80 %, K1 10 % (about 28 100 persons)
at the end of 2024, V1 28 % / 31 %.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import privacy
from naravard.demo import write_demo_data
from tests.conftest import pipeline_vars

NARAVARD = str(Path(sys.executable).parent / "naravard")


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory, region_demo):
    root = tmp_path_factory.mktemp("demo_run")
    (root / "landing").symlink_to(region_demo[0])  # the demo at scale 1, written once (tests/conftest.py)
    manifest = region_demo[1]
    env = {**os.environ, **pipeline_vars(root)}
    # At the default log level, as `make run` prints it.
    proc = subprocess.run([NARAVARD, "run"], env=env, capture_output=True, text=True, timeout=1800)
    (root / "run.out").write_text(proc.stdout + proc.stderr)
    return root, manifest, proc


def _con(root: Path):
    return duckdb.connect(str(root / "warehouse" / "naravard.duckdb"), read_only=True)


def test_run_succeeds_and_is_in_the_dagster_instance(demo_run):
    root, _, proc = demo_run
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "succeeded" in proc.stdout
    instance = dg.DagsterInstance.from_config(str(root / "dagster_home"))
    runs = instance.get_runs()
    assert len(runs) == 1 and runs[0].is_success and runs[0].tags.get("naravard/trigger") == "cli"


def test_the_console_says_each_thing_once_plainly_with_progress(demo_run):
    """Issue 17: output redirected to a file has no colour codes, no line twice, and the
    dbt build counts its models up to all of them."""
    root, _, proc = demo_run
    out = proc.stdout + proc.stderr
    assert "\x1b[" not in out
    # A message without the prefix each logger gives it (time, run id, step), so the same
    # message printed by two loggers counts twice.
    prefix = re.compile(r"^(\S+ \S+ \+\d{4} - dagster - \w+ - |\w+ [\w.]+: )")
    # (Python's warnings of libraries, a path:line line and its source line, are not the
    # run's output and are dealt with where they are raised.)
    lines = [prefix.sub("", ln) for ln in out.splitlines()
             if ln.strip() and not re.search(r"\.py:\d+: \w*Warning: ", ln) and not ln.startswith("  ")]
    twice = {ln for ln in lines if lines.count(ln) > 1}
    assert twice == set(), sorted(twice)[:5]
    progress = [ln for ln in lines if "dbt build: " in ln and " models and seeds built" in ln]
    # the last line has counted every model and seed of the build (k of k)
    assert progress and re.search(r"dbt build: (\d+) of \1 models and seeds built", progress[-1]), progress[-3:]
    assert " START " not in out  # dbt's per-node lines are replaced by the count


def test_a_second_run_with_nothing_new_does_nothing(demo_run):
    """Issue 17: nothing delivered since the last run -> one line, no dbt build, no new
    publication, no new Dagster run, and the warehouse file does not grow."""
    root, _, first = demo_run
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    warehouse = root / "warehouse" / "naravard.duckdb"
    serving = root / "serving" / "naravard.duckdb"
    before = (warehouse.stat().st_size, warehouse.stat().st_mtime_ns, serving.stat().st_mtime_ns)

    proc = subprocess.run([NARAVARD, "run"], env={**os.environ, **pipeline_vars(root)}, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("\n") == 1 and "nothing new delivered since run" in proc.stdout, proc.stdout
    assert "dbt" not in proc.stdout + proc.stderr
    assert (warehouse.stat().st_size, warehouse.stat().st_mtime_ns, serving.stat().st_mtime_ns) == before
    instance = dg.DagsterInstance.from_config(str(root / "dagster_home"))
    assert len(instance.get_runs()) == 1


def _yearly(con, indicator: str, year: str) -> float:
    num, den = con.execute(
        "SELECT sum(numerator), sum(denominator) FROM marts.indikatorer "
        "WHERE indicator_id = ? AND level = 'region' AND unit_id = '24' AND period LIKE ?",
        [indicator, f"{year}-%"]).fetchone()
    return num / den


def test_region_figures_match_what_the_region_reported(demo_run):
    root, _, _ = demo_run
    con = _con(root)
    assert _yearly(con, "T1_TELEFON_SAMMA_DAG", "2023") == pytest.approx(0.73, abs=0.01)
    assert _yearly(con, "T1_TELEFON_SAMMA_DAG", "2024") == pytest.approx(0.76, abs=0.01)
    assert _yearly(con, "T2_BEDOMNING_3_DAGAR", "2023") == pytest.approx(0.77, abs=0.01)
    assert _yearly(con, "T2_BEDOMNING_3_DAGAR", "2024") == pytest.approx(0.80, abs=0.01)
    k1 = con.execute("SELECT numerator, denominator, value FROM marts.indikatorer WHERE indicator_id = "
                     "'K1_FAST_LAKARKONTAKT' AND level = 'region' AND period = '2024-12'").fetchone()
    assert k1[2] == pytest.approx(0.10, abs=0.01)
    assert k1[0] == pytest.approx(28_100, abs=1_500)
    assert k1[1] == pytest.approx(279_000, rel=0.02)
    v1 = dict(con.execute("SELECT period, value FROM marts.indikatorer WHERE indicator_id = 'V1_VHU_DELTAGANDE' "
                          "AND level = 'region'").fetchall())
    assert v1["2023"] == pytest.approx(0.28, abs=0.01)
    assert v1["2024"] == pytest.approx(0.31, abs=0.01)


def test_every_indicator_at_its_levels(demo_run):
    root, _, _ = demo_run
    con = _con(root)
    levels = {(i, lv) for i, lv in con.execute("SELECT DISTINCT indicator_id, level FROM marts.indikatorer").fetchall()}
    for ind in ["T1_TELEFON_SAMMA_DAG", "T2_BEDOMNING_3_DAGAR", "K1_FAST_LAKARKONTAKT", "K2_LISTADE_PER_SPECIALIST",
                "K3_RIKTVARDE_TACKNING", "V1_VHU_DELTAGANDE", "V2_VHU_FAR_VID_LAG_AKTIVITET"]:
        assert {(ind, lv) for lv in ("region", "lansdel", "kommun", "vardenhet")} <= levels
    for ind in ["A1_MANGAKARE_PER_1000", "A2_MANGAKARE_ANDEL_UPPDRAG", "A3_MANGAKARE_MED_FAST_LAKARE"]:
        assert {(ind, lv) for lv in ("region", "lansdel", "kommun")} <= levels
        assert (ind, "vardenhet") not in levels
    # the 15 kommuner of Region Västerbotten each have a K1 row at 2024-12
    assert con.execute("SELECT count(*) FROM marts.indikatorer WHERE indicator_id = 'K1_FAST_LAKARKONTAKT' "
                       "AND level = 'kommun' AND period = '2024-12'").fetchone()[0] == 15


def test_every_file_loaded_and_counts_reconcile(demo_run):
    root, manifest, _ = demo_run
    con = _con(root)
    log = con.execute("SELECT file_name, status, rows_read, rows_loaded, rows_set_aside FROM raw._load_log").fetchall()
    assert len(log) == len(manifest["files"])
    assert all(status == "loaded" for _, status, *_ in log)
    assert all(read == loaded + aside and aside == 0 for _, _, read, loaded, aside in log)
    # rows in the file (from the generator) = rows loaded
    by_name = {Path(rel).name: meta["rows"] for rel, meta in manifest["files"].items()}
    assert {name: loaded for name, _, _, loaded, _ in log} == by_name
    # every delivered file archived as received
    archived = {p.name.split("__", 1)[1] for p in (root / "archive").rglob("*.csv")}
    assert archived == set(by_name)


def test_no_clear_personnummer_in_warehouse_serving_or_event_log(demo_run):
    root, _, _ = demo_run
    # The scanner sees the input's numbers: every delivered one is found in the landing files.
    listning = next((root / "landing" / "listning").glob("listning_*.csv"))
    assert privacy.scan_text(listning.read_text(encoding="latin-1")) > 1_000
    leaks = privacy.scan_duckdb(root / "warehouse" / "naravard.duckdb")
    leaks += privacy.scan_files(root / "serving")
    instance = dg.DagsterInstance.from_config(str(root / "dagster_home"))
    for run in instance.get_runs():
        leaks += privacy.scan_event_log(instance, run.run_id)
    leaks += privacy.scan_files(root / "dagster_home")
    assert leaks == []


def test_scanner_finds_a_planted_personnummer(demo_run, tmp_path):
    """The privacy test above would be worthless if the scanner could not see a leak."""
    root, _, _ = demo_run
    listning = next((root / "landing" / "listning").glob("listning_*.csv"))
    text = listning.read_text(encoding="latin-1")
    planted = next(t for t, ok in zip(privacy.candidates(text), privacy.valid(privacy.candidates(text)))
                   if ok and len(t) == 12)
    db = tmp_path / "leaky.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA marts; CREATE TABLE marts.x (note VARCHAR)")
    con.execute("INSERT INTO marts.x VALUES (?)", [json.dumps({"pnr": planted})])
    con.close()
    assert [str(leak) for leak in privacy.scan_duckdb(db)] == ["leaky.duckdb:marts.x.note: 1 clear personnummer"]
    (tmp_path / "page.html").write_text(f"<td>{planted[2:8]}{planted[-4:]}</td>")  # 10 digits, no separator
    assert len(privacy.scan_files(tmp_path)) == 2  # the page and the DuckDB file


def test_continuity_from_the_visits_lies_in_the_published_range(demo_run):
    """Issue 18 on the demo warehouse: the region's K4 and K5 for 2024-12 in the calibrated ranges (UPC about
    0.45 as in the Swedish studies, 0.23-0.57 between health centres in Blekinge; COC below it), and the
    findings name the unit that never delivers personal_hsa_id."""
    root, manifest, _ = demo_run
    con = _con(root)

    def region(indicator):
        return con.execute("SELECT value, denominator FROM marts.indikatorer WHERE indicator_id = ? AND "
                           "level = 'region' AND unit_id = '24' AND period = '2024-12'", [indicator]).fetchone()

    k4, persons = region("K4_KONTINUITET_UPC")
    k5, _ = region("K5_KONTINUITET_COC")
    k7, sabo = region("K7_KONTINUITET_UPC_SABO")
    assert 0.40 <= k4 <= 0.50 and 0.10 <= k5 < k4
    # SÄBO residents see few physicians: their UPC is well above the rest.
    assert k7 > k4 + 0.2 and 0 < sabo < persons
    # The generator recomputed the same window from its visits (besok.continuity): the same definition.
    c = manifest["besok"]["continuity_last_window"]
    assert persons == c["persons"] and k4 == pytest.approx(c["K4_KONTINUITET_UPC"], abs=1e-5)
    # Health centres spread around the region.
    units = [v for (v,) in con.execute(
        "SELECT value FROM marts.indikatorer WHERE indicator_id = 'K4_KONTINUITET_UPC' AND level = 'vardenhet' "
        "AND period = '2024-12' AND NOT suppressed").fetchall()]
    assert min(units) < 0.42 and max(units) > 0.55
    # The window needs twelve delivered months: the demo starts in 2023-01, so 2023-12 is the first.
    first = con.execute("SELECT min(period) FROM marts.indikatorer WHERE indicator_id = 'K4_KONTINUITET_UPC'"
                        ).fetchone()[0]
    assert first == "2023-12"
    # The unit without practitioner ids: every läkare visit of every month is a finding (share 1).
    gap_unit = manifest["besok"]["unit_without_personal_hsa_id"]
    rows = con.execute("SELECT period, share FROM marts.dq_findings WHERE check_id = 'DQ_BESOK_PERSONAL_SAKNAS' "
                       "AND unit_id = ?", [gap_unit]).fetchall()
    assert len(rows) == 24 and all(share == 1.0 for _, share in rows)
    # ... so hardly any K4 of its own: its listed persons' physician visits there are no physician visits in
    # K4's sense; only the few who moved there during the year bring visits from their previous unit.
    k4_gap, listed = con.execute(
        "SELECT k4.denominator, k1.denominator FROM marts.indikatorer k1 LEFT JOIN marts.indikatorer k4 ON "
        "k4.indicator_id = 'K4_KONTINUITET_UPC' AND k4.period = k1.period AND k4.level = k1.level AND "
        "k4.unit_id = k1.unit_id WHERE k1.indicator_id = 'K1_FAST_LAKARKONTAKT' AND k1.period = '2024-12' AND "
        "k1.level = 'vardenhet' AND k1.unit_id = ?", [gap_unit]).fetchone()
    assert listed > 1000 and (k4_gap or 0) < 0.02 * listed
    # Hired doctors, not in the lakare file: most at the two units that depend on them.
    hired = dict(con.execute("SELECT unit_id, share FROM marts.dq_findings WHERE check_id = "
                             "'DQ_BESOK_LAKARE_EJ_I_LAKARFIL' AND period = '2024-12'").fetchall())
    median = sorted(hired.values())[len(hired) // 2]
    for unit in manifest["besok"]["units_with_many_hired_doctors"]:
        assert hired[unit] > 0.2 and hired[unit] > median
    # Visits by people not listed in the region.
    assert con.execute("SELECT sum(affected) FROM marts.dq_findings WHERE check_id = 'DQ_BESOK_EJ_LISTAD' AND "
                       "period = '2024-12'").fetchone()[0] > 0
