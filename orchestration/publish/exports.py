"""Parquet per mart and the CSV of indikatorer, written from the serving database being built.

Both are copies of the serving tables (not of the warehouse), so every form
carries exactly what disclosure.py let out.
"""
from __future__ import annotations

import shutil
from pathlib import Path

PARQUET_DIR = "parquet"
CSV_NAME = "indikatorer.csv"
# Excel opens a UTF-8 file without a byte-order mark as Windows-1252 and
# garbles å, ä and ö; with it, a double-click in Swedish Excel (list separator
# ';', decimal comma) gives the right columns and numbers.
UTF8_BOM = b"\xef\xbb\xbf"


def _sql_path(p: Path) -> str:
    return "'" + str(p).replace("'", "''") + "'"


def write_parquet(con, table: str, tmp: Path, publication_id: str) -> None:
    # Snappy and Parquet format 1.0: what every Parquet reader (Power BI,
    # Excel's Power Query, pandas, Spark) can read.
    con.execute(
        f"COPY {table} TO {_sql_path(tmp)} (FORMAT parquet, COMPRESSION snappy, "
        f"KV_METADATA {{naravard_publication_id: '{publication_id}'}})")


def _decimal_comma(column: str) -> str:
    # Fixed notation (never 1e-05), no trailing zeros, a decimal comma; NULL stays empty.
    return (f"replace(rtrim(rtrim(format('{{:.10f}}', \"{column}\"), '0'), '.'), '.', ',') AS \"{column}\"")


# A text cell starting with one of these is a formula to Excel (and LibreOffice):
# `=1+2`, `@SUM(1+1)*cmd|' /C calc'!A0`. OWASP's CSV-injection advice: prefix
# such a cell with a single quote, which Excel shows as text and never runs.
# Only text columns: a number column keeps its minus sign and stays a number.
FORMULA_START = "=+-@\t\r"


def _inert_text(column: str) -> str:
    starts = " OR ".join(f'starts_with("{column}", chr({ord(ch)}))' for ch in FORMULA_START)
    return f"""CASE WHEN {starts} THEN '''' || "{column}" ELSE "{column}" END AS "{column}\""""


def _csv_cell(column: str, column_type: str) -> str:
    if column_type in ("DOUBLE", "FLOAT", "REAL") or column_type.startswith("DECIMAL"):
        return _decimal_comma(column)
    if column_type == "VARCHAR":
        return _inert_text(column)
    return f'"{column}"'


def write_indikatorer_csv(con, table: str, tmp: Path) -> None:
    """Vården i siffror's shape: ';' between fields, UTF-8 (with BOM), decimal comma. Text cells that
    Excel would take for a formula are neutralised (FORMULA_START)."""
    cols = con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})").fetchall()
    select = ", ".join(_csv_cell(c, t) for c, t in cols)
    body = tmp.with_name(tmp.name.removesuffix(".tmp") + ".body.tmp")
    try:
        con.execute(f"COPY (SELECT {select} FROM {table} ORDER BY indicator_id, period, level, unit_id) "
                    f"TO {_sql_path(body)} (FORMAT csv, HEADER, DELIMITER ';')")
        with open(tmp, "wb") as out, open(body, "rb") as src:
            out.write(UTF8_BOM)
            shutil.copyfileobj(src, out)
    finally:
        body.unlink(missing_ok=True)


def remove_unpublished_parquet(folder: Path, published: set[str]) -> list[str]:
    """A mart that is no longer published must not linger as an old Parquet file."""
    removed = []
    for p in folder.glob("*.parquet"):
        if p.stem not in published:
            p.unlink()
            removed.append(p.name)
    return removed
