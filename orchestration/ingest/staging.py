"""Turn one delivered file into a clean file DuckDB reads in parallel, in bounded memory.

Every quirk a delivered file may have is removed here, in streaming passes
over blocks of the file (never the whole file in memory):
- encodings: UTF-8 with or without BOM, or Windows-1252 (see `reading`);
- line ends: CRLF, LF or a lone CR (old Mac exports) all end a line;
- quotes: a file without '"' (the normal case) is copied line by line; a file
  with quotes (values may hold ';' or line breaks) goes through Python's csv
  module in strict mode, record by record (`reading.read_quoted_records`).

The staged file takes one of three forms (`rules.records_sql` reads each):
- plain lines (the normal case: no quote in the file): the delivered lines
  as UTF-8 with LF line ends, the header first, nothing added. DuckDB reads
  each line as one value (delimiter 0x1F, which such a file does not hold)
  and numbers them with `row_number() OVER ()`, which follows the file's
  order (DuckDB's documented order preservation); an empty line is a NULL
  value, so it keeps its number and is no record. Writing a line number into
  every line in Python took 13 s of a national listing file's 22 s of staging;
  this form is a byte copy of the transcoded blocks.
- numbered lines (no quote, but a 0x1F byte somewhere): `<physical line>;"<line>"`;
- records of a quoted file: `<physical line>;"<JSON array of the fields>"`.
In the numbered forms the payload never holds a '"' of its own (first form)
or doubles it (second), so DuckDB's reader sees one well-formed quoted value
per record; empty lines are not records, but keep their number (the physical
line number of every record is what set-aside rows name).
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.ingest.reading import (
    BLOCK,
    BadRecord,
    Inspection,
    inspect_file,
    iter_pieces,
    read_quoted_records,
)
from orchestration.ingest.schemas import Extract


@dataclass
class Staged:
    """A delivered file, staged: where the clean file is and what was learnt reading it."""

    path: Path
    quoted: bool  # payload is a JSON array of fields; else the line, split at ';'
    numbered: bool  # each record carries its line number; else plain lines, numbered by DuckDB
    header: list[str]  # normalised names, in the file's order
    encoding: str
    extra_columns: list[str]
    missing_optional: list[str]
    cut_line: int | None  # the file ended inside a character on this line
    bad_records: list[BadRecord] = field(default_factory=list)  # found while reading (quoted files)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def _lines(info: Inspection, path: Path, out) -> None:
    """The file as UTF-8 lines ending in LF, header included (bytes operations on
    blocks that end at a line break, so a CRLF is never split)."""
    for piece in iter_pieces(path, info):
        out.write(piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))


def _numbered(info: Inspection, path: Path, out) -> None:
    """Copy line by line as `n;"line"`: bytes operations on blocks that end at
    a line break, so a CRLF is never split and UTF-8 needs no decode."""
    line = 0
    for piece in iter_pieces(path, info):
        piece = piece.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        parts = piece.split(b"\n")
        if piece.endswith(b"\n"):
            parts.pop()  # the start of the next block, not a line of this one
        out.write(b"".join(b'%d;"%s"\n' % (n, p) for n, p in enumerate(parts, line + 1) if p and n > 1))
        line += len(parts)


def _quoted(info: Inspection, path: Path, out, header: list[str]) -> list[BadRecord]:
    bad: list[BadRecord] = []
    buf: list[str] = []
    for line, fields in read_quoted_records(path, info, header, bad):
        payload = json.dumps(fields, ensure_ascii=False).replace('"', '""')
        buf.append(f'{line};"{payload}"\n')
        if len(buf) >= 10_000:
            out.write("".join(buf).encode("utf-8"))
            buf.clear()
    out.write("".join(buf).encode("utf-8"))
    return bad


def stage_file(path: Path, extract: Extract, work_dir: Path | None = None) -> Staged:
    """Check and stage one delivered file. Raises FileRejected when it cannot be read at all."""
    info = inspect_file(path, extract)
    fd, name = tempfile.mkstemp(prefix="staged_", suffix=".csv", dir=work_dir)
    staged = Path(name)
    try:
        with os.fdopen(fd, "wb", buffering=BLOCK) as out:
            bad = []
            if info.quoted:
                bad = _quoted(info, path, out, info.header)
            elif info.unit_separator:
                _numbered(info, path, out)
            else:
                _lines(info, path, out)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return Staged(staged, info.quoted, info.quoted or info.unit_separator, info.header, info.encoding,
                  info.extra_columns, info.missing_optional, info.cut_line, bad)

