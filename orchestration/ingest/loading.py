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

import datetime as dt
import hashlib
import logging
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from orchestration.ingest import identity, landing
from orchestration.ingest.reading import FileRejected, read_extract_file
from orchestration.ingest.schemas import EXTRACTS, Extract, raw_columns, raw_table_ddl
from orchestration.ingest.validate import validate
from orchestration.masking import mask

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


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive(data: bytes, sha: str, source: str, month: str | None, file_name: str, archive_dir: Path) -> Path:
    """Keep the file exactly as received. Content-addressed: a re-delivery with
    other content is a new archive entry, the same content is stored once."""
    folder = archive_dir / source / (month or "utan-manad")
    folder.mkdir(parents=True, exist_ok=True)
    # The name masked (docs/decisions.md): the archive keeps the bytes as received, and its
    # path is written to raw._load_log; a personnummer in a name would sit there in clear.
    target = folder / f"{sha[:16]}__{mask(file_name)}"
    if not target.exists():
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(data)
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
    data = path.read_bytes()
    sha = sha256_of(data)
    target = archive(data, sha, source, month, path.name, archive_dir)
    now = dt.datetime.now()
    message = identity.mask_personnummer(reason)
    # A name-level set-aside seen again is not logged again (dedupe); a file the loader failed
    # on is logged each time, so that it stays the latest delivery of its month.
    already = dedupe and con.execute(
        "SELECT 1 FROM raw._load_log WHERE source = ? AND file_name = ? AND sha256 = ? AND status = ?",
        [source, mask(path.name), sha, STATUS_FILE_SET_ASIDE],
    ).fetchone()
    if not already:
        _log_row(con, uuid.uuid4().hex, extract_key or "", source, path.name, month, sha, len(data), None,
                 0, 0, 0, STATUS_FILE_SET_ASIDE, message, target, now)
    log.error("File set aside: %s", message)
    return LoadOutcome(extract_key or "", path.name, month, STATUS_FILE_SET_ASIDE, sha, message=message)


# Load metadata that is the same for every row of a delivery is bound as a
# query parameter, not repeated in the frame: on a 100 MB file five constant
# columns of 2.6 million values cost more memory than the data itself.
_CONSTANT_META = ("_reporting_month", "_source_file", "_file_sha256", "_load_id", "_loaded_at")


def _insert_sql(extract: Extract) -> str:
    cols = raw_columns(extract)
    names = ", ".join(n for n, _ in cols)
    select = ", ".join(f"CAST(${n} AS {t}) AS {n}" if n in _CONSTANT_META else f"CAST({n} AS {t}) AS {n}"
                       for n, t in cols)
    return f"INSERT INTO raw.{extract.key} ({names}) SELECT {select} FROM incoming"


def load_file(con: duckdb.DuckDBPyConnection, extract: Extract, path: Path, month: str, key: str,
              archive_dir: Path) -> LoadOutcome:
    """Load one delivered file for its reporting month."""
    data = path.read_bytes()
    sha = sha256_of(data)
    target = archive(data, sha, extract.source, month, path.name, archive_dir)
    if last_sha(con, extract, month) == sha:
        return LoadOutcome(extract.key, path.name, month, STATUS_UNCHANGED, sha,
                           message="identical to the delivery already loaded; nothing to do")
    now = dt.datetime.now()
    load_id = uuid.uuid4().hex
    try:
        read = read_extract_file(path, extract, data=data)
    except FileRejected as e:
        con.execute("BEGIN TRANSACTION")
        try:
            _log_row(con, load_id, extract.key, extract.source, path.name, month, sha, len(data), None, 0, 0, 0,
                     STATUS_FILE_SET_ASIDE, str(e), target, now)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        log.error("File set aside: %s", identity.mask_personnummer(str(e)))
        return LoadOutcome(extract.key, path.name, month, STATUS_FILE_SET_ASIDE, sha, message=str(e))

    rows_read = read.rows_read
    # The read frame is handed over, not kept: validate lets it go once it has
    # its trimmed copy, so a 100 MB file is not held twice (see the memory
    # budget in tests/reliability).
    v = validate(extract, read.take_frame(), read.lines, month, key, read.extra_columns)
    incoming = v.typed  # built for this load alone: no copy
    incoming["_source_line"] = v.kept_lines
    incoming["_extra"] = v.extra_json.to_numpy()
    meta = {"_reporting_month": month, "_source_file": mask(path.name), "_file_sha256": sha, "_load_id": load_id,
            "_loaded_at": now}

    bad = pd.DataFrame({"line": [b.line for b in read.bad_records], "column_name": [b.column for b in read.bad_records],
                        "reason": [b.reason for b in read.bad_records], "row_json": [None] * len(read.bad_records)})
    aside = pd.concat([bad, v.rejected], ignore_index=True).sort_values("line", kind="stable")
    aside.insert(0, "load_id", load_id)
    aside.insert(1, "source", extract.source)
    aside.insert(2, "extract", extract.key)
    aside.insert(3, "file_name", mask(path.name))
    aside.insert(4, "reporting_month", month)
    aside["set_aside_at"] = pd.Timestamp(now)
    aside["column_name"] = aside["column_name"].astype("string")
    aside["row_json"] = aside["row_json"].astype("string")

    rows_loaded = len(incoming)
    rows_aside = len(aside)
    assert rows_read == rows_loaded + rows_aside, "every row read is either loaded or set aside"
    status = STATUS_PARTIAL if rows_aside else STATUS_LOADED
    parts = [f"{rows_loaded} of {rows_read} rows loaded"]
    if rows_read == 0:
        # Readable, so it is a delivery (and replaces the month); said plainly,
        # as a header without rows is more often a failed export than an empty month.
        parts.append("the file has a header but no data rows")
    if rows_aside:
        parts.append(f"{rows_aside} set aside (see raw._set_aside_rows, load_id {load_id})")
    if read.missing_optional:
        parts.append(f"optional column(s) not delivered: {', '.join(read.missing_optional)}")
    if read.extra_columns:
        parts.append(f"extra column(s) kept in _extra: {', '.join(read.extra_columns)}")
    message = "; ".join(parts)

    con.execute("BEGIN TRANSACTION")
    try:
        replaced = con.execute(
            f"SELECT count(*) FROM raw.{extract.key} WHERE _reporting_month = ?", [month]
        ).fetchone()[0]
        con.execute(f"DELETE FROM raw.{extract.key} WHERE _reporting_month = ?", [month])
        # As an Arrow table: DuckDB streams it, where a pandas frame of Arrow
        # strings is first turned into Python objects (500 MB on a 100 MB file).
        con.register("incoming", pa.Table.from_pandas(incoming, preserve_index=False))
        con.execute(_insert_sql(extract), meta)
        con.unregister("incoming")
        if rows_aside:
            con.register("aside", aside)
            con.execute("INSERT INTO raw._set_aside_rows SELECT load_id, source, extract, file_name, reporting_month, "
                        "line, column_name, reason, row_json, set_aside_at FROM aside")
            con.unregister("aside")
        _log_row(con, load_id, extract.key, extract.source, path.name, month, sha, len(data), read.encoding,
                 rows_read, rows_loaded, rows_aside, status, message, target, now)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return LoadOutcome(extract.key, path.name, month, status, sha, rows_read, rows_loaded, rows_aside, message,
                       replaced_rows=replaced)
