"""Loading into the warehouse: typed values, set-aside rows, re-delivery, privacy."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from orchestration.ingest import loading
from orchestration.ingest.schemas import BEDOMNING, EXTRACTS, LAKARE, LISTNING, TELEFONI, UNDERSOKNING, UPPDRAG
from tests.conftest import TEST_KEY
from tests.helpers import write_file

PNRS = ["19640823-3234", "196408833231", "191212121212"]
PNR_DIGITS = ["196408233234", "196408833231", "191212121212"]


@pytest.fixture
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "w.duckdb"))
    loading.ensure_schema(c)
    yield c
    c.close()


def load(con, tmp_path, extract, name, text, encoding="utf-8"):
    path = write_file(tmp_path / "landing" / extract.folder, name, text, encoding=encoding)
    month = name.rsplit("_", 1)[1][:7]
    return loading.load_file(con, extract, path, month, TEST_KEY, tmp_path / "archive")


def assert_reconciles(con):
    bad = con.execute("""
        SELECT l.file_name FROM raw._load_log l
        LEFT JOIN (SELECT load_id, count(*) n FROM raw._set_aside_rows GROUP BY 1) s USING (load_id)
        WHERE l.rows_read <> l.rows_loaded + l.rows_set_aside OR coalesce(s.n, 0) <> l.rows_set_aside""").fetchall()
    assert bad == []


def test_typed_values_decimal_comma_and_both_date_forms(con, tmp_path):
    o = load(con, tmp_path, UNDERSOKNING, "undersokning_2024-03.csv", """personnummer;hsa_id;undersokningsdatum;malgrupp;bmi;systoliskt_bt;diastoliskt_bt;glukos;kolesterol;fysisk_aktivitet_lag;halsosamtal;far_forskriven
19640823-3234;SE2321000222-E001001;20240305;40;28,4;140;85;5,3;4.5;J;J;
196408833231;SE2321000222-E001001;2024-03-31;lss;;;;;;n;N;N""", encoding="cp1252")
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_set_aside) == ("loaded", 2, 2, 0)
    rows = con.execute("""SELECT undersokningsdatum, malgrupp, bmi, systoliskt_bt, glukos, kolesterol,
        fysisk_aktivitet_lag, halsosamtal, far_forskriven, birth_year, person_id_class, _source_line
        FROM raw.vhu_undersokning ORDER BY _source_line""").fetchall()
    assert rows[0] == (dt.date(2024, 3, 5), "40", 28.4, 140, 5.3, 4.5, True, True, None, 1964, "personnummer", 2)
    assert rows[1] == (dt.date(2024, 3, 31), "lss", None, None, None, None, False, False, False, 1964,
                       "samordningsnummer", 3)


def test_swedish_letters_survive_into_extra(con, tmp_path):
    load(con, tmp_path, TELEFONI, "telefoni_2024-01.csv", """hsa_id;datum;inkommande_samtal;besvarade_samma_dag;Enhetsnamn
SE2321000222-E001007;2024-01-14;35;34;Kåge/Morö backe hälsocentral""", encoding="cp1252")
    extra = con.execute("SELECT json_extract_string(_extra, '$.enhetsnamn') FROM raw.vardgaranti_telefoni").fetchone()[0]
    assert extra == "Kåge/Morö backe hälsocentral"


def test_timestamps_local_time(con, tmp_path):
    load(con, tmp_path, UPPDRAG, "uppdrag_2024-02.csv", """uppdrag_id;personnummer;larmtid;prioritet;kommunkod;utfall;retts
U1;19640823-3234;2024-02-29 23:59;1;2480;akutmottagning;rod
U2;;20240201 00:00:07;4;2482;ej_transport;""")
    rows = con.execute("SELECT uppdrag_id, larmtid, person_id_class, retts FROM raw.ambulans_uppdrag ORDER BY 1").fetchall()
    assert rows == [("U1", dt.datetime(2024, 2, 29, 23, 59), "personnummer", "rod"),
                    ("U2", dt.datetime(2024, 2, 1, 0, 0, 7), "unidentified", None)]


BROKEN_BEDOMNING = """kontakt_id;hsa_id;personnummer;kontaktdatum;bedomningsdatum;yrkesgrupp;avvikelse
K1;SE2321000222-E001001;19640823-3234;2024-01-30;2024-02-02;XS915;
K2;SE2321000222-E001001;19640823-3234;2024-01-30;2024-01-29;XS915;
K3;SE2321000222-E001001;196408833231;2024-02-01;;;
K1;SE2321000222-E001001;191212121212;2024-01-05;;XS919;PvV
K5;;191212121212;2024-01-05;;XS919;
K6;SE2321000222-E001001;191212121212;2024-01-32;;XS919;
K7;SE2321000222-E001001;191212121212;2024-01-07;;läkare;
K8;SE2321000222-E001001;19640823-3234;2024-01-07;;XS915;pvv"""


def test_broken_rows_set_aside_with_line_column_reason(con, tmp_path):
    o = load(con, tmp_path, BEDOMNING, "bedomning_2024-01.csv", BROKEN_BEDOMNING)
    assert (o.status, o.rows_read, o.rows_loaded, o.rows_set_aside) == ("loaded_with_set_aside", 8, 2, 6)
    assert con.execute("SELECT kontakt_id, avvikelse FROM raw.vardgaranti_bedomning ORDER BY 1").fetchall() == [
        ("K1", None), ("K8", "PvV")]
    aside = con.execute("SELECT line, column_name, reason, row_json FROM raw._set_aside_rows ORDER BY line").fetchall()
    assert [(a[0], a[1]) for a in aside] == [
        (3, "bedomningsdatum"), (4, "kontaktdatum"), (5, "kontakt_id"), (6, "hsa_id"), (7, "kontaktdatum"),
        (8, "yrkesgrupp")]
    reasons = {a[0]: a[2] for a in aside}
    assert "before kontaktdatum" in reasons[3]
    assert "outside the reporting month 2024-01" in reasons[4]
    assert "first given on line 2" in reasons[5]
    assert "required value missing" in reasons[6]
    assert "not a valid date" in reasons[7]
    assert "XS9nn" in reasons[8]
    for a in aside:
        for p in PNRS + PNR_DIGITS:
            assert p not in a[2] and p not in (a[3] or "")
    assert_reconciles(con)


def test_numbers_out_of_range_and_answered_above_incoming(con, tmp_path):
    o = load(con, tmp_path, TELEFONI, "telefoni_2024-01.csv", """hsa_id;datum;inkommande_samtal;besvarade_samma_dag
A;2024-01-01;10;3
A;2024-01-02;-1;0
A;2024-01-03;5;6
A;2024-01-04;5,5;1
A;2099-01-04;5;1""")
    assert (o.rows_loaded, o.rows_set_aside) == (1, 4)
    lakare = load(con, tmp_path, LAKARE, "lakare_2024-01.csv", """lakare_hsa_id;hsa_id;kategori;tjanstgoringsgrad
P1;E1;specialist_allmanmedicin;1,2
P2;E1;doktor;0,5
P3;E1;ST_ALLMANMEDICIN;0,5""")
    assert (lakare.rows_loaded, lakare.rows_set_aside) == (1, 2)
    assert con.execute("SELECT kategori, tjanstgoringsgrad FROM raw.listning_lakare").fetchall() == [
        ("st_allmanmedicin", 0.5)]
    assert_reconciles(con)


LISTNING_V1 = """personnummer;hsa_id;listningsdatum;kommunkod;fast_lakarkontakt;fast_vardkontakt;sarskilt_boende
19640823-3234;SE2321000222-E001001;2019-05-01;2480;SE2321000222-P00001;;N
196408833231;SE2321000222-E001001;2019-05-01;2480;;;J"""
LISTNING_V2 = """personnummer;hsa_id;listningsdatum;kommunkod;fast_lakarkontakt;fast_vardkontakt;sarskilt_boende
191212121212;SE2321000222-E001002;2020-01-01;2403;;;N"""


def test_corrected_delivery_replaces_the_month_and_same_file_is_a_noop(con, tmp_path):
    first = load(con, tmp_path, LISTNING, "listning_2024-01.csv", LISTNING_V1)
    other_month = load(con, tmp_path, LISTNING, "listning_2024-02.csv", LISTNING_V1)
    assert first.status == other_month.status == "loaded"
    snapshot = con.execute("SELECT * FROM raw.listning_listning ORDER BY ALL").fetchall()
    log_rows = con.execute("SELECT count(*) FROM raw._load_log").fetchone()[0]

    again = load(con, tmp_path, LISTNING, "listning_2024-01.csv", LISTNING_V1)
    assert again.status == "unchanged"
    assert con.execute("SELECT * FROM raw.listning_listning ORDER BY ALL").fetchall() == snapshot
    assert con.execute("SELECT count(*) FROM raw._load_log").fetchone()[0] == log_rows

    corrected = load(con, tmp_path, LISTNING, "listning_2024-01.csv", LISTNING_V2)
    assert corrected.status == "loaded" and corrected.replaced_rows == 2
    by_month = con.execute("SELECT _reporting_month, count(*), min(hsa_id) FROM raw.listning_listning "
                           "GROUP BY 1 ORDER BY 1").fetchall()
    assert by_month == [("2024-01", 1, "SE2321000222-E001002"), ("2024-02", 2, "SE2321000222-E001001")]
    # Both deliveries of January are archived as received.
    archived = sorted(p.name for p in (tmp_path / "archive" / "listning" / "2024-01").iterdir())
    assert len(archived) == 2 and all(a.endswith("__listning_2024-01.csv") for a in archived)


def test_unreadable_redelivery_keeps_the_month_and_logs_why(con, tmp_path):
    load(con, tmp_path, LISTNING, "listning_2024-01.csv", LISTNING_V1)
    o = load(con, tmp_path, LISTNING, "listning_2024-01.csv", LISTNING_V1.replace(";", ","))
    assert o.status == "file_set_aside"
    assert "delimiter must be ';'" in o.message and "line 1" in o.message
    assert con.execute("SELECT count(*) FROM raw.listning_listning").fetchone()[0] == 2
    status = con.execute("SELECT status FROM raw._load_log ORDER BY loaded_at").fetchall()
    assert status == [("loaded",), ("file_set_aside",)]


def test_no_clear_personnummer_anywhere_in_raw(con, tmp_path):
    load(con, tmp_path, LISTNING, "listning_2024-01.csv", LISTNING_V1 + "\n19640823-3234;X;;24800;;;N")
    load(con, tmp_path, BEDOMNING, "bedomning_2024-01.csv", BROKEN_BEDOMNING)
    load(con, tmp_path, TELEFONI, "telefoni_2024-01.csv",
         "hsa_id;datum;inkommande_samtal;besvarade_samma_dag;kommentar\nA;2024-01-01;1;1;ring 19640823-3234")
    assert_no_personnummer(con, PNRS + PNR_DIGITS + ["640823-3234", "6408233234"])


def assert_no_personnummer(con, needles):
    cols = con.execute("""SELECT table_schema, table_name, column_name FROM information_schema.columns
                          WHERE table_schema = 'raw' AND data_type = 'VARCHAR'""").fetchall()
    assert cols
    for schema, table, column in cols:
        for n in needles:
            hits = con.execute(f'SELECT count(*) FROM {schema}."{table}" WHERE "{column}" LIKE ?',
                               [f"%{n}%"]).fetchone()[0]
            assert hits == 0, f"{n} found in {schema}.{table}.{column}"


def test_every_extract_has_a_raw_table(con):
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='raw'")
              .fetchall()}
    assert {e.key for e in EXTRACTS} | {"_load_log", "_set_aside_rows"} <= tables
