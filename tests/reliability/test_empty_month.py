"""A correction with a header and no rows empties its month: said on the console and as a finding
(issue 16, item 7). The finding itself (DQ_MANAD_TOM) is unit-tested in dbt
(_dq_landing__unit_tests.yml); here the real ingest step, its console line and the load log
it reads."""
from __future__ import annotations

import logging

import dagster as dg
import duckdb

from orchestration.defs.ingest import ingest_assets
from tests.helpers import write_file

TEL = "hsa_id;datum;inkommande_samtal;besvarade_samma_dag"
HSA = "SE2321000222-E001001"


def _run(pipeline):
    return dg.materialize(
        ingest_assets, instance=pipeline.instance, resources=pipeline.resources,
        tags={"dagster/asset_partition_range_start": "2024-02", "dagster/asset_partition_range_end": "2024-02"},
        selection=dg.AssetSelection.assets(["raw", "vardgaranti_telefoni"]))


def test_a_correction_without_rows_empties_the_month_loudly(pipeline, capfd):
    folder = pipeline.root / "landing" / "vardgaranti"
    write_file(folder, "telefoni_2024-02.csv", f"{TEL}\n{HSA};2024-02-01;10;7\n{HSA};2024-02-02;8;8")
    assert _run(pipeline).success
    write_file(folder, "telefoni_2024-02.csv", TEL)  # the correction: the header alone
    capfd.readouterr()
    result = _run(pipeline)
    assert result.success

    # The 2 rows of the first delivery are replaced by none (CONTRACTS.md: a delivery replaces its month).
    con = duckdb.connect(str(pipeline.root / "warehouse" / "naravard.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM raw.vardgaranti_telefoni").fetchone()[0] == 0
    latest = con.execute("SELECT status, rows_read FROM raw._load_log ORDER BY loaded_at DESC LIMIT 1").fetchone()
    con.close()
    assert latest == ("loaded", 0)  # what DQ_MANAD_TOM selects
    line = ("telefoni_2024-02.csv: a header and no rows, so raw.vardgaranti_telefoni is now empty for 2024-02; "
            "the 2 rows of the earlier delivery are gone")
    warnings = [r.user_message for r in pipeline.instance.all_logs(result.run_id)
                if r.level == logging.WARNING]
    assert any(w.startswith(line) for w in warnings), warnings
    assert line in capfd.readouterr().err  # on the console
    mat = result.get_asset_materialization_events()[0].event_specific_data.materialization
    assert mat.metadata["months_emptied"].value == "2024-02"
