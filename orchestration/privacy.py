"""Search for clear personnummer of the input wherever the pipeline writes.

The needles are the personnummer values actually delivered in the landing
folder (as delivered, in the 12-digit form and the 10-digit form). The
haystacks are every VARCHAR column of a DuckDB file, text files (CSV, HTML,
JSON, logs), Parquet files and Dagster's event log. A finding names the place
and a count, never the number itself: a report of a leak must not leak.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from orchestration.ingest import landing

# Tokens that can be a personnummer or a reservnummer-like value, in free text.
TOKEN = re.compile(r"[0-9]{6,8}[-+][0-9]{4}|[0-9]{12}")
# The same for DuckDB (RE2).
SQL_TOKEN = r"[0-9]{6,8}[-+][0-9]{4}|[0-9]{12}"


@dataclass(frozen=True)
class Leak:
    where: str  # table.column, file path or "event log of run …"
    count: int

    def __str__(self) -> str:
        return f"{self.where}: {self.count} clear personnummer"


def needle_forms(tokens: set[str]) -> set[str]:
    """Every form a delivered personnummer could be written in downstream:
    12 digits, with a hyphen, and the 10-digit form with a hyphen. (The 10-digit
    form without a hyphen is left out: such runs occur by chance inside hex
    pseudonyms.)"""
    out: set[str] = set()
    for t in tokens:
        d = t.replace("-", "").replace("+", "")
        out.update((d, f"{d[:8]}-{d[8:]}", f"{d[2:8]}-{d[8:]}"))
    return out


def tokens_in_file(path: Path) -> set[str]:
    """Personnummer-shaped tokens (12 digits, with or without separator) of a
    delivered file, whatever its columns: vectorised in Arrow, since the
    landing folder of a region is hundreds of MB. latin-1 decodes any byte, and
    the digits are ASCII in every encoding we accept."""
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="latin-1", column_names=["line"]),
        parse_options=pacsv.ParseOptions(delimiter="\x01", quote_char=False),
        convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()}),
    )
    tokens = pc.list_flatten(pc.split_pattern_regex(table["line"], r"[^0-9+\-]+"))
    tokens = tokens.filter(pc.match_substring_regex(tokens, r"^[0-9]{8}[-+]?[0-9]{4}$"))
    return set(pc.unique(tokens).to_pylist())


def needles_from_landing(landing_dir: Path, months: set[str] | None = None) -> set[str]:
    """Personnummer of every file in the landing folder (loadable or not). With
    months: of the files of those reporting months, and of every file that
    cannot be loaded (set aside whole, its message may quote it)."""
    tokens: set[str] = set()
    for f in landing.scan(landing_dir):
        wanted = months is None or f.problem is not None or f.month in months
        if wanted and f.path.stat().st_size:
            tokens |= tokens_in_file(f.path)
    return needle_forms(tokens)


def scan_text(text: str, needles: set[str]) -> int:
    return sum(1 for t in TOKEN.findall(text) if t in needles)


# Written by HMAC-SHA256 as 64 hex digits: a delivered number cannot stand in it.
PSEUDONYM_COLUMNS = {"person_id"}


def scan_duckdb(path: Path, needles: set[str], months: set[str] | None = None) -> list[Leak]:
    """Every VARCHAR column of every base table in the file (a distinct value
    holding a personnummer counts once). Views are left out: they only read
    tables scanned here. With months, tables with a `_reporting_month` (the raw
    extracts) are scanned for those months only, so a run scans what it loaded,
    not years of history."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.register("needles_df", pd.DataFrame({"v": sorted(needles)}, dtype="string"))
        con.execute("CREATE TEMP TABLE needles AS SELECT v FROM needles_df")
        con.unregister("needles_df")
        cols = con.execute(
            "SELECT c.table_schema, c.table_name, c.column_name, "
            "  EXISTS (SELECT 1 FROM information_schema.columns m WHERE m.table_catalog = c.table_catalog "
            "    AND m.table_schema = c.table_schema AND m.table_name = c.table_name "
            "    AND m.column_name = '_reporting_month') "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "  ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema "
            "  AND t.table_name = c.table_name "
            "WHERE t.table_type = 'BASE TABLE' AND c.table_catalog = current_database() "
            "AND c.table_schema NOT IN ('information_schema', 'pg_catalog') AND c.data_type = 'VARCHAR'"
        ).fetchall()
        month_list = sorted(months or ())
        leaks = []
        for schema, table, column, by_month in cols:
            if column in PSEUDONYM_COLUMNS:
                continue
            where, params = "", {"tok": SQL_TOKEN}
            if months is not None and by_month:
                where, params = "WHERE _reporting_month IN (SELECT unnest($months))", {**params, "months": month_list}
            n = con.execute(
                # distinct values first: a column repeats each value per month
                f'SELECT count(*) FROM (SELECT unnest(regexp_extract_all(c, $tok)) AS tok FROM '
                f'(SELECT DISTINCT "{column}" AS c FROM "{schema}"."{table}" {where})) t '
                'JOIN needles ON t.tok = needles.v',
                params,
            ).fetchone()[0]
            if n:
                leaks.append(Leak(f"{path.name}:{schema}.{table}.{column}", n))
        return leaks
    finally:
        con.close()


def scan_files(root: Path, needles: set[str]) -> list[Leak]:
    """Text and Parquet files below root (DuckDB files are scanned by scan_duckdb)."""
    leaks = []
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        if p.suffix == ".duckdb":
            leaks.extend(scan_duckdb(p, needles))
            continue
        if p.suffix == ".parquet":
            frame = pd.read_parquet(p)
            text = frame.astype(str).to_csv(index=False)
        else:
            data = p.read_bytes()
            if b"\x00" in data[:4096]:
                continue
            text = data.decode("utf-8", errors="replace")
        n = scan_text(text, needles)
        if n:
            leaks.append(Leak(str(p), n))
    return leaks


def scan_event_log(instance, run_id: str, needles: set[str]) -> list[Leak]:
    text = "\n".join(str(r) for r in instance.all_logs(run_id))
    n = scan_text(text, needles)
    return [Leak(f"event log of run {run_id}", n)] if n else []


def scan_run(settings, months: set[str] | None, instance=None, run_id: str | None = None) -> tuple[int, list[Leak]]:
    """What the end-of-run scan looks at (orchestration/privacy_asset.py): the
    personnummer delivered for months (None: all), searched in the warehouse,
    the serving folder, the Data Docs, the files of DAGSTER_HOME and the event
    log of run_id. Returns how many needle forms were searched, and the finds."""
    needles = needles_from_landing(settings.landing_dir, months)
    if not needles:
        return 0, []
    leaks = scan_duckdb(settings.warehouse, needles, months) if settings.warehouse.exists() else []
    for root in (settings.serving_dir, settings.datadocs_dir, settings.dagster_home):
        if root.exists():
            leaks += scan_files(root, needles)
    if instance is not None and run_id:
        leaks += scan_event_log(instance, run_id, needles)
    return len(needles), leaks
