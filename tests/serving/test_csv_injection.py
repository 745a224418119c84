"""indikatorer.csv is what people double-click into Excel: a text cell from the data must never be a
formula there, and a number must stay a number (OWASP, CSV injection). Fast: one hand-made table."""
from __future__ import annotations

import csv

import duckdb

from orchestration.publish import exports

HEADER = ["indicator_id", "period", "level", "unit_id", "unit_name", "numerator", "denominator", "value",
          "target", "suppressed"]
# (unit_id as delivered, how the CSV must show it): each dangerous first character gets a single quote in
# front (OWASP: "prefix the cell with a single quote"), worked out by hand; a harmless text is unchanged,
# and so is a dangerous character later in the text.
UNITS = [
    ("=1+2", "'=1+2"),
    ("@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"),
    ("+46 90 12", "'+46 90 12"),
    ("-2+3", "'-2+3"),
    ("\tTAB", "'\tTAB"),
    ("\rCR", "'\rCR"),
    ("SE2321000222-A1=2", "SE2321000222-A1=2"),
]


def test_text_cells_that_start_a_formula_are_quoted_and_numbers_stay_numbers(tmp_path):
    con = duckdb.connect()
    con.execute("CREATE TABLE ind (indicator_id VARCHAR, period VARCHAR, level VARCHAR, unit_id VARCHAR, "
                "unit_name VARCHAR, numerator DOUBLE, denominator DOUBLE, value DOUBLE, target DOUBLE, "
                "suppressed BOOLEAN)")
    for i, (unit, _) in enumerate(UNITS):
        # a negative value (-1.5 = -3 / 2) and a negative numerator: numbers, so never quoted
        con.execute("INSERT INTO ind VALUES ('K1', '2024-01', 'vardenhet', ?, ?, -3, 2, -1.5, 0.55, false)",
                    [unit, f"=HYPERLINK(\"http://x/{i}\")"])
    out = tmp_path / "indikatorer.csv"
    exports.write_indikatorer_csv(con, "ind", out)
    con.close()
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == HEADER
    got = {r[3]: r for r in rows[1:]}
    assert sorted(got) == sorted(shown for _, shown in UNITS)
    for _, shown in UNITS:
        r = got[shown]
        assert r[4].startswith("'=HYPERLINK(")  # unit_name is text too
        assert r[5:10] == ["-3", "2", "-1,5", "0,55", "false"]  # numbers as Swedish Excel reads them
