"""Search for clear personnummer wherever the pipeline writes.

What is searched for is the shape of a personnummer, not a list of the
numbers delivered: every 12-digit form (YYYYMMDDNNNC, a separator allowed
before the last four) and every 10-digit form (YYMMDDNNNC, with or without
the separator) whose check digit is right (Luhn) and whose date can be a
birth date (samordningsnummer: day + 60). The check digit and the date keep
false finds away: an HSA-id's organisation number (232100-0222) has month 21,
a random ten digits pass both tests about once in 250. Searching by shape
means the scan never reads the landing files (a national month is 10.5
million numbers: reading them back took most of the scan's time), and it also
finds a number of an earlier month, or one that never was delivered.

A token is a whole run of digits with at most one separator before its last
four; a piece of a longer number is not one (the decimals of a float, a digit
run of 11 or 13 digits). A word of 32 or more hex digits is a hash (a
pseudonym, a run id) and is not searched: by chance some of the 10.5 million
64-digit pseudonyms hold a valid-looking run, and that is no leak.

A finding names the place and a count, never the number itself: a report of a
leak must not leak.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from orchestration.progress import Progress

from orchestration.ingest.identity import UNIDENTIFIED, classify

# A personnummer-shaped run: not glued to more digits (with or without a
# separator), not the decimals of a number (4.0767416621 and .2309699292 stand
# in the report's scripts, 0,1008043299 in indikatorer.csv). A comma after a
# digit starts decimals; before one it is left alone (a CSV field separator).
# The lookahead first changes no match: Python's re tries every position of the text, and
# a position that is no digit now fails on one character instead of four look-behinds
# (the national report's 12 MB: 2.75 s -> 0.69 s).
CANDIDATE = re.compile(
    r"(?=[0-9])(?<![0-9])(?<![0-9][-+])(?<!\.)(?<![0-9],)"
    r"(?:[0-9]{8}|[0-9]{6})[-+]?[0-9]{4}"
    r"(?![-+]?[0-9])(?!\.[0-9])")
HASH_WORD = re.compile(r"(?=[0-9a-fA-F])(?<![0-9A-Za-z+\-])[0-9a-fA-F]{32,}(?![0-9A-Za-z+\-])")
# RE2 (DuckDB) has no look-arounds: a cheap superset of CANDIDATE picks the
# values worth handing to the exact test above.
MAYBE = r"[0-9]{6}[-+]?[0-9]{4}"
PSEUDONYM = r"[0-9a-f]{64}"


@dataclass(frozen=True)
class Leak:
    where: str  # table.column, file path or "event log of run …"
    count: int

    def __str__(self) -> str:
        return f"{self.where}: {self.count} clear personnummer"


def candidates(text: str) -> list[str]:
    """Personnummer-shaped tokens of free text, as digits (12 or 10), hash words left out."""
    return [re.sub(r"[-+]", "", m) for m in CANDIDATE.findall(HASH_WORD.sub(" ", text))]


def valid(tokens: list[str]) -> list[bool]:
    """Which tokens (12 or 10 digits) are a personnummer or samordningsnummer: a
    real date and the Luhn check digit, decided where ingestion decides it
    (identity.classify). A 10-digit form is valid when it is in either century."""
    if not tokens:
        return []
    forms = [[t] if len(t) == 12 else ["19" + t, "20" + t] for t in tokens]
    flat = [f for fs in forms for f in fs]
    ok = (classify(pd.Series(flat, dtype="string"))["person_id_class"] != UNIDENTIFIED).tolist()
    out, i = [], 0
    for fs in forms:
        out.append(any(ok[i:i + len(fs)]))
        i += len(fs)
    return out


def scan_texts(texts) -> int:
    """How many personnummer the texts hold. Each distinct token is tested
    once, in one call (an HSA-id's 2321000222 recurs in every value)."""
    tokens = [t for text in texts for t in candidates(text)]
    distinct = sorted(set(tokens))
    ok = {t for t, v in zip(distinct, valid(distinct)) if v}
    return sum(t in ok for t in tokens)


def scan_text(text: str) -> int:
    """How many personnummer the text holds."""
    return scan_texts([text])


# Written by HMAC-SHA256 as 64 hex digits: no personnummer can stand in it.
PSEUDONYM_COLUMNS = {"person_id"}
# dbt's in-between models are SQL over raw and reference, which are scanned:
# whatever stood in them stood in their inputs first. They hold the person-level
# rows of every month (pseudonyms by the million), so scanning them cost more
# than all the rest together.
DERIVED_SCHEMAS = {"intermediate", "staging"}
# Columns of the raw extracts that cannot hold one: the row's provenance (the
# same values as its raw._load_log row, which is scanned), the classes the
# loader derives, and the columns its contract confines to a set of codes or
# four digits (the loader sets other values aside, the GX suites check it).
PROVENANCE = {"_reporting_month", "_source_file", "_file_sha256", "_load_id", "person_id_class", "sex"}


def _closed_columns() -> dict[str, set[str]]:
    from orchestration.ingest.schemas import EXTRACTS

    return {e.key: PROVENANCE | {c.name for c in e.columns if c.choices or c.kind == "kommunkod"} for e in EXTRACTS}


def _scan_connection(con, catalog: str, label: str, where_of=lambda schema, table, cols: "",
                     progress: Progress | None = None) -> list[Leak]:
    """Every VARCHAR column of every base table of the attached catalog. A
    distinct value holding a personnummer counts once per number. Views are
    left out: they only read tables scanned here. where_of(schema, table,
    columns) may narrow a table to some rows (the raw rows of this run)."""
    tables: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for schema, table, column, dtype in con.execute(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = ? AND table_name IN (SELECT table_name FROM duckdb_tables() t "
            "  WHERE t.database_name = ? AND t.schema_name = duckdb_columns.schema_name) "
            "ORDER BY 1, 2, column_index", [catalog, catalog]).fetchall():
        tables.setdefault((schema, table), []).append((column, dtype))
    leaks = []
    closed = _closed_columns()
    for (schema, table), cols in tables.items():
        if schema in DERIVED_SCHEMAS:
            continue
        if progress:
            progress.step(f"{label}:{schema}.{table}")
        where = where_of(schema, table, {c for c, _ in cols})
        skip = PSEUDONYM_COLUMNS | (closed.get(table, set()) if schema == "raw" else set())
        for column, dtype in cols:
            if dtype != "VARCHAR" or column in skip:
                continue
            # Distinct values first (a column repeats each code per row), then in
            # SQL only those that may hold one (RE2 superset, pure pseudonyms
            # dropped); the exact test in Python on those few.
            values = con.execute(
                f'SELECT v FROM (SELECT DISTINCT "{column}" AS v FROM "{catalog}"."{schema}"."{table}" '
                f'WHERE {where or "true"}) WHERE regexp_matches(v, $maybe) AND NOT regexp_full_match(v, $pseudonym)',
                {"maybe": MAYBE, "pseudonym": PSEUDONYM}).fetchall()
            n = scan_texts(v for (v,) in values)
            if n:
                leaks.append(Leak(f"{label}:{schema}.{table}.{column}", n))
    return leaks


def scan_duckdb(path: Path, months: set[str] | None = None, progress: Progress | None = None) -> list[Leak]:
    """A DuckDB file (the warehouse, the serving copy). With months, tables
    with a `_reporting_month` (the raw extracts) are scanned for those months
    only, so a run scans what it loaded, not years of history."""
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("ATTACH ? AS hay (READ_ONLY)", [str(path)])

        def where_of(schema, table, cols):
            if months is None or "_reporting_month" not in cols:
                return ""
            return "_reporting_month IN (" + (", ".join(
                "'" + m.replace("'", "''") + "'" for m in sorted(months)) or "NULL") + ")"

        return _scan_connection(con, "hay", path.name, where_of, progress)
    finally:
        con.close()


def scan_file(p: Path) -> int:
    """A text or Parquet file (DuckDB files: scan_duckdb)."""
    if p.suffix == ".parquet":
        text = pd.read_parquet(p).astype(str).to_csv(index=False, sep=";")
    else:
        data = p.read_bytes()
        if b"\x00" in data[:4096]:
            return 0
        text = data.decode("utf-8", errors="replace")
    return scan_text(text)


def scan_files(root: Path, progress: Progress | None = None) -> list[Leak]:
    """Text and Parquet files below root (hidden staged ones too); DuckDB files through scan_duckdb."""
    leaks = []
    for p in sorted(root.rglob("*")):
        if not p.is_file() or p.name.endswith(".wal"):
            continue
        if progress:
            progress.step(str(p.relative_to(root.parent)))
        if p.suffix == ".duckdb" or p.name.endswith(".duckdb.tmp") or _is_duckdb(p):
            leaks.extend(scan_duckdb(p, progress=progress))
            continue
        n = scan_file(p)
        if n:
            leaks.append(Leak(str(p), n))
    return leaks


def _is_duckdb(p: Path) -> bool:
    """A DuckDB database file, whatever its name (a staged serving copy has a temporary one)."""
    try:
        with p.open("rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return head[8:12] == b"DUCK"


def scan_event_log(instance, run_id: str) -> list[Leak]:
    text = "\n".join(str(r) for r in instance.all_logs(run_id))
    n = scan_text(text)
    return [Leak(f"event log of run {run_id}", n)] if n else []


def _scan_paths(paths, progress: Progress | None = None) -> list[Leak]:
    leaks: list[Leak] = []
    for p in paths:
        if p.is_dir():
            leaks += scan_files(p, progress)
        elif _is_duckdb(p):
            leaks += scan_duckdb(p, progress=progress)
        elif p.is_file() and (n := scan_file(p)):
            leaks.append(Leak(str(p), n))
    return leaks


class PersonalDataFound(Exception):
    """Clear personnummer where the pipeline writes; the message names places and counts, never a number."""

    def __init__(self, leaks: list[Leak], what: str):
        self.leaks = leaks
        super().__init__(
            f"clear personnummer found in {len(leaks)} place(s): " + "; ".join(map(str, leaks))
            + f". {what} Treat it as a personal-data incident (docs/security.md) and tell the data protection officer.")


def check_before_publishing(datadocs_dir: Path, staged: list[Path]) -> None:
    """The scan before a publication is renamed into place: its staged files
    and the Data Docs (written by the checks of this run). Raises
    PersonalDataFound, so nothing is renamed and the previous publication stays."""
    leaks = _scan_paths([*staged, datadocs_dir])
    if leaks:
        raise PersonalDataFound(leaks, "Nothing was published; the previous publication stays.")


def scan_run(warehouse: Path, places: list[Path], months: set[str] | None, instance=None,
             run_id: str | None = None, progress: Progress | None = None) -> list[Leak]:
    """The scan that ends a run (orchestration/defs/serving.py): the warehouse
    (the raw extracts for months; None: all), the places (the serving folder as
    published, the Data Docs, the files of DAGSTER_HOME) and the event log of run_id.
    Never the landing folder: what is searched for is the shape of a
    personnummer, and reading the deliveries back cost most of the old scan's time."""
    progress = progress or Progress("privacy scan", unit="places")
    leaks = scan_duckdb(warehouse, months, progress) if warehouse.exists() else []
    leaks += _scan_paths([r for r in places if r.exists()], progress)
    if instance is not None and run_id:
        progress.step("the run's event log")
        leaks += scan_event_log(instance, run_id)
    progress.done(f"{len(leaks)} place(s) with a find")
    return leaks
