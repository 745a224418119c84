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


def needles_from_landing(landing_dir: Path) -> set[str]:
    """Personnummer of every file in the landing folder (loadable or not)."""
    tokens: set[str] = set()
    for f in landing.scan(landing_dir):
        if f.path.stat().st_size:
            tokens |= tokens_in_file(f.path)
    return needle_forms(tokens)


def scan_text(text: str, needles: set[str]) -> int:
    return sum(1 for t in TOKEN.findall(text) if t in needles)


def scan_duckdb(path: Path, needles: set[str]) -> list[Leak]:
    """Every VARCHAR column of every table in the file (a distinct value holding
    a personnummer counts once)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.register("needles_df", pd.DataFrame({"v": sorted(needles)}, dtype="string"))
        con.execute("CREATE TEMP TABLE needles AS SELECT v FROM needles_df")
        con.unregister("needles_df")
        cols = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' AND table_catalog = current_database() "
            "AND table_schema NOT IN ('information_schema', 'pg_catalog') AND table_name <> 'needles'"
        ).fetchall()
        leaks = []
        for schema, table, column in cols:
            n = con.execute(
                # distinct values first: a pseudonym column repeats each value per month
                f'SELECT count(*) FROM (SELECT unnest(regexp_extract_all(c, ?)) AS tok FROM '
                f'(SELECT DISTINCT "{column}" AS c FROM "{schema}"."{table}")) t JOIN needles ON t.tok = needles.v',
                [SQL_TOKEN],
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
