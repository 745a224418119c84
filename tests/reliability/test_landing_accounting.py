"""Every file in the landing folder is accounted for (issue 16, item 1).

One function (orchestration.landing_names.meaning) says what a path means; the
scan, the ingest assets, the sensor, the late-delivery rule and the `leverans`
check all ask it. Expected answers below are worked out by hand from the
contract's naming rule `<source>/<extract>_YYYY-MM.csv` (letter case free).
"""
from __future__ import annotations

import datetime as dt

import dagster as dg
import duckdb
import pytest

from orchestration.automation import landing_sensor, late
from orchestration.ingest import landing
from orchestration.defs.ingest import ingest_assets, landing_inventory
from orchestration.ingest.schemas import BY_KEY
from orchestration.landing_names import DELIVERY, IGNORED, SET_ASIDE, meaning
from orchestration.quality import deliveries
from tests.helpers import write_file

MONTHS = {"2024-01", "2024-02"}
HSA = "SE2321000222-E001001"
UND = "personnummer;hsa_id;undersokningsdatum;malgrupp"
# Two examinations in February (Luhn of 6408233234 and 1212121212 in tests/ingest/test_identity.py).
UND_ROWS = f"{UND}\n19640823-3234;{HSA};2024-02-05;60\n191212121212;{HSA};2024-02-06;40"


@pytest.mark.parametrize("relative, kind, extract, month, reported", [
    # Letter case is free, in the name, the extension and the folder (files named on Windows).
    ("vhu/Undersokning_2024-02.csv", DELIVERY, "vhu_undersokning", "2024-02", True),
    ("VHU/UNDERSOKNING_2024-02.CSV", DELIVERY, "vhu_undersokning", "2024-02", True),
    ("vardgaranti/telefoni_2024-01.csv", DELIVERY, "vardgaranti_telefoni", "2024-01", True),
    # In a source folder but cannot be loaded: set aside (archived, logged, the sender told).
    ("listning/listning_mars.csv", SET_ASIDE, None, None, True),
    ("listning/telefoni_2024-01.csv", SET_ASIDE, None, "2024-01", True),  # telefoni is vardgaranti's
    ("vhu/inbjudan_2024-03.csv", SET_ASIDE, "vhu_inbjudan", "2024-03", True),  # 2024-03 not loadable here
    # Not a delivery by where it lies or what it is: ignored, with a finding ...
    ("vhu/.undersokning_2024-02.csv.part", IGNORED, None, None, True),  # a copy in progress
    ("vhu/~$undersokning_2024-02.csv", IGNORED, "vhu_undersokning", "2024-02", True),  # Excel's lock file
    ("telefoni_2024-01.csv", IGNORED, "vardgaranti_telefoni", "2024-01", True),  # in the root
    ("inkommande/telefoni_2024-01.csv", IGNORED, "vardgaranti_telefoni", "2024-01", True),
    ("vardgaranti/gamla/telefoni_2024-01.csv", IGNORED, "vardgaranti_telefoni", "2024-01", True),
    # ... except the landing root's own notes, counted but not reported.
    ("DEFECTS.json", IGNORED, None, None, False),
    ("README.md", IGNORED, None, None, False),
])
def test_what_a_landing_path_means(relative, kind, extract, month, reported):
    m = meaning(relative, MONTHS)
    assert (m.kind, m.extract.key if m.extract else None, m.month, m.reported) == (kind, extract, month, reported)
    if kind != DELIVERY:
        assert m.reason and relative.rsplit("/", 1)[-1] in m.reason, m.reason  # names the file


def test_a_personnummer_in_a_name_is_masked_in_the_reason():
    m = meaning("vhu/6407023040.csv", MONTHS)
    assert m.kind == SET_ASIDE and "6407023040" not in m.reason + m.shown
    assert m.reason.startswith("<personnummer>.csv: ")
    m = meaning("196407023040.csv", MONTHS)
    assert m.kind == IGNORED and "6407023040" not in m.reason + m.shown


def test_two_deliveries_of_one_month_are_both_set_aside(tmp_path):
    land = tmp_path / "landing"
    write_file(land / "vhu", "undersokning_2024-02.csv", UND_ROWS)
    write_file(land / "vhu", "Undersokning_2024-02.csv", UND_ROWS)
    files = landing.scan(land)
    assert [(f.kind, f.ambiguous) for f in files] == [(SET_ASIDE, True), (SET_ASIDE, True)]
    assert "remove all but one" in files[0].problem
    assert landing.deliveries(files, BY_KEY["vhu_undersokning"]) == {}
    # Both have arrived, for the late-delivery rule.
    assert late.arrived_from_landing(files) == {("vhu_undersokning", "2024-02")}


def _hostile_landing(land):
    """5 files: 1 delivery (upper-case U), 1 set aside, 3 ignored (2 reported, 1 root note)."""
    write_file(land / "vhu", "Undersokning_2024-02.csv", UND_ROWS)
    write_file(land / "listning", "listning_mars.csv", "personnummer;hsa_id")
    write_file(land / "vhu", "~$undersokning_2024-02.csv", "lock")
    write_file(land / "inkommande", "telefoni_2024-01.csv", "hsa_id;datum;inkommande_samtal;besvarade_samma_dag")
    (land / "DEFECTS.json").write_text("{}")


def test_a_name_that_differs_in_letter_case_is_loaded_and_every_file_is_accounted_for(pipeline):
    land = pipeline.root / "landing"
    _hostile_landing(land)
    instance = pipeline.instance
    result = dg.materialize(
        [*ingest_assets, landing_inventory], instance=instance, resources=pipeline.resources,
        tags={"dagster/asset_partition_range_start": "2024-02", "dagster/asset_partition_range_end": "2024-02"},
        selection=dg.AssetSelection.assets(["raw", "vhu_undersokning"], ["raw", "landing_inventory"]))
    assert result.success
    inv = [e.event_specific_data.materialization for e in result.get_asset_materialization_events()
           if e.asset_key == dg.AssetKey(["raw", "landing_inventory"])][0].metadata
    assert {k: inv[k].value for k in ("files_seen", "deliveries", "set_aside", "ignored")} == {
        "files_seen": 5, "deliveries": 1, "set_aside": 1, "ignored": 3}
    check = result.get_asset_check_evaluations()[0]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert "~$undersokning_2024-02.csv" in check.description and "inkommande/telefoni_2024-01.csv" \
        in check.description and "DEFECTS.json" not in check.description

    con = duckdb.connect(str(pipeline.root / "warehouse" / "naravard.duckdb"), read_only=True)
    # The two rows of vhu/Undersokning_2024-02.csv are loaded (lines 2 and 3), under the name as delivered.
    assert con.execute("SELECT _source_file, _source_line FROM raw.vhu_undersokning ORDER BY 2").fetchall() == [
        ("Undersokning_2024-02.csv", 2), ("Undersokning_2024-02.csv", 3)]
    assert con.execute("SELECT file_name, status FROM raw._load_log ORDER BY 1").fetchall() == [
        ("Undersokning_2024-02.csv", "loaded"), ("listning_mars.csv", "file_set_aside")]
    assert con.execute("SELECT path, kind, reported FROM raw._landing_files ORDER BY 1").fetchall() == [
        ("DEFECTS.json", IGNORED, False), ("inkommande/telefoni_2024-01.csv", IGNORED, True),
        ("listning/listning_mars.csv", SET_ASIDE, True), ("vhu/Undersokning_2024-02.csv", DELIVERY, True),
        ("vhu/~$undersokning_2024-02.csv", IGNORED, True)]
    # The `leverans` check agrees: the month was delivered and loaded.
    und = BY_KEY["vhu_undersokning"]
    verdict = deliveries.judge(und, deliveries.latest_deliveries(con, und, ["2024-02"]), ["2024-02"], 0.05,
                               {"2024-02": "Undersokning_2024-02.csv"})
    con.close()
    assert verdict.passed and verdict.metadata["months_without_file"] == "none"


def test_a_delivery_in_landing_that_was_not_loaded_fails_the_leverans_check(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    from orchestration.ingest import loading
    loading.ensure_schema(con)
    und = BY_KEY["vhu_undersokning"]
    # Nothing in the load log; the landing scan has a delivery for 2024-02 and none for 2024-01.
    verdict = deliveries.judge(und, deliveries.latest_deliveries(con, und, ["2024-01", "2024-02"]),
                               ["2024-01", "2024-02"], 0.05, {"2024-02": "Undersokning_2024-02.csv"})
    con.close()
    assert not verdict.passed and verdict.severity == dg.AssetCheckSeverity.ERROR
    assert verdict.error_months == ["2024-02"]
    assert "Undersokning_2024-02.csv (2024-02) lies in the landing folder but was not loaded" in verdict.description
    assert verdict.metadata["months_without_file"] == "2024-01"


def test_the_sensor_and_the_late_rule_take_the_upper_case_name(tmp_path):
    land = tmp_path / "landing"
    _hostile_landing(land)
    p = landing_sensor.plan(land, {}, now=0, settle_seconds=0)
    assert [(c.path, c.extract, c.month) for c in p.changes] == [
        ("vhu/Undersokning_2024-02.csv", "vhu_undersokning", "2024-02")]
    arrived = late.arrived_from_landing(landing.scan(land))
    # listning_mars carries no month; the ignored files do not lie where deliveries lie.
    assert arrived == {("vhu_undersokning", "2024-02")}
    # With February delivered and today 2024-04-20 (March due 2024-04-15), March of every extract is late,
    # and February of every extract but vhu_undersokning.
    found = late.late_deliveries(arrived, dt.date(2024, 4, 20), 15, "2024-01")
    assert ("2024-02", "vhu_undersokning") not in {(f.reporting_month, f.extract) for f in found}
    assert len(found) == 7 + 6
