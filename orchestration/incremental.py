"""What dbt's incremental models were last built from: a new month costs the month (issue 15).

The models that grow with history (dbt_project/macros/incremental.sql) rebuild
only the periods whose input changed since the last successful build. "Changed"
is decided from two small tables in raw, both kept here:

- raw._current_loads (a view): per extract and reporting month, the load whose
  rows raw holds now: the latest load in raw._load_log that loaded rows (a file
  set aside whole leaves the month's earlier data, so it is not a change);
- raw._dbt_built_loads: a copy of that view taken after the last dbt build that
  succeeded over the whole project; raw._dbt_built_state holds that build's
  fingerprint of the dbt project and its vars.

A month whose load differs between the two (new, corrected, or gone) is a
changed month; the macros turn changed months into the periods each model must
rebuild (the A windows holding it, V's year, ...). The copy is taken only after
a complete, successful build, so a failed or partial build is simply redone
the next time (replacing a period is idempotent). A build with other models,
macros, seeds or vars than the recorded one, or with nothing recorded, is a
full refresh: incremental tables built by other code are not trusted.
"""
from __future__ import annotations

import datetime as dt
import hashlib

import duckdb

from orchestration.ingest.loading import STATUS_LOADED, STATUS_PARTIAL
from orchestration.paths import DBT_PROJECT_DIR

CURRENT_LOADS = "raw._current_loads"
BUILT_LOADS = "raw._dbt_built_loads"
BUILT_STATE = "raw._dbt_built_state"

_DDL = (
    f"""
CREATE OR REPLACE VIEW {CURRENT_LOADS} AS
SELECT extract, reporting_month, load_id, loaded_at
FROM raw._load_log
WHERE status IN ('{STATUS_LOADED}', '{STATUS_PARTIAL}') AND reporting_month IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY extract, reporting_month ORDER BY loaded_at DESC, load_id DESC) = 1""",
    f"""
CREATE TABLE IF NOT EXISTS {BUILT_LOADS} (
  extract VARCHAR,
  reporting_month VARCHAR,
  load_id VARCHAR
)""",
    f"""
CREATE TABLE IF NOT EXISTS {BUILT_STATE} (
  fingerprint VARCHAR,
  built_at TIMESTAMP
)""",
)

# What the incremental tables are made from besides raw: the models, the macros
# (the rebuild rules themselves), the reference seeds and the project file.
# Singular tests and unit tests change no table.
_PROJECT_PARTS = ("models", "macros", "seeds")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The view and the two tables the dbt macros read (raw._load_log must exist)."""
    for ddl in _DDL:
        con.execute(ddl)


def project_fingerprint(dbt_vars: list[str]) -> str:
    """SHA-256 over the dbt files that shape a table, and the build's vars that shape figures."""
    h = hashlib.sha256()
    files = sorted(p for part in _PROJECT_PARTS for p in (DBT_PROJECT_DIR / part).rglob("*") if p.is_file())
    for p in files + [DBT_PROJECT_DIR / "dbt_project.yml"]:
        h.update(str(p.relative_to(DBT_PROJECT_DIR)).encode() + b"\0" + p.read_bytes() + b"\0")
    h.update("\0".join(dbt_vars).encode())
    return h.hexdigest()


def needs_full_refresh(con: duckdb.DuckDBPyConnection, fingerprint: str) -> bool:
    """True when nothing was recorded or the last build was made by other dbt code or vars."""
    row = con.execute(f"SELECT fingerprint FROM {BUILT_STATE} ORDER BY built_at DESC LIMIT 1").fetchone()
    return row is None or row[0] != fingerprint


def changed_months(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(extract, month) whose load differs from the last recorded build: what the next build redoes."""
    return con.execute(f"""
        SELECT coalesce(c.extract, b.extract), coalesce(c.reporting_month, b.reporting_month)
        FROM {CURRENT_LOADS} c FULL OUTER JOIN {BUILT_LOADS} b
          ON b.extract = c.extract AND b.reporting_month = c.reporting_month
        WHERE c.load_id IS DISTINCT FROM b.load_id
        ORDER BY 1, 2""").fetchall()


def record_built(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """After a complete, successful dbt build: what it was built from, in one transaction."""
    ensure_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {BUILT_LOADS}")
        con.execute(f"INSERT INTO {BUILT_LOADS} SELECT extract, reporting_month, load_id FROM {CURRENT_LOADS}")
        con.execute(f"DELETE FROM {BUILT_STATE}")
        con.execute(f"INSERT INTO {BUILT_STATE} VALUES (?, ?)", [fingerprint, dt.datetime.now()])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
