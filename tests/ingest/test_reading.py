"""Reading exactly as CONTRACTS.md section 2 says, one quirk per test.

A file is read as the loader reads it: staged (`staging.stage_file`), then
split into records and fields by the ingest SQL (`rules.ingest_sql`) in an
in-memory DuckDB.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pytest

from orchestration.ingest.reading import BadRecord, FileRejected
from orchestration.ingest.rules import ingest_sql, records_sql
from orchestration.ingest.schemas import LAKARE, LISTNING, TELEFONI
from orchestration.ingest.staging import stage_file
from orchestration.landing_names import parse_file_name
from tests.helpers import write_file


@dataclass
class Read:
    frame: dict[str, list]  # column -> values of the rows that could be read, in line order
    lines: list[int]
    encoding: str
    extra_columns: list[str]
    missing_optional: list[str]
    bad_records: list[BadRecord] = field(default_factory=list)

    @property
    def rows_read(self) -> int:
        return len(self.lines) + len(self.bad_records)


_READ_FAULTS = ("fields, expected", "cut off")


def read_extract_file(path, extract, month="2024-01") -> Read:
    staged = stage_file(path, extract, work_dir=path.parent)
    try:
        q = ingest_sql(extract, str(staged.path), staged.quoted, staged.header, month, staged.cut_line,
                       numbered=staged.numbered)
        con = duckdb.connect()
        con.execute(q.create)
        cols = ", ".join(f"r.c{i}" for i in range(len(staged.header)))
        records = records_sql(str(staged.path), staged.quoted, len(staged.header), staged.numbered)
        rows = con.execute(f"SELECT t.line, t.column_name, t.reason, {cols} FROM {q.table} t JOIN "
                           f"({records}) r USING (line) ORDER BY t.line").fetchall()
        con.close()
    finally:
        staged.discard()
    bad = list(staged.bad_records)
    good = []
    for line, column, reason, *values in rows:
        if reason is not None and any(w in reason for w in _READ_FAULTS):
            bad.append(BadRecord(line, reason, column))
        else:
            good.append((line, values))
    frame = {h: [v[i] for _, v in good] for i, h in enumerate(staged.header)}
    for c in staged.missing_optional:
        frame[c] = [None] * len(good)
    return Read(frame, [g[0] for g in good], staged.encoding, staged.extra_columns, staged.missing_optional,
                sorted(bad, key=lambda b: b.line))

TELEFONI_ROWS = """hsa_id;datum;inkommande_samtal;besvarade_samma_dag;enhetsnamn
SE2321000222-E001004;2024-01-11;64;18;Dragonen hälsocentral
SE2321000222-E001007;2024-01-14;35;34;Kåge/Morö backe hälsocentral"""


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings_keep_swedish_letters(tmp_path, encoding):
    path = write_file(tmp_path, "telefoni_2024-01.csv", TELEFONI_ROWS, encoding=encoding)
    r = read_extract_file(path, TELEFONI)
    assert r.encoding == encoding
    assert list(r.frame["enhetsnamn"]) == ["Dragonen hälsocentral", "Kåge/Morö backe hälsocentral"]
    assert list(r.frame["hsa_id"])[0] == "SE2321000222-E001004"  # no BOM glued to the first header
    assert r.extra_columns == ["enhetsnamn"]


def test_headers_any_case_any_order_trimmed(tmp_path):
    path = write_file(tmp_path, "lakare_2024-01.csv", """ TJANSTGORINGSGRAD ;Kategori;HSA_ID;lakare_hsa_id
0,8;specialist_allmanmedicin;SE2321000222-E001001;SE2321000222-P00001""")
    r = read_extract_file(path, LAKARE)
    assert {c: v[0] for c, v in r.frame.items()} == {
        "lakare_hsa_id": "SE2321000222-P00001", "hsa_id": "SE2321000222-E001001",
        "kategori": "specialist_allmanmedicin", "tjanstgoringsgrad": "0,8",
    }


def test_line_numbers_skip_blank_lines(tmp_path):
    path = write_file(tmp_path, "telefoni_2024-01.csv", """hsa_id;datum;inkommande_samtal;besvarade_samma_dag
A;2024-01-01;1;1

B;2024-01-02;2;2
C;2024-01-03;3;3""")
    r = read_extract_file(path, TELEFONI)
    assert list(r.frame["hsa_id"]) == ["A", "B", "C"]
    assert list(r.lines) == [2, 4, 5]


def test_lines_of_every_ending_keep_their_numbers_in_both_staged_forms(tmp_path):
    """Plain lines are numbered by DuckDB, a file holding the byte 0x1F by staging:
    the same records, lines and values either way (CRLF, lone CR, LF, blank lines)."""
    body = (b"hsa_id;datum;inkommande_samtal;besvarade_samma_dag\r\n\r\nA;2024-01-01;1;1\r\n"
            b"B;2024-01-02;2;2\rC;2024-01-03;3;3\n\n\nD;2024-01-04;4;4\r\n\r\n")
    plain = tmp_path / "plain" / "telefoni_2024-01.csv"
    marked = tmp_path / "marked" / "telefoni_2024-01.csv"
    for path, data in ((plain, body), (marked, body.replace(b"D;", b"D\x1fE;"))):
        path.parent.mkdir()
        path.write_bytes(data)
    staged = stage_file(plain, TELEFONI, work_dir=tmp_path)
    staged.discard()
    assert not staged.numbered
    a, b = read_extract_file(plain, TELEFONI), read_extract_file(marked, TELEFONI)
    assert a.lines == b.lines == [3, 4, 5, 8]
    assert a.frame["hsa_id"] == ["A", "B", "C", "D"]
    assert b.frame["hsa_id"] == ["A", "B", "C", "D\x1fE"]
    assert a.frame["besvarade_samma_dag"] == b.frame["besvarade_samma_dag"] == ["1", "2", "3", "4"]


def test_plain_lines_are_numbered_in_file_order_across_reader_buffers(tmp_path):
    """DuckDB reads a large file in parallel, in buffers of about 32 MB; the numbers it
    gives plain lines follow the file (about 80 MB here, each line naming its own number)."""
    path = tmp_path / "telefoni_2024-01.csv"
    with path.open("wb") as f:
        f.write(b"hsa_id;datum;inkommande_samtal;besvarade_samma_dag\n")
        for start in range(2, 3_000_002, 100_000):
            f.write(b"".join(b"L%d;2024-01-01;1;1%s\n" % (n, b" " * (n % 7)) for n in range(start, start + 100_000)))
    staged = stage_file(path, TELEFONI, work_dir=tmp_path)
    try:
        assert not staged.numbered
        con = duckdb.connect()
        wrong, rows = con.execute(
            f"SELECT count(*) FILTER (WHERE c0 <> 'L' || line), count(*) "
            f"FROM ({records_sql(str(staged.path), staged.quoted, 4, staged.numbered)})").fetchone()
        con.close()
    finally:
        staged.discard()
    assert (wrong, rows) == (0, 3_000_000)


def test_short_and_long_rows_are_set_aside_with_their_line(tmp_path):
    path = write_file(tmp_path, "telefoni_2024-01.csv", """hsa_id;datum;inkommande_samtal;besvarade_samma_dag
A;2024-01-01;1;1
B;2024-01-02;2
C;2024-01-03;3;3;9
D;2024-01-04;4;4
E;2024-01""")
    r = read_extract_file(path, TELEFONI)
    assert list(r.frame["hsa_id"]) == ["A", "D"]
    assert list(r.lines) == [2, 5]
    assert [(b.line, b.column) for b in r.bad_records] == [(3, "besvarade_samma_dag"), (4, None), (6, "inkommande_samtal")]
    assert r.rows_read == 5


def test_quoted_newline_keeps_physical_lines(tmp_path):
    path = write_file(tmp_path, "telefoni_2024-01.csv", """hsa_id;datum;inkommande_samtal;besvarade_samma_dag;kommentar
A;2024-01-01;1;1;"två
rader"
B;2024-01-02;2;2;"semi;kolon"
C;2024-01-03;3""")
    r = read_extract_file(path, TELEFONI)
    assert list(r.frame["hsa_id"]) == ["A", "B"]
    assert list(r.lines) == [2, 4]
    assert r.frame["kommentar"] == ["två\r\nrader", "semi;kolon"]
    assert [b.line for b in r.bad_records] == [5]


@pytest.mark.parametrize(
    "content, line, column, words",
    [
        ("hsa_id,datum,inkommande_samtal,besvarade_samma_dag\nA,2024-01-01,1,1", 1, None, "comma"),
        ("hsa_id;datum;inkommande_samtal\nA;2024-01-01;1", 1, "besvarade_samma_dag", "required column"),
        ("hsa_id;datum;hsa_id;inkommande_samtal;besvarade_samma_dag\nA;2024-01-01;A;1;1", 1, "hsa_id", "twice"),
        ("A;2024-01-01;1;1\nB;2024-01-02;2;2", 1, None, "header"),
        ("", None, None, "empty"),
    ],
)
def test_unreadable_files_are_rejected_with_file_line_column(tmp_path, content, line, column, words):
    path = tmp_path / "telefoni_2024-01.csv"
    path.write_text(content.replace("\n", "\r\n"))
    with pytest.raises(FileRejected) as e:
        read_extract_file(path, TELEFONI)
    assert e.value.file_name == "telefoni_2024-01.csv"
    assert e.value.line == line
    assert e.value.column == column
    assert words in str(e.value)
    assert str(e.value).startswith("telefoni_2024-01.csv")


def test_binary_file_is_rejected(tmp_path):
    path = tmp_path / "telefoni_2024-01.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary zip")
    with pytest.raises(FileRejected, match="binary"):
        read_extract_file(path, TELEFONI)


def test_undecodable_byte_is_located(tmp_path):
    path = tmp_path / "telefoni_2024-01.csv"
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8.
    path.write_bytes(b"hsa_id;datum;inkommande_samtal;besvarade_samma_dag\r\nA;2024-01-01;1;1\r\nB\x81;2024-01-02;2;2\r\n")
    with pytest.raises(FileRejected) as e:
        read_extract_file(path, TELEFONI)
    assert e.value.line == 3
    assert "character 2" in str(e.value)


def test_missing_optional_column_is_loaded_empty(tmp_path):
    path = write_file(tmp_path, "listning_2024-01.csv", """personnummer;hsa_id
196408233234;SE2321000222-E001001""")
    r = read_extract_file(path, LISTNING)
    assert "sarskilt_boende" in r.missing_optional
    assert r.frame["sarskilt_boende"] == [None]  # NULL, as an empty value is


@pytest.mark.parametrize(
    "name, expected",
    [("telefoni_2024-03.csv", ("telefoni", "2024-03")), ("Listning_2024-12.CSV", ("listning", "2024-12")),
     ("telefoni_2024-13.csv", None), ("telefoni_mars.csv", None), ("telefoni2024-03.csv", None)],
)
def test_file_name_carries_the_month(name, expected):
    assert parse_file_name(name) == expected
