"""One bad file never stops another; data errors are not retried (issue 16, item 5).

The run: telefoni 2024-02 was loaded (2 rows), then in one run a correction of
2024-02 (1 row) arrives beside a 2024-01 file with a value that does not fit
its column (inkommande_samtal = 1 000 000 000 000 > INT32). Before, the cast
error stopped the step, the step was retried twice, and the correction was
neither archived nor loaded.
"""
from __future__ import annotations

import dagster as dg
import duckdb
import pytest

from orchestration.ingest import faults
from orchestration.defs.ingest import ingest_assets
from tests.helpers import write_file

TEL = "hsa_id;datum;inkommande_samtal;besvarade_samma_dag"
HSA = "SE2321000222-E001001"
TELEFONI = dg.AssetKey(["raw", "vardgaranti_telefoni"])


def _run(pipeline, months: tuple[str, str]):
    return dg.materialize(
        ingest_assets, instance=pipeline.instance, resources=pipeline.resources,
        tags={"dagster/asset_partition_range_start": months[0], "dagster/asset_partition_range_end": months[1]},
        selection=dg.AssetSelection.assets(TELEFONI), raise_on_error=False)


def test_a_file_that_breaks_the_loader_does_not_stop_the_correction_of_another_month(pipeline):
    folder = pipeline.root / "landing" / "vardgaranti"
    write_file(folder, "telefoni_2024-02.csv", f"{TEL}\n{HSA};2024-02-01;10;7\n{HSA};2024-02-02;8;8")
    assert _run(pipeline, ("2024-02", "2024-02")).success
    # The correction of February (1 row), and January with a count that no INTEGER holds on line 2.
    write_file(folder, "telefoni_2024-02.csv", f"{TEL}\n{HSA};2024-02-01;12;9")
    write_file(folder, "telefoni_2024-01.csv", f"{TEL}\n{HSA};2024-01-02;1000000000000;7\n{HSA};2024-01-03;5;4")
    result = _run(pipeline, ("2024-01", "2024-02"))

    assert result.success
    events = [e.event_type_value for e in result.all_events]
    assert "STEP_UP_FOR_RETRY" not in events and "STEP_RESTARTED" not in events  # not retried
    con = duckdb.connect(str(pipeline.root / "warehouse" / "naravard.duckdb"), read_only=True)
    # February is the correction: its one row replaced the two of the first delivery.
    assert con.execute("SELECT datum::VARCHAR, inkommande_samtal FROM raw.vardgaranti_telefoni "
                       "WHERE _reporting_month = '2024-02'").fetchall() == [("2024-02-01", 12)]
    jan = con.execute("SELECT file_name, status, rows_loaded, message, archive_path FROM raw._load_log "
                      "WHERE reporting_month = '2024-01'").fetchall()
    aside = con.execute("SELECT line, column_name FROM raw._set_aside_rows WHERE reporting_month = '2024-01'"
                        ).fetchall()
    con.close()
    assert len(jan) == 1 and jan[0][0] == "telefoni_2024-01.csv"
    # January: set aside whole, the file and the error named, or (once out-of-range values are set
    # aside as rows) line 2 set aside in column inkommande_samtal and line 3 loaded. Never a crash.
    if jan[0][1] == "file_set_aside":
        assert jan[0][3].startswith("telefoni_2024-01.csv: the loader failed on this file (ConversionException")
    else:
        assert (jan[0][1], jan[0][2], aside) == ("loaded_with_set_aside", 1, [(2, "inkommande_samtal")])
    # Both files are archived.
    archived = sorted(p.name.split("__")[1] for p in (pipeline.root / "archive").rglob("*.csv"))
    assert archived == ["telefoni_2024-01.csv", "telefoni_2024-02.csv", "telefoni_2024-02.csv"]


def test_data_errors_fail_without_retry_and_transient_faults_go_to_the_retry_policy():
    with pytest.raises(dg.Failure) as failed:
        with faults.retry_only_transient("raw.x"):
            duckdb.sql("SELECT CAST(1000000000000 AS INTEGER) AS n, '196408233234' AS p").fetchall()
    assert failed.value.allow_retries is False and "ConversionException" in failed.value.description
    with pytest.raises(dg.Failure) as failed:
        with faults.retry_only_transient("raw.x"):
            raise ValueError("line 3 of 196408233234.csv")
    assert "196408233234" not in failed.value.description and failed.value.__cause__ is None
    for transient in (PermissionError("/landing: denied"), duckdb.IOException("disk"),
                      duckdb.TransactionException("conflict")):
        with pytest.raises(type(transient)):
            with faults.retry_only_transient("raw.x"):
                raise transient
