"""Two reasons not to start publishing, each said in one line: the serving folder cannot be written,
or the run would publish fewer months than the serving copy already has.

The second protects the BI tools' history: with the warehouse deleted and only
the newest month left in the landing folder, a run used to replace the serving
copy with that one month, without a word. The months are in the archive; the
way back is `naravard rebuild` (orchestration/rebuild.py).
"""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import duckdb

from orchestration.publish.disclosure import INDIKATORER
from orchestration.publish.serving_db import SERVING_DB


class PublishRefused(RuntimeError):
    """Nothing was published; the message says why and what to do."""


class FewerMonths(PublishRefused):
    pass


class ServingUnwritable(PublishRefused):
    pass


_WHY = {
    errno.EACCES: "the permission to create files in it (write and execute on the folder) is missing for the user "
                  "running naravard",
    errno.EPERM: "creating files in it is not permitted (an immutable folder or a locked-down mount?)",
    errno.EROFS: "it is on a read-only file system",
    errno.ENOTDIR: "a part of its path is a file, not a folder",
    errno.EEXIST: "a file of that name is in the way of the folder",
    errno.ENOSPC: "the disk is full",
}


def _probe(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".naravard-probe-", suffix=".tmp")
    os.close(fd)
    os.unlink(name)


def writable(*folders: Path) -> None:
    """Raise ServingUnwritable (one line: the folder, what is missing) unless a file can be created in each."""
    for folder in folders:
        try:
            _probe(folder)
        except OSError as e:
            why = _WHY.get(e.errno, e.strerror or str(e))
            raise ServingUnwritable(f"cannot write the serving folder {folder}: {why} ({e.strerror}); "
                                    "nothing was published") from None


def _periods(con, table: str) -> set[str]:
    return {r[0] for r in con.execute(f"SELECT DISTINCT period FROM {table}").fetchall()}


def vanishing_periods(con, serving_dir: Path) -> list[str]:
    """Periods in the published indikatorer that the warehouse (connection `con`) no longer has."""
    db = serving_dir / SERVING_DB
    if not db.exists():
        return []
    try:
        old = duckdb.connect(str(db), read_only=True)
    except duckdb.Error:
        return []  # a serving copy that cannot be read has nothing to protect; it is being replaced
    try:
        published = _periods(old, f"marts.{INDIKATORER}")
    except duckdb.Error:
        return []
    finally:
        old.close()
    return sorted(published - _periods(con, f"marts.{INDIKATORER}"))


def refuse_fewer_months(con, serving_dir: Path) -> None:
    gone = vanishing_periods(con, serving_dir)
    if gone:
        raise FewerMonths(
            f"not published: {len(gone)} period(s) of the serving copy {serving_dir / SERVING_DB} would vanish: "
            f"{', '.join(gone)}. The warehouse no longer holds them (deleted or replaced?); they are in the "
            "archive: recreate the warehouse with `naravard rebuild`, then run again. To withdraw those months on "
            f"purpose, remove {serving_dir / SERVING_DB} first.")
