"""Read the report's HTML in tests: the table rows of each section, and the data of each plotly chart."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb


class _Rows(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.section: str | None = None
        self.rows: dict[str, list[list[str]]] = {}
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self.section = a.get("id")
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and self.row is not None:
            # collapse layout whitespace only: the non-breaking spaces of Swedish numbers stay
            self.row.append(re.sub(r"[ \t\r\n]+", " ", "".join(self.cell)).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.setdefault(self.section or "", []).append(self.row)
            self.row = None
        elif tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table_rows(html: str) -> dict[str, list[list[str]]]:
    """{section id: [[cell text, ...], ...]} for every table row of the page (header rows included)."""
    p = _Rows()
    p.feed(html)
    return p.rows


def figures(html: str) -> dict[str, list[dict]]:
    """{chart div id: plotly traces} as plotly wrote them into the page (Plotly.newPlot("id", [traces], ...))."""
    out = {}
    dec = json.JSONDecoder()
    for m in re.finditer(r"Plotly\.newPlot\(\s*", html):
        pos = m.end()
        div_id, pos = dec.raw_decode(html, pos)
        pos = html.index("[", pos)
        traces, _ = dec.raw_decode(html, pos)
        out[div_id] = traces
    return out


def serving_db(db: Path, indikatorer: list[tuple], dq_findings: list[tuple]) -> Path:
    """A hand-made serving database: marts.indikatorer and marts.dq_findings with the given rows
    (in the contract's column order), replacing any earlier file at db."""
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.indikatorer (indicator_id VARCHAR, period VARCHAR, level VARCHAR, unit_id VARCHAR, "
                "unit_name VARCHAR, numerator DOUBLE, denominator DOUBLE, value DOUBLE, target DOUBLE, "
                "suppressed BOOLEAN)")
    con.executemany("INSERT INTO marts.indikatorer VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", indikatorer)
    con.execute("CREATE TABLE marts.dq_findings (check_id VARCHAR, source VARCHAR, period VARCHAR, level VARCHAR, "
                "unit_id VARCHAR, severity VARCHAR, affected DOUBLE, share DOUBLE, message VARCHAR)")
    if dq_findings:
        con.executemany("INSERT INTO marts.dq_findings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", dq_findings)
    con.close()
    return db
