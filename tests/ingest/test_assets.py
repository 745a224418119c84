"""The ingestion assets in real Dagster runs: partitions, metadata, and a clean event log."""
from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from orchestration.defs.ingest import ingest_assets, landing_inventory
from tests.helpers import write_file

PNRS = ["19640823-3234", "196408233234", "196408833231"]


def _landing(root: Path) -> None:
    listning = """personnummer;hsa_id;listningsdatum;kommunkod;fast_lakarkontakt;fast_vardkontakt;sarskilt_boende
19640823-3234;SE2321000222-E001001;2019-05-01;2480;SE2321000222-P00001;;N
196408833231;SE2321000222-E001001;2019-05-01;2480;;;J
;SE2321000222-E001001;2019-05-01;248;;;N"""
    write_file(root / "listning", "listning_2024-01.csv", listning)
    write_file(root / "listning", "listning_2024-02.csv", listning.replace("E001001;2019", "E001002;2019", 1))
    write_file(root / "listning", "listning_mars.csv", listning)
    write_file(root / "vardgaranti", "telefoni_2024-02.csv",
               "hsa_id;datum;inkommande_samtal;besvarade_samma_dag\nSE2321000222-E001001;20240202;10;7")


def test_ingest_two_months_in_one_run_and_event_log_has_no_personnummer(pipeline):
    _landing(pipeline.root / "landing")
    instance = pipeline.instance
    result = dg.materialize(
        [*ingest_assets, landing_inventory],
        instance=instance,
        resources=pipeline.resources,
        tags={"dagster/asset_partition_range_start": "2024-01", "dagster/asset_partition_range_end": "2024-02"},
        selection=dg.AssetSelection.assets(["raw", "listning_listning"], ["raw", "vardgaranti_telefoni"]),
    )
    assert result.success
    mats = [e.event_specific_data.materialization for e in result.get_asset_materialization_events()]
    listning = [m for m in mats if m.asset_key == dg.AssetKey(["raw", "listning_listning"])]
    assert sorted(m.partition for m in listning) == ["2024-01", "2024-02"]
    meta = listning[0].metadata
    assert meta["rows_read"].value == 6 and meta["rows_loaded"].value == 4 and meta["rows_set_aside"].value == 2
    telefoni = [m for m in mats if m.asset_key == dg.AssetKey(["raw", "vardgaranti_telefoni"])][0].metadata
    assert telefoni["months_without_file"].value == "2024-01"

    con = duckdb.connect(str(pipeline.root / "warehouse" / "naravard.duckdb"), read_only=True)
    assert con.execute("SELECT _reporting_month, count(*) FROM raw.listning_listning GROUP BY 1 ORDER BY 1").fetchall() \
        == [("2024-01", 2), ("2024-02", 2)]
    con.close()

    # The whole event log of the run, as stored, holds no personnummer in any form.
    records = instance.all_logs(result.run_id)
    text = "\n".join(str(r) for r in records)
    assert "listning_2024-01.csv" in text
    for p in PNRS:
        assert p not in text
    # nor do the captured compute logs
    for f in (pipeline.root / "dagster_home").rglob("*"):
        if f.is_file() and f.suffix in (".out", ".err", ".log", ".txt"):
            body = f.read_text(errors="replace")
            for p in PNRS:
                assert p not in body, f"{p} in {f}"


def test_landing_inventory_sets_aside_unloadable_names(pipeline):
    _landing(pipeline.root / "landing")
    write_file(pipeline.root / "landing" / "vhu", "inbjudan_2099-01.csv", "personnummer;hsa_id;inbjudningsdatum;malgrupp")
    result = dg.materialize([landing_inventory], instance=pipeline.instance,
                            resources=pipeline.resources)
    assert result.success
    con = duckdb.connect(str(pipeline.root / "warehouse" / "naravard.duckdb"), read_only=True)
    rows = con.execute("SELECT file_name, status, message FROM raw._load_log ORDER BY file_name").fetchall()
    con.close()
    assert [(r[0], r[1]) for r in rows] == [("inbjudan_2099-01.csv", "file_set_aside"),
                                            ("listning_mars.csv", "file_set_aside")]
    assert "not complete yet" in rows[0][2]
    assert "does not carry a reporting month" in rows[1][2]
    assert (pipeline.root / "archive" / "listning" / "utan-manad").is_dir()
