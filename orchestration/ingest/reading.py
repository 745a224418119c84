"""Check one delivered file, block by block, and say exactly why it cannot be read.

CONTRACTS.md section 2: ';'-separated, UTF-8 with or without BOM or
Windows-1252, headers matched case-insensitively after trimming, any column
order, extra columns kept. Typing and row rules are not done here (see
`rules.py`); this module answers "can this file be read, in which encoding,
with which header", and reads the records of a file that holds quotes. The
file is never held whole in memory: it is read in blocks that end at a line
break (`BLOCK` bytes or one line, whichever is longer), so the memory of
reading does not grow with the size of the file. `staging.py` turns what is
learnt here into the file DuckDB reads.

A line ends at CRLF, LF or a lone CR (old Mac exports), everywhere: in the
line numbers of messages, in the staged file and in the quoted reader.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.schemas import Extract

DELIMITER = ";"
_OTHER_DELIMITERS = {",": "comma", "\t": "tab", "|": "pipe"}
BLOCK = 16 << 20  # bytes read at a time
# A byte no delivered text uses: DuckDB reads a staged file of plain lines with it as the
# delimiter, so that each line is one value (staging.py).
UNIT_SEPARATOR = b"\x1f"


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


def _undefined_in_cp1252(b: int) -> bool:
    try:
        bytes([b]).decode("cp1252")
        return False
    except UnicodeDecodeError:
        return True


BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What a file that is not CSV text usually starts with, to say what it is.
_MAGIC = ((b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?)"),
          (b"\xd0\xcf\x11\xe0", "an Office document (an Excel .xls workbook?)"),
          (b"\x1f\x8b", "a gzip archive"), (b"%PDF", "a PDF document"))
# å ä ö Å Ä Ö é as UTF-8 bytes: seen as Windows-1252 they read 'Ã¥', 'Ã¤' ...,
# which no Swedish text contains.
_UTF8_LETTERS = (b"\xc3\xa5", b"\xc3\xa4", b"\xc3\xb6", b"\xc3\x85", b"\xc3\x84", b"\xc3\x96", b"\xc3\xa9")
_BLANK = BOM + b" \t\r\n"
_UTF8_LEAD = b"\xc3"  # the first byte of every letter in _UTF8_LETTERS
# The bytes that are no character in Windows-1252 (Python's cp1252 codec fails on them).
_CP1252_UNDEFINED = tuple(bytes([b]) for b in range(256) if _undefined_in_cp1252(b))


def _blocks(path: Path, end: int | None = None) -> Iterator[tuple[int, bytes, bool]]:
    """(offset, bytes, last) of the file up to `end`, each block ending at a
    line break (a CR only when the next byte is known not to be LF), so no
    line and no character is ever split between two blocks."""
    offset, carry = 0, b""
    with open(path, "rb") as f:
        while True:
            want = BLOCK if end is None else min(BLOCK, end - offset - len(carry))
            block = f.read(want) if want > 0 else b""
            if not block:
                if carry:
                    yield offset, carry, True
                return
            buf = carry + block
            cut = max(buf.rfind(b"\n"), buf.rfind(b"\r", 0, len(buf) - 1))
            if cut < 0:
                carry = buf
                continue
            yield offset, buf[: cut + 1], False
            offset += cut + 1
            carry = buf[cut + 1:]


def _first_line(path: Path) -> bytes:
    with open(path, "rb") as f:
        head = f.read(1 << 20)
    return re.split(rb"\r\n|\r|\n", head, maxsplit=1)[0].removeprefix(BOM)


def _locate(path: Path, pos: int) -> tuple[int, int, str | None]:
    """(physical line, character in the line, header column) of byte `pos`,
    counted block by block. The column is the header field the byte falls in
    (None in the header itself or past the last)."""
    line, start, prev = 1, 0, b""
    with open(path, "rb") as f:
        offset = 0
        while offset < pos:
            block = f.read(min(BLOCK, pos - offset))
            if not block:
                break
            line += block.count(b"\n") + block.count(b"\r") - (prev + block).count(b"\r\n")
            last = max(block.rfind(b"\n"), block.rfind(b"\r"))
            if last >= 0:
                start = offset + last + 1
            prev = block[-1:]
            offset += len(block)
        column = None
        if line > 1:
            f.seek(start)
            field = f.read(pos - start).count(DELIMITER.encode())
            header = [normalise_header(h) for h in
                      _first_line(path).decode("utf-8", errors="replace").split(DELIMITER)]
            column = header[field] if field < len(header) else None
    return line, pos - start + 1, column


@dataclass
class Inspection:
    """What reading a file learnt: everything needed to stage it."""

    encoding: str  # utf-8 | utf-8-sig | cp1252
    end: int  # bytes of the file to read: less than its size when it ends inside a character
    cut_line: int | None  # that last, cut line
    quoted: bool
    header: list[str]
    missing_optional: list[str]
    extra_columns: list[str]
    unit_separator: bool = False  # the byte 0x1F occurs (staging then numbers the lines itself)


def _scan(path: Path, file_name: str) -> tuple[bool, bool]:
    """Not text at all, or empty: set aside. Returns whether a quote occurs and
    whether the byte 0x1F does. NUL is searched in the whole file: a NUL late in
    the file would otherwise end up in a value."""
    quoted, unit_separator, blank = False, False, True
    with open(path, "rb") as f:
        first = True
        offset = 0
        while block := f.read(BLOCK):
            if first:
                first = False
                if block.startswith(_UTF16_BOMS):
                    raise FileRejected(file_name, "the file is UTF-16 text; deliver it as UTF-8 or Windows-1252",
                                       line=1)
                what = next((w for magic, w in _MAGIC if block.startswith(magic)), None)
                if what is not None:
                    raise FileRejected(file_name, f"the file is binary, not CSV text: it is {what}; "
                                       "export the extract as ';'-separated CSV", line=1)
            nul = block.find(b"\x00")
            if nul >= 0:
                line, char, column = _locate(path, offset + nul)
                raise FileRejected(file_name, f"the file is binary, not CSV text (a NUL byte at character {char})",
                                   line=line, column=column)
            quoted = quoted or b'"' in block
            unit_separator = unit_separator or UNIT_SEPARATOR in block
            blank = blank and not block.translate(None, _BLANK)
            offset += len(block)
    if blank:
        raise FileRejected(file_name, "the file is empty; deliver the extract with a header row and its rows")
    return quoted, unit_separator


def _encoding(path: Path, file_name: str) -> tuple[str, int, int | None]:
    """(encoding, bytes to read, line cut short or None), block by block.

    UTF-8 first: a cp1252 file is almost never valid UTF-8 once it holds å, ä
    or ö, while the reverse is not true. Two failures of UTF-8 are not cp1252:
    - valid UTF-8 letters before the first invalid byte (or UTF-8 letters in a
      file that otherwise reads as cp1252): two encodings mixed in one file;
      either way half the letters would be silently garbled, so it is set aside;
    - the file ends inside a UTF-8 character: it was cut off (truncated
      delivery). It is read as UTF-8 up to there; the cut line is set aside.
    Blocks end at line breaks, so a character is never split between two."""
    size = path.stat().st_size
    bom, utf8_seen, mode = False, False, "utf-8"
    for offset, piece, last in _blocks(path):
        if offset == 0 and piece.startswith(BOM):
            bom, piece, offset = True, piece[len(BOM):], len(BOM)
        if mode == "utf-8":
            try:
                piece.decode("utf-8")  # validates; the text itself is not needed
                utf8_seen = utf8_seen or not piece.isascii()
                continue
            except UnicodeDecodeError as e:
                err = e
            before = bom or utf8_seen or not piece[: err.start].isascii()
            if last and err.end == len(piece) and err.reason == "unexpected end of data" and before:
                return ("utf-8-sig" if bom else "utf-8"), offset + err.start, _locate(path, offset + err.start)[0]
            if before:
                raise _decode_error(path, piece, offset, err.start, file_name,
                                    "UTF-8 (the lines before are UTF-8: two encodings mixed in one file?)")
            mode = "cp1252"  # everything before was ASCII: the same in both encodings
        # Searching for the five bytes Windows-1252 leaves undefined, and for the lead byte of the
        # UTF-8 letters, is a tenth of decoding the block or searching each letter (national listing:
        # 10.3 s -> 1.3 s); the exact position is only looked for where one is found.
        if any(b in piece for b in _CP1252_UNDEFINED):
            try:
                piece.decode("cp1252")
            except UnicodeDecodeError as e:
                raise _decode_error(path, piece, offset, e.start, file_name, "UTF-8 or Windows-1252") from None
        mixed = [p for p in (piece.find(s) for s in _UTF8_LETTERS) if p >= 0] if _UTF8_LEAD in piece else []
        if mixed:
            line, char, column = _locate(path, offset + min(mixed))
            raise FileRejected(
                file_name,
                f"character {char} is a UTF-8 letter in a file that is otherwise Windows-1252 (two encodings mixed "
                "in one file?); deliver the whole file in one encoding",
                line=line, column=column)
    if mode == "cp1252":
        return "cp1252", size, None
    return ("utf-8-sig" if bom else "utf-8"), size, None


def _decode_error(path: Path, piece: bytes, offset: int, at: int, file_name: str, expected: str) -> FileRejected:
    line, char, column = _locate(path, offset + at)
    return FileRejected(
        file_name,
        f"byte 0x{piece[at]:02x} at character {char} cannot be read as {expected}; "
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


def inspect_file(path: Path, extract: Extract) -> Inspection:
    """Check one delivered file. Raises FileRejected when it cannot be read at all."""
    file_name = path.name
    quoted, unit_separator = _scan(path, file_name)
    encoding, end, cut_line = _encoding(path, file_name)
    first = _first_line(path).decode("cp1252" if encoding == "cp1252" else "utf-8", errors="replace")
    raw_header = next(csv.reader([first], delimiter=DELIMITER, quotechar='"'))
    header, missing_optional, extra = _check_header(raw_header, extract, file_name)
    return Inspection(encoding, end, cut_line, quoted, header, missing_optional, extra, unit_separator)


def iter_pieces(path: Path, info: Inspection) -> Iterator[bytes]:
    """The file as UTF-8 without BOM, in blocks that end at a line break."""
    for offset, piece, _ in _blocks(path, info.end):
        if offset == 0 and piece.startswith(BOM):
            piece = piece[len(BOM):]
        yield piece.decode("cp1252").encode("utf-8") if info.encoding == "cp1252" else piece


def _physical_lines(path: Path, info: Inspection, skip: int) -> Iterator[str]:
    """Physical lines with their ends, from line `skip` + 1 on (universal newlines)."""
    seen = 0
    for piece in iter_pieces(path, info):
        for line in io.StringIO(piece.decode("utf-8"), newline="").readlines():
            seen += 1
            if seen > skip:
                yield line


def field_count_problem(line: int, found: int, header: list[str], end_line: int | None = None) -> BadRecord:
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


class _Tracked:
    """Lines handed to the csv reader, remembering the first line of the record being read."""

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.first: str | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self.lines)
        if self.first is None:
            self.first = line
        return line


def read_quoted_records(path: Path, info: Inspection, header: list[str], bad: list[BadRecord]
                        ) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) of each well-formed record of a file with quotes.

    Python's csv module in strict mode, so that a malformed quote is found,
    not silently glued: non-strict, a quote opened and never closed swallows
    every line after it into one value, and those rows are lost without a word.
    A strict error sets that record aside (appended to `bad`) and reading goes
    on with the next line; a quote still open at the end of the file sets aside
    only the line that opened it, and the lines after it are read again on
    their own (from the file: nothing is held but the record being read)."""
    pos = 1  # physical lines consumed (the header, already checked)
    while True:
        tracked = _Tracked(_physical_lines(path, info, pos))
        reader = csv.reader(tracked, delimiter=DELIMITER, quotechar='"', strict=True)
        base, start, restart = pos, pos + 1, None
        while True:
            tracked.first = None
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as e:
                opened = tracked.first or ""
                if "unexpected end of data" in str(e):
                    bad.append(BadRecord(
                        start, "a quote opened in this line is never closed (line cut short, or a stray '\"'?); "
                        "the lines after it were read on their own", column=_quote_column(opened.rstrip("\r\n"),
                                                                                          header)))
                    restart = start
                    break
                end = base + reader.line_num
                span = f" (lines {start} to {end})" if end > start else ""
                bad.append(BadRecord(
                    start, f"a quoted value is followed by more text before the ';'{span}; "
                    "a quote inside a value must be doubled (\"\")", column=_quote_column(opened, header)))
                start = end + 1
                continue
            end = base + reader.line_num
            if record == [] or record == [""]:
                start = end + 1
                continue
            if len(record) != len(header):
                bad.append(field_count_problem(start, len(record), header, end_line=end))
            else:
                yield start, record
            start = end + 1
        if restart is None:
            return
        pos = restart

