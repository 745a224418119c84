"""Writing a generated table as a delivered file, in chunks.

A table holds, per column key, a function that renders rows [start, stop) as
text pieces for a given file format. Only one chunk of text exists at a time,
so a national listing (10.5 million rows) never sits in memory as text. Files
are written under a hidden temporary name and renamed into place, so a file
sensor never sees half a file.
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from orchestration.ingest.schemas import EXTRACTS

from .csvbytes import assemble
from .formats import FileFormat

CHUNK_ROWS = 500_000

Render = Callable[[int, int, FileFormat], list]


@dataclass
class Table:
    n: int
    columns: dict[str, Render]


def write_table(path: Path, fmt: FileFormat, table: Table, chunk_rows: int | None = None) -> dict:
    chunk_rows = chunk_rows or CHUNK_ROWS
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.part"
    digest = hashlib.sha256()
    size = 0
    with open(tmp, "wb") as f:
        for part in _chunks(fmt, table, chunk_rows):
            f.write(part)
            digest.update(part)
            size += len(part)
    os.replace(tmp, path)
    return {"rows": table.n, "bytes": size, "sha256": digest.hexdigest()}


def _chunks(fmt: FileFormat, table: Table, chunk_rows: int):
    yield fmt.header_line()  # with the BOM first for 'utf-8-sig'
    for start in range(0, table.n, chunk_rows):
        stop = min(start + chunk_rows, table.n)
        columns = [table.columns[key](start, stop, fmt) for key in fmt.columns]
        yield assemble(columns, stop - start)


_OURS = re.compile(r"^(%s)_\d{4}-\d{2}\.csv$" % "|".join(e.name for e in EXTRACTS))


def remove_stale(out_dir: Path) -> list[str]:
    """Delete earlier demo files (only names of the landing layout) in out_dir.

    So a re-run with other months or without a file never leaves an old file
    behind that the manifest does not describe.
    """
    removed = []
    for folder in sorted({e.folder for e in EXTRACTS}):
        d = out_dir / folder
        if d.is_dir():
            for p in sorted(d.iterdir()):
                if p.is_file() and (_OURS.match(p.name) or p.name.startswith(".") and p.name.endswith(".part")):
                    p.unlink()
                    removed.append(f"{folder}/{p.name}")
    return removed
