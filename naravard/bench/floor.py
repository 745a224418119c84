"""The floor: the month's landing files straight into DuckDB and baseline.sql on them.

    python -m naravard.bench.floor --landing DIR --from YYYY-MM --to YYYY-MM --out FLOOR_DB
                                        [--memory-limit 4GB] [--result FILE]

What the least a monthly run has to do costs on this machine, with nothing but DuckDB:
read each extract's CSV files (read_csv, every value as text), type the contract's
columns in SQL (both date forms, decimal comma or point, J/N), turn each personnummer
into the keyed pseudonym in SQL (the pipeline's HMAC-SHA256, orchestration/ingest/
identity.py; invalid numbers -- bad date, bad check digit, reservnummer -- are
unidentified, as there) and write plain raw.* tables; then baseline.sql computes
marts.indikatorer from them. No validation, no set-aside rows, no load log, no
Dagster, no dbt: `naravard bench` divides the whole run by this (`floor_ratio`).

Encodings: a file that is not UTF-8 is read as Latin-1 (DuckDB has no Windows-1252
reader without an extension; the two differ only in bytes 0x80-0x9F, which no code
or number the indicators use can hold).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

from naravard.bench.baseline import emit, fresh_database, script
from orchestration.ingest.identity import hmac_params
from orchestration.ingest.schemas import EXTRACTS, Column, Extract
from orchestration.months import months_between

DATE_FORMATS = "['%Y-%m-%d', '%Y%m%d']"
TIMESTAMP_FORMATS = "['%Y-%m-%d %H:%M', '%Y-%m-%d %H:%M:%S', '%Y%m%d %H:%M', '%Y%m%d %H:%M:%S']"
# The 10-digit form YYMMDDNNNC of a 12-digit number p: Luhn weights 2,1,2,1,... (a doubled
# digit above 9 counts its digit sum: (x % 10) + (x // 10)).
_LUHN = ("list_sum(list_transform(range(10), lambda i: (CAST(substr(p, 3 + i, 1) AS INTEGER) * (2 - i % 2)) % 10 "
         "+ (CAST(substr(p, 3 + i, 1) AS INTEGER) * (2 - i % 2)) // 10)) % 10 = 0")
# A real calendar day; a samordningsnummer adds 60 to the day.
_DATE_OK = ("try_cast(substr(p, 1, 4) || '-' || substr(p, 5, 2) || '-' || "
            "lpad(CAST(CAST(substr(p, 7, 2) AS INTEGER) % 60 AS VARCHAR), 2, '0') AS DATE) IS NOT NULL")


def _typed(col: Column) -> str:
    v = f"nullif(trim({col.name}), '')"
    if col.kind == "date":
        return f"CAST(try_strptime({v}, {DATE_FORMATS}) AS DATE) AS {col.name}"
    if col.kind == "timestamp":
        return f"try_strptime({v}, {TIMESTAMP_FORMATS}) AS {col.name}"
    if col.kind == "int":
        return f"try_cast(replace({v}, ',', '.') AS INTEGER) AS {col.name}"
    if col.kind == "decimal":
        return f"try_cast(replace({v}, ',', '.') AS DOUBLE) AS {col.name}"
    if col.kind == "jn":
        return f"CASE upper({v}) WHEN 'J' THEN true WHEN 'N' THEN false END AS {col.name}"
    return f"{v} AS {col.name}"


def _digits(col: Column) -> str:
    """p: the 12 digits of a value shaped like a personnummer, NULL otherwise."""
    return (f"CASE WHEN regexp_full_match(trim({col.name}), '\\d{{8}}[-+]?\\d{{4}}') "
            f"THEN regexp_replace(trim({col.name}), '[-+]', '', 'g') END AS p")


# The pseudonym of a valid number, NULL otherwise (identity.py's rules and HMAC, in SQL).
PERSON_ID = (f"CASE WHEN ({_DATE_OK}) AND ({_LUHN}) THEN sha256($opad::BLOB || unhex(sha256($ipad::BLOB || "
             "encode(p)))) END AS person_id")


def _reader(path: Path, encoding: str) -> str:
    return (f"read_csv('{path}', delim = ';', quote = '\"', escape = '\"', header = true, all_varchar = true, "
            f"encoding = '{encoding}')")


def _header(path: Path) -> set[str]:
    """The file's column names, lower case (a header is ASCII in every encoding delivered)."""
    with open(path, "rb") as f:
        line = f.readline().decode("utf-8-sig", errors="replace")
    return {h.strip().strip('"').lower() for h in line.rstrip("\r\n").split(";")}


def _insert(con: duckdb.DuckDBPyConnection, sql: str, path: Path, params: dict) -> None:
    """sql with @READER@ read as UTF-8, or as Latin-1 when the file is not UTF-8 (the failed
    statement has written nothing: each statement is its own transaction)."""
    try:
        con.execute(sql.replace("@READER@", _reader(path, "utf-8")), params)
    except duckdb.InvalidInputException as e:
        if "encod" not in str(e).lower() and "utf" not in str(e).lower():
            raise
        con.execute(sql.replace("@READER@", _reader(path, "latin-1")), params)


def load_extract(con: duckdb.DuckDBPyConnection, extract: Extract, files: list[tuple[str, Path]],
                 key: str) -> int:
    """Every file of one extract into raw.<key> (created even when no file was delivered)."""
    cols = [PERSON_ID if c.kind == "personnummer" else _typed(c) for c in extract.columns]
    pnr = [c for c in extract.columns if c.kind == "personnummer"]
    params = hmac_params(key) if pnr else {}
    con.execute(f"DROP TABLE IF EXISTS raw.{extract.key}")
    created = False
    for month, path in files:
        header = _header(path)
        # A contract column missing from a file is NULL, as the pipeline's optional columns are.
        present = ", ".join(c.name if c.name in header else f"NULL::VARCHAR AS {c.name}" for c in extract.columns)
        inner = (f"SELECT {present}, {_digits(pnr[0]) if pnr else 'NULL AS p'}, row_number() OVER () + 1 AS "
                 "_source_line FROM @READER@")
        body = (f"SELECT {', '.join(cols)}, '{month}' AS _reporting_month, '{path.name}' AS _source_file, "
                f"_source_line FROM ({inner})")
        _insert(con, f"{'INSERT INTO' if created else 'CREATE TABLE'} raw.{extract.key} "
                     f"{'' if created else 'AS '}{body}", path, params)
        created = True
    if not created:  # nothing delivered: an empty table of the right shape, as the pipeline's
        con.execute(f"CREATE TABLE raw.{extract.key} AS SELECT {', '.join(cols)}, NULL::VARCHAR AS "
                    f"_reporting_month, NULL::VARCHAR AS _source_file, NULL::BIGINT AS _source_line FROM "
                    f"(SELECT {', '.join(f'NULL::VARCHAR AS {c.name}' for c in extract.columns)}, "
                    "NULL::VARCHAR AS p) WHERE false",
                    params)
    return con.execute(f"SELECT count(*) FROM raw.{extract.key}").fetchone()[0]


def month_files(landing: Path, extract: Extract, months: list[str]) -> list[tuple[str, Path]]:
    return [(m, p) for m in months if (p := landing / extract.folder / extract.file_name(m)).is_file()]


def run(landing: Path, first: str, last: str, out: Path, memory_limit: str, threshold: int, key: str) -> dict:
    months = months_between(first, last)
    started = time.perf_counter()
    con = fresh_database(out, memory_limit)
    con.execute("CREATE SCHEMA raw")
    rows = {e.key: load_extract(con, e, month_files(landing, e, months), key) for e in EXTRACTS}
    loaded = time.perf_counter()
    for stmt in script(threshold):
        con.execute(stmt)
    indikatorer = con.execute("SELECT count(*) FROM marts.indikatorer").fetchone()[0]
    con.close()
    done = time.perf_counter()
    return {"load_s": round(loaded - started, 3), "sql_s": round(done - loaded, 3),
            "floor_s": round(done - started, 3), "rows": rows, "indikatorer_rows": indikatorer}


def main(argv: list[str] | None = None) -> int:
    from orchestration.settings import Settings

    p = argparse.ArgumentParser(prog="python -m naravard.bench.floor")
    p.add_argument("--landing", required=True, type=Path)
    p.add_argument("--from", dest="first", required=True)
    p.add_argument("--to", dest="last", required=True)
    p.add_argument("--out", required=True, type=Path, help="DuckDB file for the raw tables and marts.indikatorer")
    p.add_argument("--memory-limit", help="default: NARAVARD_DUCKDB_MEMORY_LIMIT (orchestration/settings.py)")
    p.add_argument("--result", type=Path)
    a = p.parse_args(argv)
    settings = Settings.from_env()
    return emit(run(a.landing, a.first, a.last, a.out, a.memory_limit or settings.duckdb_memory_limit,
                    settings.suppression_threshold,
                    settings.pseudonym_key), a.result)


if __name__ == "__main__":
    sys.exit(main())
