"""A clean data set gives no finding but its coverage (too few months for a window or a year); a broken extract holds back the marts and the serving copy.

One real `naravard run` over clean demo data (defects=False, which still has
the generator's realistic blanks: empty yrkesgrupp and fast_vardkontakt, ~1 %
blank VHU measurements, FaR blank where activity is not low, never-listed
visitors in the ambulance data). Then a corrected delivery arrives that
cannot be read, and the next run must stop before the marts.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from naravard.demo import write_demo_data
from tests.helpers import write_file
from tests.quality.conftest import check_result, findings, pointed_at, run_naravard

MONTHS = 4


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    root = tmp_path_factory.mktemp("dq_clean")
    with pointed_at(root):
        manifest = write_demo_data(root / "landing", scale=0.03, months=MONTHS, defects=False)
        run = run_naravard()
        # Read everything the clean-data tests need now: the broken-delivery test reuses the folders.
        state = {"root": root, "manifest": manifest, "run": run,
                 "findings": findings(root / "warehouse" / "naravard.duckdb"),
                 "serving_sha": _sha(root / "serving" / "naravard.duckdb")}
        yield state


# Findings about coverage, not registration gaps (CONTRACTS.md section 3.1): four months of data never
# fill an ambulance window or a VHU year, whatever their quality.
COVERAGE = ("DQ_AMBULANS_FONSTER_OFULLSTANDIGT", "DQ_VHU_AR_OFULLSTANDIGT")


def test_clean_data_has_no_findings_but_its_coverage(clean):
    run = clean["run"]
    assert run.rc == 0, run.err
    f = clean["findings"]
    gaps = f[~f["check_id"].isin(COVERAGE)]
    assert gaps.empty, gaps[["check_id", "unit_id", "period", "message"]].to_string()
    # Each of the four ambulance months is withheld: month k of the data (k = 1..4) has k of the twelve
    # months of its window delivered, so 12 - k missing; all in Region Västerbotten (24).
    months = sorted({m["month"] for m in clean["manifest"]["files"].values()})
    window = f[f["check_id"] == COVERAGE[0]].sort_values("period")
    assert list(window["period"]) == months and set(window["unit_id"]) == {"24"}
    assert list(window["affected"]) == [12 - k for k in range(1, MONTHS + 1)]
    # Every year with VHU data is published year-to-date: 12 minus its delivered months are missing.
    years = f[f["check_id"] == COVERAGE[1]].set_index("period")["affected"].to_dict()
    assert years == {y: 12 - sum(m.startswith(y) for m in months) for y in {m[:4] for m in months}}
    # Only those WARN findings: every blocking check passed, and the run still publishes.
    ours = [c for c in run.checks if c.check_name in ("leverans", "gx_kontrakt")]
    assert len(ours) == 8 * 2 + 1 and all(c.passed for c in ours), [c.description for c in ours if not c.passed]
    assert not check_result(run, "marts/dq_findings", "registreringsluckor").passed


def test_clean_data_keeps_its_realistic_blanks(clean):
    # The clean set is not trivially clean: the blanks that are no gap are there, and were not findings.
    con = duckdb.connect(str(clean["root"] / "warehouse" / "naravard.duckdb"), read_only=True)
    try:
        blanks = con.execute("""SELECT
            (SELECT count(*) FROM raw.vardgaranti_bedomning WHERE yrkesgrupp IS NULL OR yrkesgrupp = ''),
            (SELECT count(*) FROM raw.listning_listning WHERE coalesce(fast_vardkontakt, '') = ''),
            (SELECT count(*) FROM raw.vhu_undersokning WHERE far_forskriven IS NULL AND NOT fysisk_aktivitet_lag),
            (SELECT count(*) FROM raw.ambulans_uppdrag u WHERE NOT EXISTS (
                SELECT 1 FROM raw.listning_listning l WHERE l.person_id = u.person_id))""").fetchone()
    finally:
        con.close()
    assert all(n > 0 for n in blanks), blanks


def test_a_file_set_aside_whole_stops_the_marts_and_the_serving_copy(clean):
    root = clean["root"]
    last = sorted({f["month"] for f in clean["manifest"]["files"].values()})[-1]
    warehouse = root / "warehouse" / "naravard.duckdb"
    con = duckdb.connect(str(warehouse), read_only=True)
    built_before = con.execute("SELECT count(*) FROM marts.indikatorer").fetchone()[0]
    con.close()
    # A corrected delivery for the last month, written with the wrong delimiter: unreadable.
    write_file(root / "landing" / "vardgaranti", f"telefoni_{last}.csv",
               f"hsa_id,datum,inkommande_samtal,besvarade_samma_dag\nSE2321000222-E001001,{last}-02,10,7")
    with pointed_at(root):
        run = run_naravard()

    assert run.rc != 0
    assert f"blocking ERROR check leverans on raw/vardgaranti_telefoni partition(s) {last}" in run.err
    assert f"telefoni_{last}.csv" in run.err and "set aside whole" in run.err
    assert "nothing new was published" in run.err and "naravard_dbt_assets" in run.err
    ev = check_result(run, "raw/vardgaranti_telefoni", "leverans")
    assert not ev.passed and ev.severity.value == "ERROR" and ev.blocking
    assert ev.metadata["failed_partitions"].value == last
    # Neither the marts nor the serving copy were rebuilt.
    assert _sha(root / "serving" / "naravard.duckdb") == clean["serving_sha"]
    mats = {c.asset_key.to_user_string() for c in run.checks}
    assert "marts/indikatorer" not in mats
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute("SELECT count(*) FROM marts.indikatorer").fetchone()[0] == built_before
    con.close()
