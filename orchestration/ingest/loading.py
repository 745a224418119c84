"""Archive, load log, set-aside rows, replace-a-month: the warehouse side of ingestion.

Promises kept here (CONTRACTS.md section 2, issue 3):
- every delivered file is archived as received, content-addressed by SHA-256,
  before anything else happens, so nothing that arrived is lost;
- a delivery for a month replaces that month of that extract in one
  transaction (no duplicates, nothing left from the earlier delivery);
- the identical file delivered again is a no-op;
- rows read = rows loaded + rows set aside, recorded in raw._load_log;
- an unreadable file is set aside whole; the month's earlier data stays.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.ingest import identity, landing
from orchestration.ingest.reading import BLOCK, FileRejected
from orchestration.ingest.rules import IngestSQL, ingest_sql
from orchestration.ingest.schemas import EXTRACTS, Extract, raw_columns, raw_table_ddl
from orchestration.ingest.sqltext import ident, lit
from orchestration.ingest.staging import Staged, stage_file
from orchestration.masking import mask
from orchestration.settings import DEFAULT_INGEST_MEMORY_LIMIT

log = logging.getLogger(__name__)

LOAD_LOG_DDL = """
CREATE TABLE IF NOT EXISTS raw._load_log (
  load_id VARCHAR PRIMARY KEY,
  source VARCHAR,
  extract VARCHAR,
  file_name VARCHAR,
  reporting_month VARCHAR,
  sha256 VARCHAR,
  size_bytes BIGINT,
  encoding VARCHAR,
  rows_read BIGINT,
  rows_loaded BIGINT,
  rows_set_aside BIGINT,
  status VARCHAR,          -- loaded | loaded_with_set_aside | file_set_aside
  message VARCHAR,
  archive_path VARCHAR,
  loaded_at TIMESTAMP
)"""

SET_ASIDE_DDL = """
CREATE TABLE IF NOT EXISTS raw._set_aside_rows (
  load_id VARCHAR,
  source VARCHAR,
  extract VARCHAR,
  file_name VARCHAR,
  reporting_month VARCHAR,
  line BIGINT,
  column_name VARCHAR,
  reason VARCHAR,
  row_json VARCHAR,        -- the row as delivered, personnummer masked
  set_aside_at TIMESTAMP
)"""

STATUS_LOADED = "loaded"
STATUS_PARTIAL = "loaded_with_set_aside"
STATUS_FILE_SET_ASIDE = "file_set_aside"
STATUS_UNCHANGED = "unchanged"  # never written to the log: an identical re-delivery is a no-op


@dataclass
class LoadOutcome:
    extract: str
    file_name: str
    month: str | None
    status: str
    sha256: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_set_aside: int = 0
    message: str = ""
    replaced_rows: int = 0

    def __post_init__(self) -> None:
        # An outcome reaches logs and run metadata: masked like any text about a delivery
        # (a sender can put a personnummer in a file name).
        self.file_name, self.message = mask(self.file_name), mask(self.message)

    def as_metadata(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for e in EXTRACTS:
        con.execute(raw_table_ddl(e))
    con.execute(LOAD_LOG_DDL)
    con.execute(SET_ASIDE_DDL)
    landing.ensure_table(con)


def sha256_file(path: Path) -> tuple[str, int]:
    """(SHA-256 hex, size) of a file, read in blocks."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        while block := f.read(BLOCK):
            h.update(block)
            size += len(block)
    return h.hexdigest(), size


def archive_file(path: Path, sha: str, source: str, month: str | None, file_name: str, archive_dir: Path) -> Path:
    """Keep the file exactly as received. Content-addressed: a re-delivery with
    other content is a new archive entry, the same content is stored once."""
    folder = archive_dir / source / (month or "utan-manad")
    folder.mkdir(parents=True, exist_ok=True)
    # The name masked (docs/decisions.md): the archive keeps the bytes as received, and its
    # path is written to raw._load_log; a personnummer in a name would sit there in clear.
    target = folder / f"{sha[:16]}__{mask(file_name)}"
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        shutil.copyfile(path, tmp)
        tmp.replace(target)
    return target


def last_sha(con: duckdb.DuckDBPyConnection, extract: Extract, month: str) -> str | None:
    row = con.execute(
        "SELECT sha256 FROM raw._load_log WHERE extract = ? AND reporting_month = ? ORDER BY loaded_at DESC LIMIT 1",
        [extract.key, month],
    ).fetchone()
    return row[0] if row else None


def _log_row(con, load_id: str, extract_key: str, source: str, file_name: str, month: str | None, sha: str,
             size: int, encoding: str | None, read: int, loaded: int, aside: int, status: str, message: str,
             archive_path: Path, now: dt.datetime) -> None:
    con.execute(
        "INSERT INTO raw._load_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [load_id, source, extract_key, mask(file_name), month, sha, size, encoding, read, loaded, aside, status,
         identity.mask_personnummer(message), str(archive_path), now],
    )


def record_file_set_aside(con: duckdb.DuckDBPyConnection, path: Path, source: str, extract_key: str | None,
                          month: str | None, reason: str, archive_dir: Path, dedupe: bool = True) -> LoadOutcome:
    """A file the pipeline cannot take at all (unreadable, or a name without a
    valid month): archive it and log why, so the sender can be told."""
    sha, size = sha256_file(path)
    target = archive_file(path, sha, source, month, path.name, archive_dir)
    now = dt.datetime.now()
    message = identity.mask_personnummer(reason)
    # A name-level set-aside seen again is not logged again (dedupe); a file the loader failed
    # on is logged each time, so that it stays the latest delivery of its month.
    already = dedupe and con.execute(
        "SELECT 1 FROM raw._load_log WHERE source = ? AND file_name = ? AND sha256 = ? AND status = ?",
        [source, mask(path.name), sha, STATUS_FILE_SET_ASIDE],
    ).fetchone()
    if not already:
        _log_row(con, uuid.uuid4().hex, extract_key or "", source, path.name, month, sha, size, None,
                 0, 0, 0, STATUS_FILE_SET_ASIDE, message, target, now)
    log.error("File set aside: %s", message)
    return LoadOutcome(extract_key or "", path.name, month, STATUS_FILE_SET_ASIDE, sha, message=message)


@contextlib.contextmanager
def _bounded(con: duckdb.DuckDBPyConnection, limit: str):
    """The ingest memory limit (NARAVARD_INGEST_MEMORY_LIMIT: what DuckDB needs beyond
    goes to its temp directory, so the memory of a load does not grow with the size of
    the file), and no insertion order to keep (rows carry their line), for the length
    of one load; the connection's settings after."""
    before = con.execute("SELECT current_setting('memory_limit'), current_setting('preserve_insertion_order')"
                         ).fetchone()
    con.execute(f"SET memory_limit = {lit(limit)}")
    con.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = {lit(before[0])}")
        con.execute(f"SET preserve_insertion_order = {str(bool(before[1])).lower()}")


def _insert_sql(extract: Extract, q: IngestSQL) -> str:
    """Typed rows of the temporary table into raw.<extract>, personnummer
    pseudonymised on the way (never stored in clear, not even in a temp table
    beyond this load)."""
    typed = dict(q.typed)
    persons = [c.name for c in extract.columns if c.kind == "personnummer"]
    norm = "".join(f", {identity.normalise_sql(ident('pnr_' + n))} AS pn{i}" for i, n in enumerate(persons))
    valid = "".join(f", {identity.valid_sql(f'pn{i}')} AS pv{i}" for i in range(len(persons)))
    select: list[str] = []
    for c in extract.columns:
        if c.kind == "personnummer":
            i = persons.index(c.name)
            select.extend(f"{sql} AS {name}" for name, sql in identity.person_sql(f"pn{i}", f"pv{i}"))
        else:
            select.append(f"{typed[c.name]} AS {c.name}")
    meta = {"_reporting_month": "$month", "_source_file": "$file_name", "_source_line": "line",
            "_file_sha256": "$sha", "_load_id": "$load_id", "_loaded_at": "CAST($now AS TIMESTAMP)",
            "_extra": q.extra_json}
    select.extend(f"{sql} AS {name}" for name, sql in meta.items())
    names = ", ".join(n for n, _ in raw_columns(extract))
    return (f"INSERT INTO raw.{extract.key} ({names}) SELECT {', '.join(select)} FROM "
            f"(SELECT *{valid} FROM (SELECT *{norm} FROM {q.table} WHERE reason IS NULL))")


_ASIDE_SQL = """INSERT INTO raw._set_aside_rows
SELECT $load_id, $source, $extract, $file_name, $month, line, column_name, reason, row_json, CAST($now AS TIMESTAMP)
FROM {table} WHERE reason IS NOT NULL"""


def load_file(con: duckdb.DuckDBPyConnection, extract: Extract, path: Path, month: str, key: str,
              archive_dir: Path, memory_limit: str = DEFAULT_INGEST_MEMORY_LIMIT) -> LoadOutcome:
    """Load one delivered file for its reporting month, in at most memory_limit of DuckDB memory.

    The file is staged (checked and transcoded, block by block), then DuckDB
    reads, types, judges and pseudonymises it in SQL: no frame of the file is
    ever held in Python."""
    sha, size = sha256_file(path)
    target = archive_file(path, sha, extract.source, month, path.name, archive_dir)
    if last_sha(con, extract, month) == sha:
        return LoadOutcome(extract.key, path.name, month, STATUS_UNCHANGED, sha,
                           message="identical to the delivery already loaded; nothing to do")
    now = dt.datetime.now()
    load_id = uuid.uuid4().hex
    try:
        staged = stage_file(path, extract)
    except FileRejected as e:
        con.execute("BEGIN TRANSACTION")
        try:
            _log_row(con, load_id, extract.key, extract.source, path.name, month, sha, size, None, 0, 0, 0,
                     STATUS_FILE_SET_ASIDE, str(e), target, now)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        log.error("File set aside: %s", identity.mask_personnummer(str(e)))
        return LoadOutcome(extract.key, path.name, month, STATUS_FILE_SET_ASIDE, sha, message=str(e))

    q = ingest_sql(extract, str(staged.path), staged.quoted, staged.header, month, staged.cut_line,
                   numbered=staged.numbered)
    params = {"month": month, "file_name": mask(path.name), "sha": sha, "load_id": load_id, "now": now,
              "source": extract.source, "extract": extract.key}
    try:
        with _bounded(con, memory_limit):
            if not staged.numbered:
                # Plain lines are numbered in the file's order (records_sql): only this
                # statement needs DuckDB to keep it.
                con.execute("SET preserve_insertion_order = true")
            con.execute(q.create)
            con.execute("SET preserve_insertion_order = false")
            rows_loaded, sql_aside = con.execute(
                f"SELECT count(*) FILTER (reason IS NULL), count(*) FILTER (reason IS NOT NULL) FROM {q.table}"
            ).fetchone()
            rows_aside = sql_aside + len(staged.bad_records)
            rows_read = rows_loaded + rows_aside
            status = STATUS_PARTIAL if rows_aside else STATUS_LOADED
            message = _message(rows_read, rows_loaded, rows_aside, load_id, staged)
            con.execute("BEGIN TRANSACTION")
            try:
                replaced = con.execute(
                    f"SELECT count(*) FROM raw.{extract.key} WHERE _reporting_month = ?", [month]
                ).fetchone()[0]
                con.execute(f"DELETE FROM raw.{extract.key} WHERE _reporting_month = ?", [month])
                insert_params = {k: params[k] for k in ("month", "file_name", "sha", "load_id", "now")}
                if any(c.kind == "personnummer" for c in extract.columns):
                    insert_params |= identity.hmac_params(key)
                con.execute(_insert_sql(extract, q), insert_params)
                con.execute(_ASIDE_SQL.format(table=q.table),
                            {k: params[k] for k in ("load_id", "source", "extract", "file_name", "month", "now")})
                if staged.bad_records:
                    con.executemany(
                        "INSERT INTO raw._set_aside_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
                        [[load_id, extract.source, extract.key, mask(path.name), month, b.line, b.column,
                          identity.mask_personnummer(b.reason), now] for b in staged.bad_records])
                _log_row(con, load_id, extract.key, extract.source, path.name, month, sha, size, staged.encoding,
                         rows_read, rows_loaded, rows_aside, status, message, target, now)
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
    finally:
        con.execute(f"DROP TABLE IF EXISTS {q.table}")
        staged.discard()
    return LoadOutcome(extract.key, path.name, month, status, sha, rows_read, rows_loaded, rows_aside, message,
                       replaced_rows=replaced)


def _message(rows_read: int, rows_loaded: int, rows_aside: int, load_id: str, staged: Staged) -> str:
    parts = [f"{rows_loaded} of {rows_read} rows loaded"]
    if rows_read == 0:
        # Readable, so it is a delivery (and replaces the month); said plainly,
        # as a header without rows is more often a failed export than an empty month.
        parts.append("the file has a header but no data rows")
    if rows_aside:
        parts.append(f"{rows_aside} set aside (see raw._set_aside_rows, load_id {load_id})")
    if staged.missing_optional:
        parts.append(f"optional column(s) not delivered: {', '.join(staged.missing_optional)}")
    if staged.extra_columns:
        parts.append(f"extra column(s) kept in _extra: {', '.join(staged.extra_columns)}")
    return "; ".join(parts)
