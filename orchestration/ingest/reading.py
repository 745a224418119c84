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
"""
from __future__ import annotations

import csv
import io
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

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.bad_records)


def detect_encoding(data: bytes, file_name: str) -> tuple[str, str]:
    """Return (encoding name, decoded text). UTF-8 first: a cp1252 file is
    almost never valid UTF-8 once it holds å, ä or ö, while the reverse is not true."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return "utf-8-sig", data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise _decode_error(data, e, file_name, "UTF-8") from None
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return "cp1252", data.decode("cp1252")
    except UnicodeDecodeError as e:
        raise _decode_error(data, e, file_name, "UTF-8 or Windows-1252") from None


def _decode_error(data: bytes, e: UnicodeDecodeError, file_name: str, expected: str) -> FileRejected:
    line = data.count(b"\n", 0, e.start) + 1
    col = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
    return FileRejected(
        file_name,
        f"byte 0x{data[e.start]:02x} at character {col} cannot be read as {expected}; "
        "deliver the file as UTF-8 or Windows-1252 text",
        line=line,
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


def _physical_lines_of_nonempty(utf8: bytes) -> np.ndarray:
    """1-based physical line numbers of the non-empty lines, header included."""
    buf = np.frombuffer(utf8, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [len(buf)]))
    length = ends - starts
    # A line holding only '\r' (CRLF file) is empty too.
    first = buf[np.minimum(starts, len(buf) - 1)]
    nonempty = (length > 1) | ((length == 1) & (first != 13))
    return np.flatnonzero(nonempty) + 1


def _read_unquoted(text: str, header: list[str], file_name: str) -> tuple[pd.DataFrame, np.ndarray, list[BadRecord]]:
    utf8 = text.encode("utf-8")
    physical = _physical_lines_of_nonempty(utf8)  # index 0 is the header
    bad_numbers: list[int] = []

    def on_invalid(row) -> str:
        bad_numbers.append(row.number)
        return "skip"

    def read(use_threads: bool) -> pa.Table:
        return pacsv.read_csv(
            io.BytesIO(utf8),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, use_threads=use_threads),
            parse_options=pacsv.ParseOptions(delimiter=DELIMITER, quote_char=False, invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )

    table = read(use_threads=True)
    if bad_numbers and any(n is None for n in bad_numbers):
        # pyarrow only knows row numbers when reading on one thread.
        bad_numbers.clear()
        table = read(use_threads=False)
    # pyarrow numbers the non-empty rows from 1 (the header); map to physical lines.
    bad_idx = np.array(sorted(n - 1 for n in bad_numbers), dtype=np.int64)
    data_idx = np.setdiff1d(np.arange(1, len(physical)), bad_idx, assume_unique=True)
    bad = []
    if len(bad_idx):
        raw_lines = text.splitlines()
        for i in bad_idx:
            line = int(physical[i])
            n = raw_lines[line - 1].count(DELIMITER) + 1
            bad.append(_field_count_problem(line, n, header))
    frame = table.to_pandas()
    return frame, physical[data_idx].astype(np.int64), bad


def _field_count_problem(line: int, found: int, header: list[str]) -> BadRecord:
    expected = len(header)
    if found < expected:
        return BadRecord(
            line,
            f"{found} fields, expected {expected} (line cut short?): no value for '{header[found]}'",
            column=header[found],
        )
    return BadRecord(line, f"{found} fields, expected {expected}: a ';' too many inside a value?", column=None)


def _read_quoted(text: str, header: list[str]) -> tuple[pd.DataFrame, np.ndarray, list[BadRecord]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITER, quotechar='"', strict=False)
    next(reader)  # header, already checked
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[BadRecord] = []
    start = reader.line_num + 1
    for record in reader:
        if record == [] or record == [""]:
            start = reader.line_num + 1
            continue
        if len(record) != len(header):
            bad.append(_field_count_problem(start, len(record), header))
        else:
            rows.append(record)
            lines.append(start)
        start = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=header, dtype="string") if rows else pd.DataFrame(columns=header, dtype="string")
    return frame, np.array(lines, dtype=np.int64), bad


def read_extract_file(path: Path, extract: Extract, data: bytes | None = None) -> ReadResult:
    """Read one delivered file. Raises FileRejected when it cannot be read at all."""
    file_name = path.name
    if data is None:
        data = path.read_bytes()
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise FileRejected(file_name, "the file is empty; deliver the extract with a header row and its rows")
    if b"\x00" in data[:65536]:
        raise FileRejected(file_name, "the file is binary, not CSV text (it contains NUL bytes)")
    encoding, text = detect_encoding(data, file_name)
    first_line = text.split("\n", 1)[0].rstrip("\r")
    raw_header = next(csv.reader([first_line], delimiter=DELIMITER, quotechar='"'))
    header, missing_optional, extra = _check_header(raw_header, extract, file_name)
    if '"' in text:
        frame, lines, bad = _read_quoted(text, header)
    else:
        frame, lines, bad = _read_unquoted(text, header, file_name)
    for c in missing_optional:
        frame[c] = pd.Series([""] * len(frame), dtype="string", index=frame.index)
    frame = frame[list(extract.column_names) + extra]
    return ReadResult(frame, lines, encoding, extra, missing_optional, bad)


_MONTH_RE = re.compile(r"^(?P<name>[a-z]+)_(?P<month>\d{4}-\d{2})\.csv$", re.IGNORECASE)


def parse_file_name(file_name: str) -> tuple[str, str] | None:
    """`telefoni_2024-03.csv` -> ('telefoni', '2024-03'); None if it does not follow the pattern."""
    m = _MONTH_RE.match(file_name)
    if not m:
        return None
    month = m.group("month")
    if not 1 <= int(month[5:]) <= 12:
        return None
    return m.group("name").lower(), month
