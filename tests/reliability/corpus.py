"""The broken-input corpus (issue 9): each case is data, its expected outcome worked out by hand.

A case is a file as a source system could deliver it (folder, file name, the
bytes, written by a small function), and what CONTRACTS.md section 2 says must
happen to it:

- ``file_aside``: the file is set aside whole (unreadable, or a name the
  pipeline cannot place); then ``file_line`` / ``file_column`` are the line and
  column the message must name where one exists, and ``word`` a word of it;
- otherwise ``loaded_lines`` are the physical lines (header = 1) that must be
  in raw.<extract>, and ``aside`` the rows set aside: (line, column, a word of
  the reason);
- ``sql``: further facts about the loaded rows, for the cases that are *not*
  errors by contract (unknown HSA-id or kommunkod, invalid personnummer: kept
  and flagged), as (query on ``{table}``, expected rows).

Line and column numbers below are counted by hand from the text of each case
(header = line 1); comments give the arithmetic where it is not obvious.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HSA = "SE2321000222-E001001"  # in the unit registry
HSA2 = "SE2321000222-E001002"
HSA_UNKNOWN = "SE2321000222-E999999"  # not in the registry

TEL = "hsa_id;datum;inkommande_samtal;besvarade_samma_dag"
BED = "kontakt_id;hsa_id;personnummer;kontaktdatum;bedomningsdatum;yrkesgrupp;avvikelse"
LIS = "personnummer;hsa_id;listningsdatum;kommunkod;fast_lakarkontakt;fast_vardkontakt;sarskilt_boende"
UPP = "uppdrag_id;personnummer;larmtid;prioritet;kommunkod;utfall;retts"
INB = "personnummer;hsa_id;inbjudningsdatum;malgrupp"
BES = "besok_id;personnummer;hsa_id;besoksdatum;yrkesgrupp;personal_hsa_id;kontakttyp"
LAK_1 = "SE2321000222-P0001"  # a physician's HSA-id

# Valid (Luhn checked by hand in tests/ingest/test_identity.py): 6408233234 sums to 40,
# 6408833231 (samordningsnummer, day 83) to 40, 1212121212 to 20.
PNR_A, PNR_B, PNR_C = "19640823-3234", "196408833231", "191212121212"
PNR_BAD_CHECK = "19640823-3235"  # check digit 5: the sum is 41
PNR_BAD_DATE = "19641332-1234"  # month 13
RESERVNUMMER = "19640823-R001"
# Every form in which a personnummer of the corpus could leak into raw.
NEEDLES = [
    "19640823-3234", "196408233234", "640823-3234", "6408233234",
    "196408833231", "640883-3231", "6408833231",
    "191212121212", "1212121212",
    "19640823-3235", "196408233235", "19641332-1234", "196413321234", "19640823-R001", "640823-R001",
    "6407023040",  # a file name (case personnummer_as_file_name)
]

BIG_ROWS = 2_600_000  # ~100 MB of telefoni rows (about 39 bytes each with CRLF)


@dataclass(frozen=True)
class Aside:
    line: int
    column: str | None
    word: str


@dataclass(frozen=True)
class Case:
    name: str
    folder: str
    file_name: str
    write: Callable[[Path], None]
    file_aside: bool = False
    file_line: int | None = None
    file_column: str | None = None
    word: str = ""
    loaded_lines: tuple[int, ...] = ()
    aside: tuple[Aside, ...] = ()
    sql: tuple[tuple[str, list[tuple]], ...] = ()
    # Through the landing scan (a name the pipeline cannot place) instead of load_file.
    via_landing: bool = False
    big: bool = False

    @property
    def shown_name(self) -> str:
        """The file name as the pipeline may write it: masked (orchestration.masking)."""
        from orchestration.masking import mask
        return mask(self.file_name)

    @property
    def rows_read(self) -> int:
        return len(self.loaded_lines) + len(self.aside)


def text(lines: list[str], encoding: str = "utf-8", newline: str = "\r\n", final_newline: bool = True
         ) -> Callable[[Path], None]:
    body = newline.join(lines) + (newline if final_newline else "")
    return raw(body.encode(encoding))


def raw(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)
    write.data = data  # type: ignore[attr-defined]
    return write


def write_big(path: Path) -> None:
    """BIG_ROWS telefoni rows written in blocks (never one string of 100 MB), then
    a negative count on line BIG_ROWS + 2 and a last line (BIG_ROWS + 3) cut short.

    Row r (0-based) goes on line r + 2; it is E{r % 100000:06d}, day 1 + r % 28,
    inkommande 50 + r % 97 and besvarade r % 50, so besvarade <= inkommande always."""
    block_rows = 100_000
    block = "".join(
        f"SE2321000222-E{r:06d};2024-01-{1 + r % 28:02d};{50 + r % 97};{r % 50}\r\n" for r in range(block_rows)
    ).encode()
    with open(path, "wb") as f:
        f.write((TEL + "\r\n").encode())
        for _ in range(BIG_ROWS // block_rows):
            f.write(block)
        # line BIG_ROWS + 2: a negative count; line BIG_ROWS + 3: cut short, no final newline
        f.write(f"{HSA};2024-01-05;-3;0\r\n{HSA};2024-01-0".encode())


def _in_month(month: str, n: int) -> list[str]:
    return [f"{HSA};{month}-{d:02d};{10 + d};{d}" for d in range(1, n + 1)]


CASES: list[Case] = [
    # --- files that cannot be read at all: set aside whole, line/column named where one exists -----
    Case("wrong_delimiter_comma", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL.replace(";", ","), f"{HSA},2024-01-01,10,9"]),
         file_aside=True, file_line=1, word="comma"),
    Case("wrong_delimiter_tab", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL.replace(";", "\t"), f"{HSA}\t2024-01-01\t10\t9"]),
         file_aside=True, file_line=1, word="tab"),
    Case("wrong_encoding_utf16", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-01;10;9"], encoding="utf-16"),
         file_aside=True, file_line=1, word="UTF-16"),
    # 0x81 is undefined in Windows-1252 and invalid in UTF-8: line 3, character 2 ('B' is 1), field 1 = hsa_id.
    Case("undecodable_byte", "vardgaranti", "telefoni_2024-01.csv",
         raw(f"{TEL}\r\n{HSA};2024-01-01;10;9\r\n".encode() + b"B\x81;2024-01-02;2;2\r\n"),
         file_aside=True, file_line=3, file_column="hsa_id", word="character 2"),
    # UTF-8 'Umeå' on line 2, then a Windows-1252 'å' on line 3. Line 3 is
    # HSA (20 chars) ';' (21) date (22-31) ';' (32) '2' ';' '2' ';' (33-36) 'K' (37) 'å' (38): field 5.
    Case("mixed_encoding_utf8_then_cp1252", "vardgaranti", "telefoni_2024-01.csv",
         raw(f"{TEL};enhetsnamn\r\n{HSA};2024-01-01;10;9;Umeå\r\n".encode()
             + f"{HSA};2024-01-02;2;2;Kåge\r\n".encode("cp1252")),
         file_aside=True, file_line=3, file_column="enhetsnamn", word="character 38"),
    # The other way round: the file reads as Windows-1252, but line 3 holds UTF-8 'å' (C3 A5) at character 38.
    Case("mixed_encoding_cp1252_then_utf8", "vardgaranti", "telefoni_2024-01.csv",
         raw(f"{TEL};enhetsnamn\r\n{HSA};2024-01-01;10;9;Umeå\r\n".encode("cp1252")
             + f"{HSA};2024-01-02;2;2;Kåge\r\n".encode()),
         file_aside=True, file_line=3, file_column="enhetsnamn", word="two encodings"),
    Case("no_header", "vardgaranti", "telefoni_2024-01.csv",
         text([f"{HSA};2024-01-01;10;9", f"{HSA};2024-01-02;8;8"]),
         file_aside=True, file_line=1, word="header"),
    Case("missing_required_column", "vardgaranti", "telefoni_2024-01.csv",
         text(["hsa_id;datum;inkommande_samtal", f"{HSA};2024-01-01;10"]),
         file_aside=True, file_line=1, file_column="besvarade_samma_dag", word="required column"),
    Case("missing_personnummer_column", "listning", "listning_2024-01.csv",
         text(["hsa_id;listningsdatum;kommunkod", f"{HSA};2019-05-01;2480"]),
         file_aside=True, file_line=1, file_column="personnummer", word="required column"),
    # 'HSA_ID ' and 'hsa_id' are one name after trimming and lower-casing.
    Case("duplicate_header", "vardgaranti", "telefoni_2024-01.csv",
         text(["HSA_ID ;datum;inkommande_samtal;besvarade_samma_dag;hsa_id", f"{HSA};2024-01-01;10;9;{HSA}"]),
         file_aside=True, file_line=1, file_column="hsa_id", word="twice"),
    Case("empty_file", "vardgaranti", "telefoni_2024-01.csv", raw(b""),
         file_aside=True, word="empty"),
    Case("only_blank_lines", "vardgaranti", "telefoni_2024-01.csv", raw(b"\xef\xbb\xbf\r\n  \r\n\r\n"),
         file_aside=True, word="empty"),
    # NUL inside the date of line 3: 'B' (1) ';' (2) '2024-01' (3-9), NUL is character 10, field 2 = datum.
    Case("binary_nul_byte", "vardgaranti", "telefoni_2024-01.csv",
         raw(f"{TEL}\r\n{HSA};2024-01-01;10;9\r\n".encode() + b"B;2024-01\x00-02;2;2\r\n"),
         file_aside=True, file_line=3, file_column="datum", word="binary"),
    Case("binary_excel_workbook", "listning", "listning_2024-01.csv",
         raw(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml"),
         file_aside=True, file_line=1, word="Excel"),

    # --- readable files: what can load loads, broken rows are set aside with line and column ------
    Case("only_header", "vardgaranti", "telefoni_2024-01.csv", text([TEL]),
         word="no data rows"),
    # Lines 2 and 3 complete; line 4 has 3 of 4 fields and no final newline.
    Case("truncated_last_line", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, *_in_month("2024-01", 2), f"{HSA};2024-01-03;7"], final_newline=False),
         loaded_lines=(2, 3), aside=(Aside(4, "besvarade_samma_dag", "cut short"),)),
    # The file is cut inside the two bytes of 'å' on line 4: its last value cannot be trusted,
    # though the field count fits; line 2's 'Umeå' must stay UTF-8 (not read as Windows-1252).
    Case("truncated_inside_a_character", "vardgaranti", "telefoni_2024-01.csv",
         raw(f"{TEL};enhetsnamn\r\n{HSA};2024-01-01;10;9;Umeå\r\n{HSA};2024-01-02;8;8;Vindeln\r\n"
             f"{HSA};2024-01-03;7;7;Kå".encode()[:-1]),
         loaded_lines=(2, 3), aside=(Aside(4, "enhetsnamn", "cut off"),),
         sql=(("SELECT _source_line, json_extract_string(_extra, '$.enhetsnamn') FROM {table} ORDER BY 1",
               [(2, "Umeå"), (3, "Vindeln")]),)),
    # A quoted newline: the record of line 2 runs over line 3; line 4 is the next record.
    Case("quoted_newline", "vardgaranti", "telefoni_2024-01.csv",
         text([f"{TEL};kommentar", f'{HSA};2024-01-01;10;9;"två', 'rader; och semikolon"',
               f"{HSA};2024-01-02;8;8;en rad"]),
         loaded_lines=(2, 4),
         sql=(("SELECT _source_line, json_extract_string(_extra, '$.kommentar') LIKE 'två%semikolon' "
               "FROM {table} ORDER BY 1", [(2, True), (4, False)]),)),
    # A quote opened on line 2 and never closed: non-strict CSV would swallow lines 3 and 4 into it.
    Case("unclosed_quote", "vardgaranti", "telefoni_2024-01.csv",
         text([f"{TEL};kommentar", f'{HSA};2024-01-01;10;9;"skärm 24', f"{HSA};2024-01-02;8;8;ok",
               f"{HSA};2024-01-03;7;7;ok"]),
         loaded_lines=(3, 4), aside=(Aside(2, "kommentar", "never closed"),)),
    Case("too_many_fields", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-01;10;9", f"{HSA};2024-01-02;8;8;extra", f"{HSA};2024-01-03;7;7"]),
         loaded_lines=(2, 4), aside=(Aside(3, None, "5 fields, expected 4"),)),
    # Old Mac line ends (a lone CR) are line ends: 3 rows on lines 2-4.
    Case("carriage_return_line_ends", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, *_in_month("2024-01", 3)], newline="\r"),
         loaded_lines=(2, 3, 4)),
    # A lone CR inside a comment of line 2 ends that line (as pyarrow reads it): 'x' completes
    # line 2, 'y' (line 3) is one field; line 4 keeps its number.
    Case("stray_carriage_return", "vardgaranti", "telefoni_2024-01.csv",
         raw(f"{TEL};kommentar\r\n{HSA};2024-01-01;10;9;x\ry\r\n{HSA};2024-01-02;8;8;z\r\n".encode()),
         loaded_lines=(2, 4), aside=(Aside(3, "datum", "1 fields"),)),
    # A form feed inside a value is not a line end (str.splitlines would say it is).
    Case("form_feed_in_value", "vardgaranti", "telefoni_2024-01.csv",
         raw(f"{TEL};kommentar\r\n{HSA};2024-01-01;10;9;a\x0cb\r\n{HSA};2024-01-02;8\r\n".encode()),
         loaded_lines=(2,), aside=(Aside(3, "besvarade_samma_dag", "3 fields"),)),
    # One line of 3 MB (longer than pyarrow's 1 MB block) loads.
    Case("very_long_line", "vardgaranti", "telefoni_2024-01.csv",
         text([f"{TEL};kommentar", f"{HSA};2024-01-01;10;9;{'x' * 3_000_000}", f"{HSA};2024-01-02;8;8;kort"]),
         loaded_lines=(2, 3)),
    Case("wrong_types", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-01;10;9", f"{HSA};2024-01-02;tio;9", f"{HSA};2024-01-03;5,5;1",
               f"{HSA};2024/01/04;5;1"]),
         loaded_lines=(2,), aside=(Aside(3, "inkommande_samtal", "not an integer"),
                                   Aside(4, "inkommande_samtal", "not an integer"),
                                   Aside(5, "datum", "not a valid date"))),
    Case("negative_counts", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-01;10;9", f"{HSA};2024-01-02;-1;0", f"{HSA};2024-01-03;4;-2"]),
         loaded_lines=(2,), aside=(Aside(3, "inkommande_samtal", "below 0"),
                                   Aside(4, "besvarade_samma_dag", "below 0"))),
    # A count the INTEGER column of raw cannot hold (issue 16): set aside like any other bad
    # value, never a crash of the load. INTEGER holds -2147483648 .. 2147483647 (2^31 - 1), so
    # line 4 (exactly 2^31 - 1) loads and line 5 (2^31) does not; 1 000 000 000 000 on line 3
    # is far above. besvarade (5, 0, 0) is below inkommande on every line, so no other rule fires.
    Case("integer_out_of_range", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-01;10;9", f"{HSA};2024-01-02;1000000000000;5", f"{HSA};2024-01-03;2147483647;0",
               f"{HSA};2024-01-04;2147483648;0"]),
         loaded_lines=(2, 4), aside=(Aside(3, "inkommande_samtal", "out of range"),
                                     Aside(5, "inkommande_samtal", "out of range")),
         sql=(("SELECT _source_line, inkommande_samtal FROM {table} ORDER BY 1", [(2, 10), (4, 2147483647)]),)),
    Case("answered_above_incoming", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-01;10;10", f"{HSA};2024-01-02;5;6"]),
         loaded_lines=(2,), aside=(Aside(3, "besvarade_samma_dag", "greater than inkommande_samtal"),)),
    Case("dates_outside_the_month", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-31;10;9", f"{HSA};2024-02-01;8;8", f"{HSA};20231231;7;7"]),
         loaded_lines=(2,), aside=(Aside(3, "datum", "outside the reporting month 2024-01"),
                                   Aside(4, "datum", "outside the reporting month 2024-01"))),
    # 2024 is a leap year: 29 February loads, 30 February (both forms) does not.
    Case("impossible_dates", "vardgaranti", "telefoni_2024-02.csv",
         text([TEL, f"{HSA};2024-02-30;10;9", f"{HSA};20240230;8;8", f"{HSA};2024-02-29;7;7"]),
         loaded_lines=(4,), aside=(Aside(2, "datum", "not a valid date"), Aside(3, "datum", "not a valid date"))),
    Case("impossible_timestamps", "ambulans", "uppdrag_2024-01.csv",
         text([UPP, f"U1;{PNR_A};2024-01-15 10:00;1;2480;akutmottagning;rod",
               f"U2;{PNR_A};2024-01-15 25:00;1;2480;akutmottagning;rod",
               f"U3;{PNR_A};2024-01-32 10:00;2;2480;ej_transport;"]),
         loaded_lines=(2,), aside=(Aside(3, "larmtid", "not a valid timestamp"),
                                   Aside(4, "larmtid", "not a valid timestamp"))),
    Case("future_date", "vardgaranti", "bedomning_2024-01.csv",
         text([BED, f"K1;{HSA};{PNR_A};2024-01-10;2024-01-11;XS915;", f"K2;{HSA};{PNR_B};2024-01-10;2099-01-05;XS915;"]),
         loaded_lines=(2,), aside=(Aside(3, "bedomningsdatum", "future"),)),
    Case("assessment_before_contact", "vardgaranti", "bedomning_2024-01.csv",
         text([BED, f"K1;{HSA};{PNR_A};2024-01-10;2024-01-10;XS915;", f"K2;{HSA};{PNR_B};2024-01-10;2024-01-09;XS919;"]),
         loaded_lines=(2,), aside=(Aside(3, "bedomningsdatum", "before kontaktdatum"),)),
    # The first occurrence loads; the repeat names the line of the first.
    Case("duplicate_keys", "ambulans", "uppdrag_2024-01.csv",
         text([UPP, f"U1;{PNR_A};2024-01-15 10:00;1;2480;akutmottagning;rod",
               f"U2;{PNR_B};2024-01-16 11:00;3;2480;ej_transport;gul",
               f"U1;{PNR_C};2024-01-17 12:00;2;2403;akutmottagning;orange"]),
         loaded_lines=(2, 3), aside=(Aside(4, "uppdrag_id", "first given on line 2"),)),
    Case("kommunkod_not_four_digits", "listning", "listning_2024-01.csv",
         text([LIS, f"{PNR_A};{HSA};2019-05-01;2480;;;N", f"{PNR_B};{HSA};2019-05-01;248;;;N"]),
         loaded_lines=(2,), aside=(Aside(3, "kommunkod", "4-digit kommunkod"),)),
    # Columns swapped on line 3: a personnummer where the HSA-id belongs. Set aside, masked:
    # stored, it would sit in clear in raw.
    Case("personnummer_in_the_hsa_column", "vhu", "inbjudan_2024-01.csv",
         text([INB, f"{PNR_A};{HSA};2024-01-10;40", f"{HSA};{PNR_B};2024-01-10;50"]),
         loaded_lines=(2,), aside=(Aside(3, "hsa_id", "looks like a personnummer"),)),

    # --- not errors by contract: kept and flagged ------------------------------------------------
    Case("unknown_hsa_id", "vardgaranti", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-01;10;9", f"{HSA_UNKNOWN};2024-01-01;4;4"]),
         loaded_lines=(2, 3),
         sql=(("SELECT _source_line, hsa_id FROM {table} ORDER BY 1", [(2, HSA), (3, HSA_UNKNOWN)]),)),
    Case("unknown_kommunkod", "ambulans", "uppdrag_2024-01.csv",
         text([UPP, f"U1;{PNR_A};2024-01-15 10:00;1;9999;akutmottagning;rod"]),
         loaded_lines=(2,),
         sql=(("SELECT kommunkod, person_id_class FROM {table}", [("9999", "personnummer")]),)),
    # Bad check digit, impossible date, blank, a reservnummer: unidentified persons, kept and
    # counted, no pseudonym; the valid ones get theirs (samordningsnummer a class of its own).
    Case("invalid_personnummer", "listning", "listning_2024-01.csv",
         text([LIS, f"{PNR_BAD_CHECK};{HSA};2019-05-01;2480;;;N", f"{PNR_BAD_DATE};{HSA};2019-05-01;2480;;;N",
               f";{HSA};2019-05-01;2480;;;N", f"{PNR_A};{HSA};2019-05-01;2480;;;N",
               f"{PNR_B};{HSA2};2019-05-01;2403;;;J"]),
         loaded_lines=(2, 3, 4, 5, 6),
         sql=(("SELECT _source_line, person_id IS NULL, person_id_class FROM {table} ORDER BY 1",
               [(2, True, "unidentified"), (3, True, "unidentified"), (4, True, "unidentified"),
                (5, False, "personnummer"), (6, False, "samordningsnummer")]),)),
    Case("reservnummer", "ambulans", "uppdrag_2024-01.csv",
         text([UPP, f"U1;{RESERVNUMMER};2024-01-15 10:00;1;2480;akutmottagning;rod",
               f"U2;{PNR_C};2024-01-16 10:00;2;2480;ej_transport;"]),
         loaded_lines=(2, 3),
         sql=(("SELECT uppdrag_id, person_id IS NULL, person_id_class, birth_year FROM {table} ORDER BY 1",
               [("U1", True, "unidentified", None), ("U2", False, "personnummer", 1912)]),)),

    # --- names the pipeline cannot place: archived and logged through the landing scan -----------
    Case("file_name_without_month", "listning", "listning_mars.csv",
         text([LIS, f"{PNR_A};{HSA};2019-05-01;2480;;;N"]),
         file_aside=True, via_landing=True, word="does not carry a reporting month"),
    Case("month_not_yet_valid", "vhu", "inbjudan_2099-01.csv",
         text([INB, f"{PNR_A};{HSA};2099-01-10;40"]),
         file_aside=True, via_landing=True, word="not complete yet"),
    Case("month_before_the_first", "vardgaranti", "telefoni_2022-12.csv",
         text([TEL, f"{HSA};2022-12-01;10;9"]),
         file_aside=True, via_landing=True, word="before the first month"),
    Case("extract_in_the_wrong_folder", "listning", "telefoni_2024-01.csv",
         text([TEL, f"{HSA};2024-01-01;10;9"]),
         file_aside=True, via_landing=True, word="no extract 'telefoni'"),

    # --- issue 16: names and local times a hostile sender can deliver -----------------------------
    # A name that matches but for letter case (files named on Windows) is a delivery like any other.
    Case("name_differs_in_letter_case", "vhu", "Undersokning_2024-02.csv",
         text(["personnummer;hsa_id;undersokningsdatum;malgrupp", f"{PNR_A};{HSA};2024-02-05;60"]),
         loaded_lines=(2,)),
    # A personnummer as the file name (640702-3040: Luhn sum 30): set aside by the landing scan,
    # and logged, archived and reported under the masked name only.
    Case("personnummer_as_file_name", "vhu", "6407023040.csv",
         text([INB, f"{PNR_A};{HSA};2024-01-10;40"]),
         file_aside=True, via_landing=True, word="<personnummer>.csv: the file name does not carry"),
    # 2024-03-31 02:30 does not exist in Swedish local time (02:00 -> 03:00), 2024-10-27 02:30
    # occurs twice (03:00 -> 02:00). Kept as delivered; DQ_TID_SOMMARTID (dbt) counts them.
    Case("local_time_that_does_not_exist", "ambulans", "uppdrag_2024-03.csv",
         text([UPP, f"U1;{PNR_A};2024-03-31 02:30;1;2480;akutmottagning;rod",
               f"U2;{PNR_B};2024-03-31 03:10;2;2480;ej_transport;"]),
         loaded_lines=(2, 3),
         sql=(("SELECT uppdrag_id, larmtid::VARCHAR FROM {table} ORDER BY 1",
               [("U1", "2024-03-31 02:30:00"), ("U2", "2024-03-31 03:10:00")]),)),
    Case("local_time_that_occurs_twice", "ambulans", "uppdrag_2024-10.csv",
         text([UPP, f"U1;{PNR_A};2024-10-27 02:30;1;2480;akutmottagning;rod"]),
         loaded_lines=(2,),
         sql=(("SELECT larmtid::VARCHAR FROM {table}", [("2024-10-27 02:30:00",)]),)),

    # --- besok (issue 18): the fifth extract follows the same rules -----------------------------
    # Line 2 loads; line 3 has a kontakttyp outside the contract ('sms'); line 4 a yrkesgrupp that is
    # no SKR code; line 5 repeats besok_id B1 of line 2; line 6 lies in February.
    Case("besok_broken_rows", "besok", "besok_2024-01.csv",
         text([BES, f"B1;{PNR_A};{HSA};2024-01-10;XS915;{LAK_1};mottagning",
               f"B2;{PNR_A};{HSA};2024-01-11;XS915;{LAK_1};sms",
               f"B3;{PNR_B};{HSA};2024-01-12;LAKARE;{LAK_1};hembesok",
               f"B1;{PNR_C};{HSA};2024-01-13;XS919;;telefon",
               f"B4;{PNR_C};{HSA};2024-02-01;XS919;;telefon"]),
         loaded_lines=(2,), aside=(Aside(3, "kontakttyp", "not one of"), Aside(4, "yrkesgrupp", "SKR code"),
                                   Aside(5, "besok_id", "first given on line 2"),
                                   Aside(6, "besoksdatum", "outside the reporting month 2024-01"))),
    # The practitioner column shifted onto a personnummer on line 3: set aside, masked. An empty
    # personal_hsa_id (line 4: the unit's extract lacks it) and a blank personnummer (line 5, an
    # unidentified patient) are no breaks: kept, the one NULL, the other without a pseudonym.
    Case("besok_personnummer_as_practitioner", "besok", "besok_2024-01.csv",
         text([BES, f"B1;{PNR_A};{HSA};2024-01-10;XS915;{LAK_1};mottagning",
               f"B2;{PNR_B};{HSA};2024-01-10;XS915;{PNR_B};mottagning",
               f"B3;{PNR_B};{HSA};2024-01-11;XS915;;hembesok",
               f"B4;;{HSA};20240112;XS919;;digitalt"]),
         loaded_lines=(2, 4, 5), aside=(Aside(3, "personal_hsa_id", "looks like a personnummer"),),
         sql=(("SELECT besok_id, personal_hsa_id, person_id IS NULL, kontakttyp, besoksdatum::VARCHAR "
               "FROM {table} ORDER BY 1",
               [("B1", LAK_1, False, "mottagning", "2024-01-10"), ("B3", None, False, "hembesok", "2024-01-11"),
                ("B4", None, True, "digitalt", "2024-01-12")]),)),
    Case("besok_missing_hsa_id_column", "besok", "besok_2024-01.csv",
         text(["besok_id;personnummer;besoksdatum;yrkesgrupp;personal_hsa_id;kontakttyp",
               f"B1;{PNR_A};2024-01-10;XS915;{LAK_1};mottagning"]),
         file_aside=True, file_line=1, file_column="hsa_id", word="required column"),
    Case("besok_in_the_wrong_folder", "listning", "besok_2024-01.csv",
         text([BES, f"B1;{PNR_A};{HSA};2024-01-10;XS915;{LAK_1};mottagning"]),
         file_aside=True, via_landing=True, word="no extract 'besok'"),

    # --- a 100 MB file, generated at test time --------------------------------------------------
    Case("hundred_megabytes", "vardgaranti", "telefoni_2024-01.csv", write_big, big=True,
         loaded_lines=(),  # lines 2 .. BIG_ROWS + 1, checked by count and range (see test)
         aside=(Aside(BIG_ROWS + 2, "inkommande_samtal", "below 0"),
                # 'HSA;2024-01-0': 2 fields of 4, so the first missing one is inkommande_samtal
                Aside(BIG_ROWS + 3, "inkommande_samtal", "cut short"))),
]

BY_NAME = {c.name: c for c in CASES}
assert len(BY_NAME) == len(CASES), "case names are unique"
