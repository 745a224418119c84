"""A publish that would drop periods the serving copy has stops before it writes anything, naming them.
On the hand-made warehouse of test_disclosure_rule (periods 2024-01, 2024-12 and 2024; fast)."""
from __future__ import annotations

import duckdb
import pytest

from orchestration.publish.guard import FewerMonths
from tests.serving.test_disclosure_rule import _publish, _state, make_warehouse


def test_periods_that_would_vanish_are_named_and_nothing_is_published(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    serving = tmp_path / "serving"
    _publish(warehouse, serving)
    before = _state(serving)
    con = duckdb.connect(str(warehouse))
    # by hand: TILLGANGLIGHET and KONTINUITET are 2024-01, MANGAKARE 2024-12, VHU 2024; dropping 2024-01
    # and 2024 leaves 2024-12, so exactly those two would vanish
    con.execute("DELETE FROM marts.indikatorer WHERE period IN ('2024-01', '2024')")
    con.close()
    with pytest.raises(FewerMonths) as e:
        _publish(warehouse, serving)
    assert "2 period(s)" in str(e.value) and ": 2024, 2024-01." in str(e.value)
    assert "naravard rebuild" in str(e.value)
    assert _state(serving) == before  # same files, same bytes, no temporaries


def test_more_periods_or_the_same_publish(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb")
    serving = tmp_path / "serving"
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE TABLE keep AS SELECT * FROM marts.indikatorer WHERE period = '2024-12'")
    con.execute("DELETE FROM marts.indikatorer WHERE period = '2024-12'")
    con.close()
    _publish(warehouse, serving)  # without 2024-12
    con = duckdb.connect(str(warehouse))
    con.execute("INSERT INTO marts.indikatorer SELECT * FROM keep")
    con.close()
    _publish(warehouse, serving)  # a new period: published
    _publish(warehouse, serving)  # the same periods again: published
    con = duckdb.connect(str(serving / "naravard.duckdb"), read_only=True)
    periods = con.execute("SELECT DISTINCT period FROM marts.indikatorer ORDER BY 1").fetchall()
    con.close()
    assert periods == [("2024",), ("2024-01",), ("2024-12",)]
