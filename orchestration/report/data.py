"""Read what the report shows from the serving copy, like any other BI reader (read-only).

The report is made from the published marts, never from the warehouse, so it
can show nothing the disclosure rule kept back.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.publish.disclosure import DQ_COLUMNS


@dataclass
class ReportData:
    indikatorer: pd.DataFrame
    dq_findings: pd.DataFrame
    publication: dict  # publication_id, run_id, published_at, suppression_threshold (empty if unknown)

    def unit_names(self) -> dict[tuple[str, str], str]:
        """(level, unit_id) -> unit_name, for naming the units of data-quality findings."""
        pairs = self.indikatorer[["level", "unit_id", "unit_name"]].drop_duplicates(["level", "unit_id"])
        return {(lv, u): n for lv, u, n in pairs.itertuples(index=False)}


def _tables(con) -> set[tuple[str, str]]:
    return {tuple(r) for r in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}


def load(serving_db: Path) -> ReportData:
    con = duckdb.connect(str(serving_db), read_only=True)
    try:
        # One connection, one file: everything below is of the same publication.
        tables = _tables(con)
        ind = con.execute("SELECT * FROM marts.indikatorer").df()
        if ("marts", "dq_findings") in tables:
            dq = con.execute(f"SELECT {', '.join(DQ_COLUMNS)} FROM marts.dq_findings").df()
        else:
            dq = pd.DataFrame(columns=list(DQ_COLUMNS))
        publication = {}
        if ("meta", "publication") in tables:
            cur = con.execute("SELECT * FROM meta.publication")
            row = cur.fetchone()
            if row:
                publication = dict(zip([d[0] for d in cur.description], row))
    finally:
        con.close()
    return ReportData(ind, dq, publication)
