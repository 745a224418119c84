"""Personal data in names is masked like personal data anywhere (issue 16, item 2).

A sender names a file after a patient (`6407023040.csv`, 10 digits, or
`196407023040.csv`, 12). Whatever the pipeline writes about the file (the load
log, the archive's path, the landing table, messages, logs, run metadata)
passes through orchestration.masking.mask, so the number never appears in clear.
"""
from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from orchestration.defs.ingest import ingest_assets, landing_inventory
from orchestration.masking import MASK, mask
from tests.helpers import write_file

# 640702-3040 is a valid personnummer: Luhn over 6407023040 with weights 2,1,2,1,... is
# (1+2)+4+0+7+0+2+6+0+8+0 = 30, a multiple of 10. The mask does not ask: any 10- or
# 12-digit run is masked, valid or not (see masking.py).
DIGITS = "6407023040"
TEL = "hsa_id;datum;inkommande_samtal;besvarade_samma_dag"


@pytest.mark.parametrize("text, expected", [
    ("6407023040.csv", f"{MASK}.csv"),
    ("196407023040.csv", f"{MASK}.csv"),
    ("listning/640702-3040_lista.csv", f"listning/{MASK}_lista.csv"),
    ("19640702-3040.csv", f"{MASK}.csv"),
    # Not a personnummer shape: a month, an 11-digit run, an HSA-id (digits right after letters).
    ("telefoni_2024-03.csv", "telefoni_2024-03.csv"),
    ("64070230401.csv", "64070230401.csv"),
    ("SE2321000222-E001001", "SE2321000222-E001001"),
])
def test_the_one_masking_function(text, expected):
    assert mask(text) == expected


def test_a_personnummer_in_a_file_name_never_reaches_the_warehouse_archive_or_logs(pipeline):
    land = pipeline.root / "landing"
    body = f"{TEL}\nSE2321000222-E001001;2024-01-02;10;7"
    write_file(land / "vardgaranti", "telefoni_2024-01.csv", body)
    write_file(land / "vhu", f"{DIGITS}.csv", "personnummer;hsa_id")  # in a source folder: set aside
    write_file(land / "listning", f"19{DIGITS}.csv", "personnummer;hsa_id")  # 12 digits: set aside
    write_file(land, f"{DIGITS}.csv", body)  # in the root: ignored, reported
    instance = pipeline.instance
    result = dg.materialize(
        [*ingest_assets, landing_inventory], instance=instance, resources=pipeline.resources,
        tags={"dagster/asset_partition_range_start": "2024-01", "dagster/asset_partition_range_end": "2024-01"},
        selection=dg.AssetSelection.assets(["raw", "vardgaranti_telefoni"], ["raw", "landing_inventory"]))
    assert result.success

    con = duckdb.connect(str(pipeline.root / "warehouse" / "naravard.duckdb"), read_only=True)
    # The two set-aside files are logged, under the masked name, with the masked name in the message.
    logged = con.execute("SELECT source, file_name, status, message, archive_path FROM raw._load_log "
                         "WHERE status = 'file_set_aside' ORDER BY source").fetchall()
    assert [r[:3] for r in logged] == [("listning", f"{MASK}.csv", "file_set_aside"),
                                       ("vhu", f"{MASK}.csv", "file_set_aside")]
    assert all(r[3].startswith(f"{MASK}.csv: the file name does not carry a reporting month") for r in logged)
    assert con.execute("SELECT path, kind FROM raw._landing_files ORDER BY 1").fetchall() == [
        (f"{MASK}.csv", "ignored"), (f"listning/{MASK}.csv", "set_aside"),
        ("vardgaranti/telefoni_2024-01.csv", "delivery"), (f"vhu/{MASK}.csv", "set_aside")]
    cols = con.execute("SELECT table_schema, table_name, column_name FROM information_schema.columns "
                       "WHERE data_type = 'VARCHAR'").fetchall()
    for schema, table, column in cols:
        hits = con.execute(f'SELECT count(*) FROM {schema}."{table}" WHERE "{column}" LIKE ?',
                           [f"%{DIGITS}%"]).fetchone()[0]
        assert hits == 0, f"{DIGITS} in clear in {schema}.{table}.{column}"
    con.close()

    # The archive keeps the bytes, under the masked name (its path is in the load log).
    archived = sorted(p.name for p in (pipeline.root / "archive").rglob("*") if p.is_file())
    assert len(archived) == 3 and not any(DIGITS in n for n in archived)
    # Nothing in Dagster's event log (messages, metadata, check descriptions) or the compute logs.
    text = "\n".join(str(r) for r in instance.all_logs(result.run_id))
    assert f"{MASK}.csv" in text and DIGITS not in text
    for f in (pipeline.root / "dagster_home").rglob("*"):
        if f.is_file() and f.suffix in (".out", ".err", ".log", ".txt", ".json"):
            assert DIGITS not in f.read_text(errors="replace"), f
