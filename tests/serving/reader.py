"""A BI reader as a separate process: open the serving file read-only, query, close, again and again.

    python -m tests.serving.reader SERVING_DB LOG_JSONL STOP_FILE

Each snapshot appends one JSON line: the time, the publication id, whether the
row counts of every mart equal meta.published_tables (the file's own
manifest), a fingerprint of the whole content (to compare with the versions
the test kept), or the error. "absent" means the file did not exist yet (before
the first publish), which is not an error. It stops when STOP_FILE exists.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb


def fingerprint(con) -> str:
    """Order-independent hash of every row of every table of the file (DuckDB's hash, same version)."""
    tables = con.execute("SELECT table_schema, table_name FROM information_schema.tables "
                         "ORDER BY table_schema, table_name").fetchall()
    parts = [f"{s}.{t}={con.execute(f'SELECT count(*), sum(hash(x))::VARCHAR FROM {s}.{t} AS x').fetchone()}"
             for s, t in tables]
    return "|".join(parts)


def snapshot(db: Path) -> dict:
    if not db.exists():
        return {"absent": True}
    con = duckdb.connect(str(db), read_only=True)
    try:
        pub = con.execute("SELECT publication_id FROM meta.publication").fetchall()
        manifest = dict(con.execute("SELECT table_name, row_count FROM meta.published_tables").fetchall())
        marts = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'").fetchall()]
        counts = {t: con.execute(f'SELECT count(*) FROM marts."{t}"').fetchone()[0] for t in marts}
        return {"publication_id": pub[0][0] if len(pub) == 1 else None, "publication_rows": len(pub),
                "consistent": counts == manifest, "fingerprint": fingerprint(con)}
    finally:
        con.close()


def main(db: Path, log: Path, stop: Path) -> None:
    with open(log, "a") as out:
        while not stop.exists():
            t = time.time()
            try:
                record = snapshot(db)
            except Exception as e:  # recorded, never hidden: the test fails on any
                record = {"error": f"{type(e).__name__}: {e}"}
            record["t"] = t
            out.write(json.dumps(record) + "\n")
            out.flush()
            time.sleep(0.05)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
