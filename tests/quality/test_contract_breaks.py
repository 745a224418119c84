"""Broken contracts: the raw checks' rules, the GX suites' derivation, and what blocks publishing."""
from __future__ import annotations

import re
import subprocess
import sys

import dagster as dg
import duckdb
import pytest

from orchestration.ingest.schemas import EXTRACTS, TELEFONI
from orchestration.quality import deliveries
from tests.helpers import write_file
from tests.quality.conftest import check_result, run_naravard

HSA = "SE2321000222-E001001"


def _telefoni(rows: list[str]) -> str:
    return "hsa_id;datum;inkommande_samtal;besvarade_samma_dag\n" + "\n".join(rows)


# -- the leverans rule, on load-log states worked out by hand -------------------------------------

def _d(month, status="loaded", read=100, aside=0):
    return deliveries.Delivery(month, f"telefoni_{month}.csv", status, read, aside, "msg")


@pytest.mark.parametrize("delivered, passed, severity, error_months", [
    ([_d("2024-01"), _d("2024-02")], True, None, []),
    # 5 of 100 set aside = exactly the 5 % limit: contained, WARN.
    ([_d("2024-01", "loaded_with_set_aside", 100, 5), _d("2024-02")], False, "WARN", []),
    # 6 of 100 > 5 %: the month would have a hole, ERROR.
    ([_d("2024-01", "loaded_with_set_aside", 100, 6), _d("2024-02")], False, "ERROR", ["2024-01"]),
    ([_d("2024-01"), _d("2024-02", "file_set_aside", 0, 0)], False, "ERROR", ["2024-02"]),
])
def test_leverans_rule(delivered, passed, severity, error_months):
    v = deliveries.judge(TELEFONI, delivered, ["2024-01", "2024-02", "2024-03"], max_share=0.05)
    assert v.passed is passed
    if severity:
        assert v.severity.value == severity
    assert v.error_months == error_months
    assert v.metadata["months_without_file"] == "2024-03"


# -- the suites are derived from the contracts and never see a person ------------------------------

def test_raw_suites_are_derived_from_the_extract_contracts():
    from orchestration.quality import suites

    raw = suites.raw_extracts()
    for e in EXTRACTS:
        rules = raw.rules_for(e)
        by_col = {}
        for r in rules:
            col = r.kwargs.get("column") or r.kwargs.get("column_A")
            by_col.setdefault(col, set()).add(r.expectation)
        for c in e.columns:
            if c.kind == "personnummer":
                assert "ExpectColumnPairValuesToBeEqual" in by_col["har_person_id"]
                continue
            if c.required:
                assert "ExpectColumnValuesToNotBeNull" in by_col[c.name], (e.key, c.name)
            if c.choices:
                assert "ExpectColumnValuesToBeInSet" in by_col[c.name], (e.key, c.name)
            if c.kind in ("int", "decimal") and (c.min is not None or c.max is not None):
                assert "ExpectColumnValuesToBeBetween" in by_col[c.name], (e.key, c.name)
            if c.in_month:
                assert f"{c.name}__manad" in by_col, (e.key, c.name)
        for u in e.unique:
            assert f"{u}__antal_i_leveransen" in by_col
        select = raw.frame_sql(e, ["a-load-id"]).split("\n  FROM")[0]
        items = [line.strip().rstrip(",") for line in select.splitlines()[2:]]
        # Of person_id GX gets one boolean, never the pseudonym; never a personnummer or _extra.
        uses = [i for i in items if re.search(r"\bperson_id\b", i)]
        assert uses in ([], ["person_id IS NOT NULL AS har_person_id"]), (e.key, uses)
        assert not any("personnummer" in i or "_extra" in i for i in items)


def test_a_cross_rule_without_an_expectation_is_an_error():
    import dataclasses

    from orchestration.quality import suites

    raw = suites.raw_extracts()
    new_rule = dataclasses.replace(TELEFONI, cross_rules=(*TELEFONI.cross_rules, "ny_regel"))
    with pytest.raises(KeyError, match="ny_regel"):
        raw.rules_for(new_rule)


def test_checks_are_registered_with_their_blocking_flags():
    from orchestration.defs.quality import quality_checks

    specs = {(s.asset_key.to_user_string(), s.name): s.blocking for c in quality_checks for s in c.check_specs}
    for e in EXTRACTS:
        assert specs[(f"raw/{e.key}", "leverans")] is True
        assert specs[(f"raw/{e.key}", "gx_kontrakt")] is True
    assert specs[("marts/indikatorer", "gx_kontrakt")] is True
    assert specs[("marts/dq_findings", "registreringsluckor")] is False


def test_loading_the_definitions_does_not_import_great_expectations(naravard_env):
    code = "import sys, orchestration.definitions; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- real runs ----------------------------------------------------------------------------------

def test_too_many_rows_set_aside_blocks_the_first_publication(naravard_env):
    # 2 of 10 rows have a date outside the file's month: 20 % set aside, over the 5 % limit.
    rows = [f"{HSA};2024-01-{d:02d};10;7" for d in range(1, 9)] + [f"{HSA};2024-02-01;10;7", f"{HSA};2024-02-02;10;7"]
    write_file(naravard_env / "landing" / "vardgaranti", "telefoni_2024-01.csv", _telefoni(rows))
    run = run_naravard()
    assert run.rc != 0
    assert "blocking ERROR check leverans on raw/vardgaranti_telefoni partition(s) 2024-01" in run.err
    assert "2 of 10 rows set aside" in run.err
    assert not (naravard_env / "serving" / "naravard.duckdb").exists()
    assert check_result(run, "raw/vardgaranti_telefoni", "gx_kontrakt").passed  # the 8 loaded rows are fine


def test_gx_suite_catches_rows_that_bypassed_the_loader(pipeline):
    from orchestration.defs.ingest import ingest_assets
    from orchestration.defs.quality import raw_checks

    rows = [f"{HSA};2024-01-{d:02d};10;7" for d in range(1, 6)]
    write_file(pipeline.root / "landing" / "vardgaranti", "telefoni_2024-01.csv", _telefoni(rows))
    asset = next(a for a in ingest_assets if a.key == dg.AssetKey(["raw", "vardgaranti_telefoni"]))
    checks = next(c for c in raw_checks if dg.AssetKey(["raw", "vardgaranti_telefoni"]) in
                  {s.asset_key for s in c.check_specs})

    def materialize(selection=None):
        # The pipeline fixture's instance is entered (instance_for_test), so Dagster's current
        # defs-state storage is this live instance's, not a stale one left by an earlier test.
        return dg.materialize([asset, checks], partition_key=None if selection else "2024-01",
                              instance=pipeline.instance, selection=selection, resources=pipeline.resources,
                              raise_on_error=False)

    first = materialize()
    assert first.success
    assert {e.check_name: e for e in first.get_asset_check_evaluations()}[
        "gx_kontrakt"].metadata["rows_validated"].value == 5
    # Someone edits raw by hand: more answered than incoming on two days, and a day of another month.
    con = duckdb.connect(str(pipeline.root / "warehouse" / "naravard.duckdb"))
    con.execute("UPDATE raw.vardgaranti_telefoni SET besvarade_samma_dag = 12 "
                "WHERE datum IN (DATE '2024-01-02', DATE '2024-01-04')")
    con.execute("UPDATE raw.vardgaranti_telefoni SET datum = DATE '2024-03-03' WHERE datum = DATE '2024-01-03'")
    con.close()
    # The file is unchanged, so the loader leaves raw as it is and this run loaded nothing: the
    # suite validates what the run loaded, no rows.
    again = {e.check_name: e for e in materialize().get_asset_check_evaluations()}["gx_kontrakt"]
    assert again.passed and again.metadata["rows_validated"].value == 0
    # The checks started on their own (no partition: every month) validate each month's latest load as it stands.
    result = materialize(dg.AssetSelection.checks(*checks.check_keys))

    assert not result.success
    ev = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert ev["leverans"].passed
    gx = ev["gx_kontrakt"]
    assert not gx.passed and gx.severity == dg.AssetCheckSeverity.ERROR and gx.blocking
    table = gx.metadata["failures"].value
    # besvarade_samma_dag 12 > inkommande_samtal 10 on two of the five rows (40 %): GX saw them as one
    # combination (10, 12) of two rows, and the count is of rows. A day of March in the January delivery.
    assert "| expect_column_pair_values_a_to_be_greater_than_b | inkommande_samtal, besvarade_samma_dag | " \
           "critical | 2 | 40.00 % | `(10, 12)` × 2 |" in table
    assert "| expect_column_pair_values_to_be_equal | datum__manad, _reporting_month | critical | 1 | 20.00 % | " \
           "`(2024-03, 2024-01)` × 1 |" in table
    assert gx.metadata["failed_expectations"].value == 2
    page = gx.metadata["data_docs_path"].value
    assert page.startswith(str(pipeline.root / "datadocs")) and "Failed" in open(page, encoding="utf-8").read()
