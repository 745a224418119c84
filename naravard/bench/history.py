"""Seed months of history cheaply: copy one loaded month's raw rows to earlier months, in SQL.

Generating and ingesting 24 national months would take longer than the
benchmark may (the listing alone is 10.5 million rows a month). The history
the incremental measurement needs is only *rows in raw for earlier months*
with their load-log rows, as the loader leaves them. So each earlier month T
(k months before the loaded month M) gets a copy of M's rows with:

- every date and timestamp shifted by -k months (DuckDB month arithmetic:
  the 31st becomes the last day of a shorter month); `listningsdatum` is kept
  but never later than T's last day;
- `_reporting_month` = T, `_source_file` = the file name for T, a new `_load_id`,
  the same pseudonyms (the same persons, as in a real history);
- one raw._load_log row per extract and month (status loaded, sha256
  'bench-history:<extract>:<T>'), so the loader, the checks and the late-delivery
  rule see the months as delivered.

The month that is then added is real generator output loaded by the real
pipeline; only its history is seeded this way (docs/benchmarks.md).
"""
from __future__ import annotations

import uuid

import duckdb

from orchestration.ingest.schemas import EXTRACTS, Extract, raw_columns
from orchestration.months import month_plus

# Columns holding dates or timestamps of the reporting period, per extract.
SHIFTED = {
    "vardgaranti_telefoni": ("datum",),
    "vardgaranti_bedomning": ("kontaktdatum", "bedomningsdatum"),
    "listning_listning": (),
    "listning_lakare": (),
    "ambulans_uppdrag": ("larmtid",),
    "vhu_inbjudan": ("inbjudningsdatum",),
    "vhu_undersokning": ("undersokningsdatum",),
    "besok_besok": ("besoksdatum",),
}


def _select(extract: Extract, k: int, target: str, load_id: str) -> str:
    out = []
    for name, typ in raw_columns(extract):
        if name in SHIFTED[extract.key]:
            out.append(f"CAST({name} - INTERVAL {k} MONTH AS {typ}) AS {name}")
        elif name == "listningsdatum":
            out.append(f"least(listningsdatum, last_day(DATE '{target}-01')) AS listningsdatum")
        elif name == "_reporting_month":
            out.append(f"'{target}' AS _reporting_month")
        elif name == "_source_file":
            out.append(f"'{extract.file_name(target)}' AS _source_file")
        elif name == "_load_id":
            out.append(f"'{load_id}' AS _load_id")
        elif name == "_file_sha256":
            out.append(f"'bench-history:{extract.key}:{target}' AS _file_sha256")
        else:
            out.append(name)
    return ", ".join(out)


def seed_history(con: duckdb.DuckDBPyConnection, source_month: str, months: int,
                 first_k: int = 1, until_k: int | None = None) -> list[str]:
    """Copy source_month's raw rows to the months before it, k = first_k .. until_k - 1 months back
    (default: all months-1 of them); return the seeded months."""
    seeded = [month_plus(source_month, -k) for k in range(first_k, min(until_k or months, months))]
    for e in EXTRACTS:
        n = con.execute(f"SELECT count(*) FROM raw.{e.key} WHERE _reporting_month = ?", [source_month]).fetchone()[0]
        if not n:
            continue  # not delivered for the source month (e.g. the demo data's missing lakare file)
        log = con.execute("SELECT * FROM raw._load_log WHERE extract = ? AND reporting_month = ? "
                          "ORDER BY loaded_at DESC LIMIT 1", [e.key, source_month]).fetchone()
        cols = [d[0] for d in con.description]
        for k, target in enumerate(seeded, start=first_k):
            load_id = uuid.uuid4().hex
            con.execute("BEGIN TRANSACTION")
            con.execute(f"DELETE FROM raw.{e.key} WHERE _reporting_month = ?", [target])
            con.execute(f"INSERT INTO raw.{e.key} SELECT {_select(e, k, target, load_id)} FROM raw.{e.key} "
                        f"WHERE _reporting_month = '{source_month}'")
            row = dict(zip(cols, log))
            row.update(load_id=load_id, reporting_month=target, file_name=e.file_name(target),
                       sha256=f"bench-history:{e.key}:{target}", message="seeded by naravard bench (history)")
            con.execute(f"INSERT INTO raw._load_log ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                        [row[c] for c in cols])
            con.execute("COMMIT")
    con.execute("CHECKPOINT")
    return seeded
