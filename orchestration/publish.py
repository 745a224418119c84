"""Publish the marts for BI tools: a serving DuckDB file, Parquet per mart, a CSV.

BI tools cannot open the warehouse while a run writes it, even read-only
(duckdb#17158), so they read a separate copy. Every published file is written
under a temporary name and renamed into place: a reader sees the whole old
version or the whole new one, never half of either (rename is atomic on one
file system; an open reader keeps the old inode).

Only the `marts` schema is published: no raw, staging or person-level table.
"""

import os
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.resources import WarehouseResource
from orchestration.settings import Settings
from orchestration.transform import naravard_dbt_assets

SERVING_DB = "naravard.duckdb"
CSV_NAME = "indikatorer.csv"


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name"
    ).fetchall()
    return [r[0] for r in rows]


def _sql_path(p: Path) -> str:
    return str(p).replace("'", "''")


def publish(con: duckdb.DuckDBPyConnection, serving_dir: Path) -> dict:
    serving_dir.mkdir(parents=True, exist_ok=True)
    (serving_dir / "parquet").mkdir(exist_ok=True)
    tables = mart_tables(con)
    if "indikatorer" not in tables:
        raise RuntimeError("marts.indikatorer does not exist in the warehouse; run dbt build first")

    tmp_db = serving_dir / f".{SERVING_DB}.{os.getpid()}.tmp"
    tmp_db.unlink(missing_ok=True)
    con.execute(f"ATTACH '{_sql_path(tmp_db)}' AS serving_new")
    try:
        con.execute("CREATE SCHEMA serving_new.marts")
        for t in tables:
            con.execute(f"CREATE TABLE serving_new.marts.{t} AS SELECT * FROM marts.{t}")
    finally:
        con.execute("DETACH serving_new")
    os.replace(tmp_db, serving_dir / SERVING_DB)

    for t in tables:
        target = serving_dir / "parquet" / f"{t}.parquet"
        tmp = target.with_name(f".{t}.parquet.tmp")
        con.execute(f"COPY marts.{t} TO '{_sql_path(tmp)}' (FORMAT parquet)")
        os.replace(tmp, target)

    # Vården i siffror's shape: ';', UTF-8, decimal comma. DuckDB writes no
    # decimal comma, so the numbers are formatted here (no exponent notation).
    numeric = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
        "AND table_name = 'indikatorer' AND data_type IN ('DOUBLE', 'FLOAT', 'REAL')").fetchall()}
    cols = [r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'marts' "
        "AND table_name = 'indikatorer' ORDER BY ordinal_position").fetchall()]
    select = ", ".join(
        f"replace(rtrim(rtrim(format('{{:.10f}}', {c}), '0'), '.'), '.', ',') AS {c}" if c in numeric else c
        for c in cols
    )
    csv_target = serving_dir / CSV_NAME
    csv_tmp = serving_dir / f".{CSV_NAME}.tmp"
    con.execute(
        f"COPY (SELECT {select} FROM marts.indikatorer ORDER BY indicator_id, period, level, unit_id) "
        f"TO '{_sql_path(csv_tmp)}' (FORMAT csv, HEADER, DELIMITER ';')"
    )
    os.replace(csv_tmp, csv_target)
    counts = {t: con.execute(f"SELECT count(*) FROM marts.{t}").fetchone()[0] for t in tables}
    return {"serving_dir": str(serving_dir), "tables": ", ".join(tables), **{f"rows_{t}": n for t, n in counts.items()}}


@dg.asset(
    key=["serving", "naravard"],
    # After every mart (and its dbt tests), so the copy is never from a half-built run.
    deps=sorted((k for k in naravard_dbt_assets.keys if k.path[0] == "marts"), key=lambda k: k.to_string()),
    group_name="serving",
    kinds={"duckdb", "parquet", "csv"},
    description="The read-only copy for BI tools: serving/naravard.duckdb (marts only), parquet/<mart>.parquet "
    "and indikatorer.csv, each replaced atomically.",
)
def serving_copy(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    settings = Settings.from_env()
    with warehouse.connect() as con:
        meta = publish(con, settings.serving_dir)
    context.log.info(f"published to {settings.serving_dir}")
    return dg.MaterializeResult(metadata=meta)
