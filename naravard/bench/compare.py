"""Does the baseline's marts.indikatorer equal the one dbt built? Same rows, same values."""
from __future__ import annotations

from pathlib import Path

import duckdb

KEY = ("indicator_id", "period", "level", "unit_id")
VALUES = ("numerator", "denominator", "value", "target")


def compare(dbt_warehouse: Path, baseline_db: Path, rel_tol: float = 1e-9) -> dict:
    """Rows only in one of the two, and rows whose unit_name, suppressed flag or a value differs
    (values with a relative tolerance: sums of doubles in another order differ in the last bits)."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{dbt_warehouse}' AS d (READ_ONLY)")
    con.execute(f"ATTACH '{baseline_db}' AS b (READ_ONLY)")
    on = " AND ".join(f"d_.{k} = b_.{k}" for k in KEY)

    def close(c: str) -> str:
        return (f"((d_.{c} IS NULL AND b_.{c} IS NULL) OR abs(d_.{c} - b_.{c}) <= "
                f"{rel_tol} * greatest(abs(d_.{c}), abs(b_.{c}), 1))")

    same = " AND ".join([close(c) for c in VALUES] + ["d_.unit_name IS NOT DISTINCT FROM b_.unit_name",
                                                      "d_.suppressed IS NOT DISTINCT FROM b_.suppressed"])
    counts = con.execute(f"""
        SELECT count(*) FILTER (WHERE b_.indicator_id IS NULL) AS only_dbt,
               count(*) FILTER (WHERE d_.indicator_id IS NULL) AS only_baseline,
               count(*) FILTER (WHERE d_.indicator_id IS NOT NULL AND b_.indicator_id IS NOT NULL
                                AND NOT ({same})) AS differ,
               count(*) FILTER (WHERE d_.indicator_id IS NOT NULL AND b_.indicator_id IS NOT NULL) AS matched
        FROM d.marts.indikatorer d_ FULL OUTER JOIN b.marts.indikatorer b_ ON {on}""").fetchone()
    examples = con.execute(f"""
        SELECT coalesce(d_.indicator_id, b_.indicator_id), coalesce(d_.period, b_.period),
               coalesce(d_.level, b_.level), coalesce(d_.unit_id, b_.unit_id),
               d_.numerator, b_.numerator, d_.denominator, b_.denominator
        FROM d.marts.indikatorer d_ FULL OUTER JOIN b.marts.indikatorer b_ ON {on}
        WHERE b_.indicator_id IS NULL OR d_.indicator_id IS NULL OR NOT ({same})
        ORDER BY 1, 2, 3, 4 LIMIT 10""").fetchall()
    indicators = [r[0] for r in con.execute(
        "SELECT DISTINCT indicator_id FROM d.marts.indikatorer ORDER BY 1").fetchall()]
    con.close()
    only_dbt, only_baseline, differ, matched = counts
    return {"equal": only_dbt == 0 and only_baseline == 0 and differ == 0, "matched_rows": matched,
            "only_dbt": only_dbt, "only_baseline": only_baseline, "differ": differ,
            "indicators": indicators, "examples": [list(map(str, r)) for r in examples]}
