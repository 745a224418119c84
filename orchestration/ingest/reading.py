"""Turn one delivered file into a DataFrame of strings, or say exactly why not.

CONTRACTS.md section 2: ';'-separated, UTF-8 with or without BOM or
Windows-1252, headers matched case-insensitively after trimming, any column
order, extra columns kept. Typing and row rules are not done here (see
`validate.py`); this module only answers "which rows and columns arrived, on
which physical line".

Two parsing paths, both returning the physical line number of every record:
- no quote character in the file (the normal case): pyarrow's multithreaded
  CSV reader, with line numbers worked out with numpy from the newline
  positions. Fast enough for a national file of 10 million rows.
- quotes present (fields may hold ';' or newlines): Python's csv module,
  which tracks physical lines through quoted newlines. Rare and slower.

A line ends at CRLF, LF or a lone CR (old Mac exports), in both paths: pyarrow
splits records at a lone CR anyway, so the line count has to as well, or every
line number after it would be wrong.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from orchestration.ingest.schemas import Extract

DELIMITER = ";"
_OTHER_DELIMITERS = {",": "comma", "\t": "tab", "|": "pipe"}


class FileRejected(Exception):
    """The whole file is set aside. The message tells the sender what to fix."""

    def __init__(self, file_name: str, reason: str, line: int | None = None, column: str | None = None):
        self.file_name = file_name
        self.reason = reason
        self.line = line
        self.column = column
        where = file_name
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {reason}")


@dataclass
class BadRecord:
    """A record that could not be split into the header's columns."""

    line: int
    reason: str
    column: str | None = None


@dataclass
class ReadResult:
    frame: pd.DataFrame  # contract columns by contract name, then extra columns; all strings
    lines: np.ndarray  # physical line number (1 = header) of each frame row
    encoding: str
    extra_columns: list[str]
    missing_optional: list[str]
    bad_records: list[BadRecord] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._rows_read = len(self.frame) + len(self.bad_records)

    @property
    def rows_read(self) -> int:
        return self._rows_read

    def take_frame(self) -> pd.DataFrame:
        """Hand the frame over (to validate), keeping no reference to it here."""
        frame, self.frame = self.frame, None
        return frame


BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What a file that is not CSV text usually starts with, to say what it is.
_MAGIC = ((b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?)"),
          (b"\xd0\xcf\x11\xe0", "an Office document (an Excel .xls workbook?)"),
          (b"\x1f\x8b", "a gzip archive"), (b"%PDF", "a PDF document"))
# å ä ö Å Ä Ö é as UTF-8 bytes: seen as Windows-1252 they read 'Ã¥', 'Ã¤' ...,
# which no Swedish text contains.
_UTF8_LETTERS = (b"\xc3\xa5", b"\xc3\xa4", b"\xc3\xb6", b"\xc3\x85", b"\xc3\x84", b"\xc3\x96", b"\xc3\xa9")


def _line_start(data: bytes, pos: int) -> int:
    return max(data.rfind(b"\n", 0, pos), data.rfind(b"\r", 0, pos)) + 1


def _locate(data: bytes, pos: int) -> tuple[int, int, str | None]:
    """(physical line, character in the line, header column) of byte `pos`.
    Lines end at LF, CRLF or a lone CR, as in the readers. The column is the
    header field the byte falls in (None in the header itself or past the last)."""
    line = data.count(b"\n", 0, pos) + data.count(b"\r", 0, pos) - data.count(b"\r\n", 0, pos) + 1
    start = _line_start(data, pos)
    column = None
    if line > 1:
        first = re.split(rb"\r\n|\r|\n", data[:65536], maxsplit=1)[0].removeprefix(BOM)
        header = [normalise_header(h) for h in first.decode("utf-8", errors="replace").split(DELIMITER)]
        field = data.count(DELIMITER.encode(), start, pos)
        column = header[field] if field < len(header) else None
    return line, pos - start + 1, column


def _reject_binary(data: bytes, file_name: str) -> None:
    """A file that is not text at all. NUL is searched in the whole file (a C
    scan, fast on 100 MB): a NUL late in the file would otherwise end up in a value."""
    if data.startswith(_UTF16_BOMS):
        raise FileRejected(file_name, "the file is UTF-16 text; deliver it as UTF-8 or Windows-1252", line=1)
    what = next((w for magic, w in _MAGIC if data.startswith(magic)), None)
    nul = data.find(b"\x00")
    if what is None and nul < 0:
        return
    line, char, column = _locate(data, max(nul, 0))
    if what is not None:
        raise FileRejected(file_name, f"the file is binary, not CSV text: it is {what}; "
                           "export the extract as ';'-separated CSV", line=1)
    raise FileRejected(file_name, f"the file is binary, not CSV text (a NUL byte at character {char})",
                       line=line, column=column)


def detect_encoding(data: bytes, file_name: str) -> tuple[str, bytes, int | None]:
    """Return (encoding name, the text as UTF-8 bytes without BOM, line cut short or None).

    UTF-8 first: a cp1252 file is almost never valid UTF-8 once it holds å, ä
    or ö, while the reverse is not true. Two failures of UTF-8 are not cp1252:
    - valid UTF-8 letters before the first invalid byte (or UTF-8 letters in a
      file that otherwise reads as cp1252): two encodings mixed in one file;
      either way half the letters would be silently garbled, so it is set aside;
    - the file ends inside a UTF-8 character: it was cut off (truncated
      delivery). It is read as UTF-8; the caller sets the cut line aside.
    The UTF-8 bytes are returned as they are (no decode-and-encode round trip:
    on a 100 MB file that is 200-300 MB less memory)."""
    bom = data.startswith(BOM)
    body = data[len(BOM):] if bom else data
    try:
        body.decode("utf-8")  # validates; the text itself is not needed
        return ("utf-8-sig" if bom else "utf-8"), body, None
    except UnicodeDecodeError as e:
        err = e
    utf8_before = bool(err.start) and int(np.frombuffer(body, dtype=np.uint8, count=err.start).max()) >= 0x80
    if err.end == len(body) and err.reason == "unexpected end of data" and (bom or utf8_before):
        line, _, _ = _locate(body, err.start)
        return ("utf-8-sig" if bom else "utf-8"), body[: err.start], line
    if bom or utf8_before:
        raise _decode_error(data, err.start + (len(BOM) if bom else 0), file_name,
                            "UTF-8 (the lines before are UTF-8: two encodings mixed in one file?)")
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise _decode_error(data, e.start, file_name, "UTF-8 or Windows-1252") from None
    mixed = [p for p in (data.find(s) for s in _UTF8_LETTERS) if p >= 0]
    if mixed:
        line, char, column = _locate(data, min(mixed))
        raise FileRejected(
            file_name,
            f"character {char} is a UTF-8 letter in a file that is otherwise Windows-1252 (two encodings mixed "
            "in one file?); deliver the whole file in one encoding",
            line=line, column=column)
    return "cp1252", text.encode("utf-8"), None


def _decode_error(data: bytes, pos: int, file_name: str, expected: str) -> FileRejected:
    line, char, column = _locate(data, pos)
    return FileRejected(
        file_name,
        f"byte 0x{data[pos]:02x} at character {char} cannot be read as {expected}; "
        "deliver the file as UTF-8 or Windows-1252 text",
        line=line,
        column=column,
    )


def normalise_header(name: str) -> str:
    return name.strip().strip('"').strip().lower()


def _check_header(raw_header: list[str], extract: Extract, file_name: str) -> tuple[list[str], list[str], list[str]]:
    header = [normalise_header(h) for h in raw_header]
    if len(header) == 1:
        for delim, word in _OTHER_DELIMITERS.items():
            if delim in raw_header[0]:
                raise FileRejected(
                    file_name, f"the header is separated by {word} ('{delim}'); the delimiter must be ';'", line=1
                )
    if not any(h in extract.column_names for h in header):
        raise FileRejected(
            file_name,
            "the first line is not a header with the expected columns "
            f"({';'.join(extract.column_names)}); is the header row missing?",
            line=1,
        )
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h == "":
            raise FileRejected(file_name, f"header field {i + 1} is empty; every column needs a name", line=1)
        if h in seen:
            raise FileRejected(
                file_name, f"column name appears twice (fields {seen[h] + 1} and {i + 1})", line=1, column=h
            )
        seen[h] = i
    missing_required = [c for c in extract.required_columns if c not in seen]
    if missing_required:
        raise FileRejected(
            file_name,
            f"required column(s) missing from the header: {', '.join(missing_required)}",
            line=1,
            column=missing_required[0],
        )
    missing_optional = [c for c in extract.column_names if c not in seen]
    extra = [h for h in header if h not in extract.column_names]
    return header, missing_optional, extra


@dataclass
class _Lines:
    """Where each physical line of a UTF-8 buffer lies (line i+1 is bytes start[i]:end[i], its break excluded)."""

    start: np.ndarray
    end: np.ndarray

    @property
    def nonempty(self) -> np.ndarray:
        """1-based physical line numbers of the non-empty lines, header included."""
        return np.flatnonzero(self.end > self.start) + 1


def _physical_lines(utf8: bytes) -> _Lines:
    """Line breaks are LF, CRLF or a lone CR, as pyarrow splits records. Works on
    the positions of the (few) CR and LF bytes, not a per-byte mask per rule."""
    buf = np.frombuffer(utf8, dtype=np.uint8)
    n = len(buf)
    lf = np.flatnonzero(buf == 10)
    cr = np.flatnonzero(buf == 13)
    lone_cr = cr[(cr + 1 >= n) | (buf[np.minimum(cr + 1, n - 1)] != 10)]
    breaks = np.union1d(lf, lone_cr) if len(lone_cr) else lf
    start = np.concatenate(([0], breaks + 1))
    end = np.concatenate((breaks, [n]))
    # The CR of a CRLF belongs to the break, not to the line.
    crlf = (end > start) & (end < n) & (buf[np.minimum(end, n - 1)] == 10) & (buf[np.maximum(end - 1, 0)] == 13)
    end = end - crlf
    return _Lines(start, np.maximum(end, start))


def _read_unquoted(utf8: bytes, header: list[str]) -> tuple[pd.DataFrame, np.ndarray, list[BadRecord]]:
    lines = _physical_lines(utf8)
    physical = lines.nonempty  # index 0 is the header
    bad_numbers: list[int] = []
    # pyarrow fails on a record longer than its block ("straddles two block
    # boundaries"); a block of twice the longest line always holds one.
    longest = int((lines.end - lines.start).max()) if len(lines.start) else 0
    block_size = max(1 << 20, 2 * longest + 2)

    def on_invalid(row) -> str:
        bad_numbers.append(row.number)
        return "skip"

    def read(use_threads: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=use_threads,
                                           block_size=block_size),
            parse_options=pacsv.ParseOptions(delimiter=DELIMITER, quote_char=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                # large_string is what pandas keeps: read as string, every column is copied once more.
                column_types={h: pa.large_string() for h in header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False
            ),
        )

    table = read(use_threads=True)
    if bad_numbers and any(n is None for n in bad_numbers):
        # pyarrow only knows row numbers when reading on one thread. The first
        # table goes before the second is read, or both are held at once.
        bad_numbers.clear()
        del table
        table = read(use_threads=False)
    # pyarrow numbers the non-empty rows from 1 (the header); map to physical lines.
    bad_idx = np.array(sorted(n - 1 for n in bad_numbers), dtype=np.int64)
    data_idx = np.setdiff1d(np.arange(1, len(physical)), bad_idx, assume_unique=True)
    bad = []
    delim = DELIMITER.encode()
    for i in bad_idx:
        # The line's bytes by position: str.splitlines() would also split at
        # form feeds and other separators inside values, and copy the whole file.
        line = int(physical[i])
        n = utf8.count(delim, int(lines.start[line - 1]), int(lines.end[line - 1])) + 1
        bad.append(_field_count_problem(line, n, header))
    frame = table.to_pandas()
    return frame, physical[data_idx].astype(np.int64), bad


def _field_count_problem(line: int, found: int, header: list[str], end_line: int | None = None) -> BadRecord:
    expected = len(header)
    span = f" (a quoted value runs from line {line} to line {end_line}: a quote not closed where meant?)" \
        if end_line and end_line > line else ""
    if found < expected:
        return BadRecord(
            line,
            f"{found} fields, expected {expected} (line cut short?): no value for '{header[found]}'{span}",
            column=header[found],
        )
    return BadRecord(line, f"{found} fields, expected {expected}: a ';' too many inside a value?{span}", column=None)


def _quote_column(line_text: str, header: list[str]) -> str | None:
    """The header column of the first field of a line that holds a quote."""
    for i, piece in enumerate(line_text.split(DELIMITER)):
        if '"' in piece:
            return header[i] if i < len(header) else None
    return None


def _read_quoted(text: str, header: list[str]) -> tuple[pd.DataFrame, np.ndarray, list[BadRecord]]:
    """Python's csv module in strict mode, so that a malformed quote is found,
    not silently glued: non-strict, a quote opened and never closed swallows
    every line after it into one value, and those rows are lost without a word.
    A strict error sets that record aside and reading goes on with the next
    line; a quote still open at the end of the file sets aside only the line
    that opened it, and the lines after it are read again on their own."""
    physical = io.StringIO(text, newline="").readlines()  # universal newlines, like pyarrow
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[BadRecord] = []
    pos = 1  # physical lines consumed (the header, already checked)
    while pos < len(physical):
        reader = csv.reader(itertools.islice(physical, pos, None), delimiter=DELIMITER, quotechar='"', strict=True)
        base, start, restart = pos, pos + 1, None
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                if "unexpected end of data" in str(e):
                    opened = physical[start - 1].rstrip("\r\n")
                    bad.append(BadRecord(
                        start, "a quote opened in this line is never closed (line cut short, or a stray '\"'?); "
                        "the lines after it were read on their own", column=_quote_column(opened, header)))
                    restart = start
                    break
                end = base + reader.line_num
                span = f" (lines {start} to {end})" if end > start else ""
                bad.append(BadRecord(
                    start, f"a quoted value is followed by more text before the ';'{span}; "
                    "a quote inside a value must be doubled (\"\")",
                    column=_quote_column(physical[start - 1], header)))
                start = end + 1
                continue
            end = base + reader.line_num
            if record == [] or record == [""]:
                start = end + 1
                continue
            if len(record) != len(header):
                bad.append(_field_count_problem(start, len(record), header, end_line=end))
            else:
                rows.append(record)
                lines.append(start)
            start = end + 1
        if restart is None:
            break
        pos = restart
    frame = pd.DataFrame(rows, columns=header, dtype="string") if rows else pd.DataFrame(columns=header, dtype="string")
    return frame, np.array(lines, dtype=np.int64), bad


def read_extract_file(path: Path, extract: Extract, data: bytes | None = None) -> ReadResult:
    """Read one delivered file. Raises FileRejected when it cannot be read at all."""
    file_name = path.name
    if data is None:
        data = path.read_bytes()
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise FileRejected(file_name, "the file is empty; deliver the extract with a header row and its rows")
    _reject_binary(data, file_name)
    encoding, utf8, cut_line = detect_encoding(data, file_name)
    first_line = re.split(rb"\r\n|\r|\n", utf8[:1 << 20], maxsplit=1)[0].decode("utf-8", errors="replace")
    raw_header = next(csv.reader([first_line], delimiter=DELIMITER, quotechar='"'))
    header, missing_optional, extra = _check_header(raw_header, extract, file_name)
    if b'"' in utf8:
        frame, lines, bad = _read_quoted(utf8.decode("utf-8"), header)
    else:
        frame, lines, bad = _read_unquoted(utf8, header)
    if cut_line is not None:
        frame, lines, bad = _set_aside_cut_line(frame, lines, bad, cut_line, utf8, header)
    for c in missing_optional:
        frame[c] = pd.Series([""] * len(frame), dtype="string", index=frame.index)
    frame = frame[list(extract.column_names) + extra]
    return ReadResult(frame, lines, encoding, extra, missing_optional, bad)


def _set_aside_cut_line(frame, lines, bad, cut_line, utf8, header):
    """The file ended inside a UTF-8 character: its last line was cut off, so its
    last value cannot be trusted even when the field count happens to fit."""
    reason = "the file ends inside a character: this line was cut off (truncated delivery?)"
    if any(b.line == cut_line for b in bad):
        return frame, lines, bad
    hit = lines == cut_line
    if hit.any():
        tail = utf8[_line_start(utf8, len(utf8)):]
        field = tail.count(DELIMITER.encode())
        bad = [*bad, BadRecord(cut_line, reason, column=header[field] if field < len(header) else None)]
        frame = frame.loc[~hit].reset_index(drop=True)
        lines = lines[~hit]
    return frame, lines, bad
