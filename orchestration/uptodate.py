"""Is there anything to do? A `naravard run` with nothing new delivered does nothing.

What the serving copy was built from is recorded after every successful
`naravard run` in raw._publications: the load-log watermark (rows of
raw._load_log and its newest loaded_at; the log is append-only and an
identical re-delivery writes no row) and a fingerprint of the code and
configuration. The next run is a no-op when

  - every file in the landing folder is what raw._load_log already holds for
    its extract and month (same SHA-256; a file set aside whole: already
    logged as set aside), so ingestion would load nothing;
  - the load log has not moved since the last publication (no failed or
    daemon run loaded something that was never published);
  - the code and configuration fingerprint is the same (an edited model, a
    new threshold or another serving folder is work to do);
  - the serving copy is still the one that run published.

Anything else, or any doubt (no record, an unreadable file), is a full run.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest import landing
from orchestration.ingest.loading import STATUS_FILE_SET_ASIDE, sha256_file
from orchestration.landing_names import IGNORED, SET_ASIDE
from orchestration.masking import mask
from orchestration.paths import DBT_PROJECT_DIR, EXPECTATIONS_DIR, PROJECT_ROOT
from orchestration.settings import Settings

STATE_TABLE = "raw._publications"
STATE_DDL = f"""
CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
  run_id VARCHAR,
  publication_id VARCHAR,
  recorded_at TIMESTAMP,
  load_log_rows BIGINT,
  load_log_loaded_at TIMESTAMP,
  fingerprint VARCHAR
)"""

# What the outputs are made from besides the data. The pseudonym key is left
# out: it only acts on new deliveries, which are work to do anyway.
_CODE_DIRS = (PROJECT_ROOT / "orchestration", DBT_PROJECT_DIR / "models", DBT_PROJECT_DIR / "macros",
              DBT_PROJECT_DIR / "seeds", DBT_PROJECT_DIR / "tests", EXPECTATIONS_DIR)
_CODE_FILES = (DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml")


@dataclass(frozen=True)
class Watermark:
    rows: int
    loaded_at: dt.datetime | None


def watermark(con: duckdb.DuckDBPyConnection) -> Watermark:
    rows, newest = con.execute("SELECT count(*), max(loaded_at) FROM raw._load_log").fetchone()
    return Watermark(rows, newest)


def fingerprint(settings: Settings) -> str:
    """SHA-256 over the project's code (orchestration, dbt project, GX suites) and
    every setting but the key (Settings.without_key; hashed, never stored in clear)."""
    h = hashlib.sha256()
    files = [p for d in _CODE_DIRS if d.is_dir() for p in d.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    for p in sorted(files + [f for f in _CODE_FILES if f.exists()]):
        h.update(str(p.relative_to(PROJECT_ROOT)).encode() + b"\0" + p.read_bytes() + b"\0")
    for name, value in sorted(settings.without_key().items()):
        h.update(f"{name}={value}\0".encode())
    return h.hexdigest()


def record(con: duckdb.DuckDBPyConnection, run_id: str, publication_id: str, code: str) -> None:
    """After a successful run: what its publication was built from."""
    con.execute(STATE_DDL)
    mark = watermark(con)
    con.execute(f"INSERT INTO {STATE_TABLE} VALUES (?, ?, ?, ?, ?, ?)",
                [run_id, publication_id, dt.datetime.now(), mark.rows, mark.loaded_at, code])


def serving_publication(serving_dir: Path) -> str | None:
    from orchestration.publish import SERVING_DB

    path = serving_dir / SERVING_DB
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        row = con.execute("SELECT publication_id FROM meta.publication").fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _all_delivered_before(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> bool:
    """Every landing file is what raw._load_log holds for it: the loader would do nothing."""
    latest = dict(((e, m), s) for e, m, s in con.execute(
        "SELECT extract, reporting_month, arg_max(sha256, loaded_at) FROM raw._load_log "
        "WHERE extract <> '' GROUP BY extract, reporting_month").fetchall())
    aside = set(con.execute("SELECT file_name, sha256 FROM raw._load_log WHERE status = ?",
                            [STATUS_FILE_SET_ASIDE]).fetchall())
    for f in landing.scan(landing_dir):
        if f.kind == IGNORED:
            # The landing root's own notes (README, DEFECTS.json) are nothing; any other ignored
            # file is a finding each run reports, so it is work until someone removes it.
            if f.reported:
                return False
            continue
        sha = sha256_file(f.path)[0]  # in blocks: a national listing is over a gigabyte
        if f.kind == SET_ASIDE:
            if (f.path.name, sha) not in aside and (mask(f.path.name), sha) not in aside:
                return False
        elif latest.get((f.extract.key, f.month)) != sha:
            return False
    return True


def nothing_to_do(settings: Settings, code: str) -> str | None:
    """The one line to say when the run has nothing to do, else None (run)."""
    if not settings.warehouse.exists():
        return None
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=True)
    except duckdb.Error:
        return None  # locked or unreadable: let the run say so
    try:
        has_state = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'raw' "
                                "AND table_name = '_publications'").fetchone()[0]
        if not has_state:
            return None
        last = con.execute(f"SELECT run_id, publication_id, recorded_at, load_log_rows, load_log_loaded_at, "
                           f"fingerprint FROM {STATE_TABLE} ORDER BY recorded_at DESC LIMIT 1").fetchone()
        if last is None:
            return None
        run_id, publication_id, recorded_at, rows, loaded_at, code_then = last
        if code_then != code or watermark(con) != Watermark(rows, loaded_at):
            return None
        if serving_publication(settings.serving_dir) != publication_id:
            return None
        if not _all_delivered_before(con, settings.landing_dir):
            return None
    finally:
        con.close()
    return (f"naravard: nothing new delivered since run {run_id} ({recorded_at:%Y-%m-%d %H:%M}); "
            f"the serving copy {publication_id} in {settings.serving_dir} is current. Nothing to do.")
