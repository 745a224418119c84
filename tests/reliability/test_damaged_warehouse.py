"""A warehouse file cut short is named as damaged, with the way out, and is not retried (the Dagster
resource path; `naravard run` is tested in test_system_of_record.py). Fast: a small DuckDB file."""
from __future__ import annotations

import duckdb
import pytest

from orchestration.resources import WarehouseDamaged, connect_with_retry


@pytest.mark.parametrize("keep", [0.5, 0.0])  # half the file; an empty file
def test_a_warehouse_cut_short(tmp_path, keep):
    path = tmp_path / "naravard.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t AS SELECT range AS i, 'x' || range AS s FROM range(300000)")
    con.close()
    with open(path, "r+b") as fh:
        fh.truncate(int(path.stat().st_size * keep))
    with pytest.raises(WarehouseDamaged) as e:
        connect_with_retry(path, first_wait=0.01)
    assert e.value.description.startswith(f"The warehouse {path} is damaged")
    assert "naravard rebuild" in e.value.description
    assert "Could not read enough bytes" not in e.value.description
    assert e.value.allow_retries is False  # waiting does not mend a file


def test_a_missing_warehouse_is_created_not_damaged(tmp_path):
    path = tmp_path / "new" / "naravard.duckdb"
    connect_with_retry(path).close()
    assert path.exists()
