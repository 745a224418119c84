"""The disclosure rule and the publish step on a small hand-made warehouse, each expectation
worked out by hand from the rule in docs/bi.md (threshold 5). Fast: no pipeline run."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from orchestration.publish import SERVING_DB, publish
from orchestration.publish.disclosure import DisclosureError

N = 5
KEY = ["period", "level", "unit_id"]

# (period, level, unit_id, unit_name, *measures)
TILLGANGLIGHET = [
    ("2024-01", "vardenhet", "A", "Enhet A", 40, 30, 3, 2),    # T2 suppressed (3 < 5)
    ("2024-01", "vardenhet", "B", "Enhet B", 12, 0, 20, 18),   # nothing hidden; 0 calls answered is shown
    ("2024-01", "kommun", "K", "Kommun K", 52, 30, 23, 20),
]
KONTINUITET = [  # ..., listed, with fast läkarkontakt, specialist FTE, ST FTE, with fast vårdkontakt (K8)
    ("2024-01", "vardenhet", "C", "Enhet C", 800, 90, 0.8, 1.0, 200),  # all published: K2 counts 800 listed
    ("2024-01", "vardenhet", "D", "Enhet D", 4, 1, 2.0, 0.0, 2),       # K1, K2, K3, K8 suppressed (4 listed)
]
# Contract 1.2: ..., persons with >= 2 physician visits, Σ UPC, Σ COC, of them in SÄBO, their Σ UPC,
# physician visits by persons with a named GP, of them with that GP.
KONTINUITET_BESOK = [
    # K4 18/40 and K5 10/40 published (40 persons); K7 2.7/3 suppressed (3 SÄBO residents); K6 12/30 published
    ("2024-12", "vardenhet", "F", "Enhet F", 40, 18.0, 10.0, 3, 2.7, 30, 12),
    # K4, K5 suppressed (4 persons), K6 suppressed (2 visits); no SÄBO resident: no K7 row, its 0 shown
    ("2024-12", "vardenhet", "G", "Enhet G", 4, 2.5, 1.5, 0, 0.0, 2, 1),
]
MANGAKARE = [
    # 1 mångåkare: A1 (its numerator) and A3 (its denominator, hidden too) suppressed; A2 (40 assignments) not
    ("2024-12", "2024-01-02", "2024-12-31", "kommun", "K", "Kommun K", 2348, 1, 40, 5, 0),
]
VHU = [
    ("2024", "vardenhet", "E", "Enhet E", 3, 7, 6, 0),  # V1 suppressed (3 invited) though 7 were examined
]
DQ = [
    ("DQ_X", "vardgaranti", "2024-01", "vardenhet", "A", "WARN", 3.0, 0.1, "3 av 30 kontakter saknar datum"),
    ("DQ_X", "vardgaranti", "2024-01", "vardenhet", "B", "WARN", 12.0, 0.2, "tolv saknas"),
    ("DQ_FIL", "vardgaranti", "2024-01", "fil", "telefoni_2024-01.csv", "ERROR", 2.0, None, "två rader"),
    ("DQ_X", "vardgaranti", "2024-01", "kommun", "K", "WARN", 0.0, 0.0, "inga"),
    ("DQ_LEVERANS_SAKNAS", "vardgaranti", "2024-02", "vardenhet", "B", "WARN", 1.0, None,
     "Enhet B levererade telefoni men inte bedömning för 2024-02"),  # one delivery, not a person
]


def _indikatorer() -> list[tuple]:
    """The rows dbt would build from the marts above (numerator, denominator, target as the contract says).

    The count each indicator protects is written out here from CONTRACTS.md section 3.1 (not read from the
    seed): the numerator for K2 and A1, the denominator for the rest; A3 hides its denominator too."""
    by_numerator, hide_denominator = {"K2_LISTADE_PER_SPECIALIST", "A1_MANGAKARE_PER_1000"}, \
        {"A3_MANGAKARE_MED_FAST_LAKARE"}

    def row(iid, p, lv, u, name, num, den, scale=1.0, target=None):
        count = num if iid in by_numerator else den
        sup = 0 < count < N
        return (iid, p, lv, u, name, None if sup else float(num),
                None if sup and iid in hide_denominator else float(den),
                None if sup else num / den * scale, target, sup)
    out = []
    for p, lv, u, name, inc, ans, bed, b3 in TILLGANGLIGHET:
        out += [row("T1_TELEFON_SAMMA_DAG", p, lv, u, name, ans, inc, target=1.0),
                row("T2_BEDOMNING_3_DAGAR", p, lv, u, name, b3, bed, target=1.0)]
    for p, lv, u, name, listed, gp, spec, st, fvk in KONTINUITET:
        out += [row("K1_FAST_LAKARKONTAKT", p, lv, u, name, gp, listed, target=0.55),
                row("K2_LISTADE_PER_SPECIALIST", p, lv, u, name, listed, spec, target=1100.0),
                row("K3_RIKTVARDE_TACKNING", p, lv, u, name, 1100 * spec + 550 * st, listed, target=1.0),
                row("K8_FAST_VARDKONTAKT", p, lv, u, name, fvk, listed)]
    for p, lv, u, name, persons, upc, coc, sabo, upc_sabo, visits, with_gp in KONTINUITET_BESOK:
        out += [row("K4_KONTINUITET_UPC", p, lv, u, name, upc, persons),
                row("K5_KONTINUITET_COC", p, lv, u, name, coc, persons),
                row("K6_BESOK_HOS_FAST_LAKARE", p, lv, u, name, with_gp, visits)]
        if sabo:  # a zero denominator has no row
            out.append(row("K7_KONTINUITET_UPC_SABO", p, lv, u, name, upc_sabo, sabo))
    for p, _, _, lv, u, name, inv, mk, upp, upp_mk, mk_gp in MANGAKARE:
        out += [row("A1_MANGAKARE_PER_1000", p, lv, u, name, mk, inv, scale=1000.0),
                row("A2_MANGAKARE_ANDEL_UPPDRAG", p, lv, u, name, upp_mk, upp),
                row("A3_MANGAKARE_MED_FAST_LAKARE", p, lv, u, name, mk_gp, mk, target=0.55)]
    for p, lv, u, name, inv, exam, low, far in VHU:
        out += [row("V1_VHU_DELTAGANDE", p, lv, u, name, exam, inv),
                row("V2_VHU_FAR_VID_LAG_AKTIVITET", p, lv, u, name, far, low)]
    return out


def _table(con, name: str, columns: list[str], types: list[str], rows: list[tuple]) -> None:
    cols = ", ".join(f"{c} {t}" for c, t in zip(columns, types))
    con.execute(f"CREATE TABLE marts.{name} ({cols})")
    con.executemany(f"INSERT INTO marts.{name} VALUES ({', '.join('?' * len(columns))})", rows)


def make_warehouse(path: Path) -> Path:
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE SCHEMA raw")
    con.execute("CREATE TABLE raw.listning_listning AS SELECT 'abc' AS person_id")  # must never be published
    keys, kt = ["period", "level", "unit_id", "unit_name"], ["VARCHAR"] * 4
    _table(con, "tillganglighet_manad", keys + ["samtal_inkommande", "samtal_besvarade_samma_dag",
           "kontakter_bedomda", "kontakter_bedomda_inom_3_dagar"], kt + ["DOUBLE"] * 4, TILLGANGLIGHET)
    _table(con, "kontinuitet_manad", keys + ["antal_listade", "listade_med_fast_lakarkontakt",
           "fte_specialist_allmanmedicin", "fte_st_allmanmedicin", "listade_med_fast_vardkontakt"],
           kt + ["DOUBLE"] * 5, KONTINUITET)
    _table(con, "kontinuitet_besok_manad", keys + ["antal_minst_tva_lakarbesok", "upc_summa", "coc_summa",
           "antal_minst_tva_lakarbesok_sabo", "upc_summa_sabo", "lakarbesok_listade_med_fast_lakare",
           "lakarbesok_hos_fast_lakare"], kt + ["DOUBLE"] * 7, KONTINUITET_BESOK)
    _table(con, "mangakare_manad", ["period", "fonster_start", "fonster_slut", "level", "unit_id", "unit_name",
           "invanare", "antal_mangakare", "uppdrag_i_fonster", "uppdrag_av_mangakare",
           "mangakare_med_fast_lakarkontakt"], ["VARCHAR", "DATE", "DATE"] + ["VARCHAR"] * 3 + ["DOUBLE"] * 5,
           MANGAKARE)
    _table(con, "vhu_ar", keys + ["antal_inbjudna", "antal_undersokta", "antal_lag_aktivitet",
           "antal_lag_aktivitet_med_far"], kt + ["DOUBLE"] * 4, VHU)
    _table(con, "indikatorer", ["indicator_id", "period", "level", "unit_id", "unit_name", "numerator",
           "denominator", "value", "target", "suppressed"], ["VARCHAR"] * 5 + ["DOUBLE"] * 4 + ["BOOLEAN"],
           _indikatorer())
    _table(con, "dq_findings", ["check_id", "source", "period", "level", "unit_id", "severity", "affected",
           "share", "message"], ["VARCHAR"] * 6 + ["DOUBLE"] * 2 + ["VARCHAR"], DQ)
    con.close()
    return path


@pytest.fixture
def warehouse(tmp_path) -> Path:
    return make_warehouse(tmp_path / "warehouse.duckdb")


def _publish(warehouse: Path, serving: Path, threshold: float = N):
    con = duckdb.connect(str(warehouse))
    try:
        return publish(con, serving, threshold, run_id="test")
    finally:
        con.close()


def _mart(serving: Path, name: str) -> pd.DataFrame:
    con = duckdb.connect(str(serving / SERVING_DB), read_only=True)
    try:
        return con.execute(f"SELECT * FROM marts.{name}").df().set_index(KEY)
    finally:
        con.close()


def _cell(df: pd.DataFrame, key: tuple, col: str):
    v = df.loc[key, col]
    return None if pd.isna(v) else v


def test_small_counts_and_suppressed_numerators_are_hidden_and_the_rest_is_kept(warehouse, tmp_path):
    serving = tmp_path / "serving"
    _publish(warehouse, serving)
    t = _mart(serving, "tillganglighet_manad")
    a = ("2024-01", "vardenhet", "A")
    assert [_cell(t, a, c) for c in t.columns[1:]] == [40, 30, None, None]  # 3 and 2 are small
    b = ("2024-01", "vardenhet", "B")
    assert [_cell(t, b, c) for c in t.columns[1:]] == [12, 0, 20, 18]

    k = _mart(serving, "kontinuitet_manad")
    c = ("2024-01", "vardenhet", "C")
    # K2 is suppressed, but its numerator is K1's published denominator: shown.
    assert [_cell(k, c, col) for col in k.columns[1:]] == [800, 90, 0.8, 1.0, 200]
    d = ("2024-01", "vardenhet", "D")
    # 4, 1 and 2 are small; the specialist FTE is K2's published denominator; the ST FTE would give K3 back.
    assert [_cell(k, d, col) for col in k.columns[1:]] == [None, None, 2.0, None, None]

    kb = _mart(serving, "kontinuitet_besok_manad")
    # F: 3 SÄBO residents is small, and K7 is suppressed, so its Σ UPC 2.7 (not a count) is hidden too.
    assert [_cell(kb, ("2024-12", "vardenhet", "F"), col) for col in kb.columns[1:]] == [
        40, 18.0, 10.0, None, None, 30, 12]
    # G: 4 persons and 2 visits are small, and K4, K5, K6 are suppressed: their sums and numerator hidden;
    # 0 SÄBO residents (and their Σ 0) are shown.
    assert [_cell(kb, ("2024-12", "vardenhet", "G"), col) for col in kb.columns[1:]] == [
        None, None, None, 0, 0.0, None, None]

    m = _mart(serving, "mangakare_manad")
    km = ("2024-12", "kommun", "K")
    # 1 mångåkare is small; A3 (denominator 1) is suppressed, so its numerator 0 is hidden too.
    assert [_cell(m, km, col) for col in ["invanare", "antal_mangakare", "uppdrag_i_fonster",
                                          "uppdrag_av_mangakare", "mangakare_med_fast_lakarkontakt"]] \
        == [2348, None, 40, 5, None]
    assert str(m.loc[km, "fonster_start"])[:10] == "2024-01-02"

    v = _mart(serving, "vhu_ar")
    e = ("2024", "vardenhet", "E")
    # 7 examined is not small, but it is V1's numerator where V1 is suppressed.
    assert [_cell(v, e, col) for col in v.columns[1:]] == [None, None, 6, 0]


def test_findings_hide_small_unit_counts_with_their_share(warehouse, tmp_path):
    serving = tmp_path / "serving"
    _publish(warehouse, serving)
    dq = _mart(serving, "dq_findings").reset_index()
    missing_delivery = dq[dq["check_id"] == "DQ_LEVERANS_SAKNAS"].iloc[0]
    assert missing_delivery["affected"] == 1 and missing_delivery["message"].startswith("Enhet B levererade")
    dq = dq[dq["check_id"] != "DQ_LEVERANS_SAKNAS"].set_index("unit_id")
    assert _cell(dq, "A", "affected") is None and _cell(dq, "A", "share") is None
    assert "3" not in dq.loc["A", "message"] and dq.loc["A", "message"].startswith("Färre än 5 berörda")
    assert (dq.loc["B", "affected"], dq.loc["B", "share"], dq.loc["B", "message"]) == (12, 0.2, "tolv saknas")
    assert dq.loc["telefoni_2024-01.csv", "affected"] == 2  # rows of a file, not people
    assert dq.loc["K", "affected"] == 0


def test_only_the_known_marts_and_the_publication_record_are_published(warehouse, tmp_path):
    con = duckdb.connect(str(warehouse))
    con.execute("CREATE TABLE marts.listade_personer AS SELECT 'abc' AS person_key, 'A' AS hsa_id")
    con.close()
    serving = tmp_path / "serving"
    publication, left_out = _publish(warehouse, serving)
    assert left_out == ["listade_personer"]
    con = duckdb.connect(str(serving / SERVING_DB), read_only=True)
    tables = set(con.execute("SELECT table_schema || '.' || table_name FROM information_schema.tables").fetchall())
    meta = con.execute("SELECT publication_id, run_id, suppression_threshold FROM meta.publication").fetchall()
    storage = con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                          "WHERE database_name = current_database()").fetchone()[0]
    con.close()
    assert {t[0] for t in tables} == {f"marts.{m}" for m in ["indikatorer", "tillganglighet_manad",
                                      "kontinuitet_manad", "kontinuitet_besok_manad", "mangakare_manad", "vhu_ar",
                                      "dq_findings"]} | {
        "meta.publication", "meta.published_tables"}
    assert meta == [(publication.publication_id, "test", 5.0)]
    assert storage.startswith("v1.0.0")  # readable by the BI tools' DuckDB 1.x drivers
    assert sorted(p.name for p in (serving / "parquet").iterdir()) == sorted(
        f"{m}.parquet" for m in publication.row_counts)


def _state(serving: Path) -> dict[str, bytes]:
    return {str(p.relative_to(serving)): p.read_bytes() for p in sorted(serving.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("break_it,message", [
    ("ALTER TABLE marts.vhu_ar ADD COLUMN antal_med_diabetes DOUBLE", "no declared kind"),
    ("UPDATE marts.indikatorer SET value = 0.5 WHERE suppressed", "suppressed rows with a value"),
])
def test_a_publish_that_breaks_the_rule_changes_nothing(warehouse, tmp_path, break_it, message):
    serving = tmp_path / "serving"
    _publish(warehouse, serving)
    before = _state(serving)
    con = duckdb.connect(str(warehouse))
    con.execute(break_it)
    con.close()
    with pytest.raises(DisclosureError, match=message):
        _publish(warehouse, serving)
    assert _state(serving) == before  # same files, same bytes, no temporaries


def test_a_warehouse_built_for_another_threshold_is_not_published(warehouse, tmp_path):
    with pytest.raises(DisclosureError, match="threshold 10"):
        _publish(warehouse, tmp_path / "serving", threshold=10)
    assert not (tmp_path / "serving" / SERVING_DB).exists()


def test_a_mart_that_disappears_takes_its_parquet_file_with_it(warehouse, tmp_path):
    serving = tmp_path / "serving"
    _publish(warehouse, serving)
    assert (serving / "parquet" / "vhu_ar.parquet").exists()
    con = duckdb.connect(str(warehouse))
    con.execute("DROP TABLE marts.vhu_ar")
    con.close()
    _publish(warehouse, serving)
    assert not (serving / "parquet" / "vhu_ar.parquet").exists()


def test_leftovers_of_a_crashed_publish_are_cleaned_up(warehouse, tmp_path):
    serving = tmp_path / "serving"
    (serving / "parquet").mkdir(parents=True)
    (serving / ".naravard.duckdb.0123abcd.tmp").write_bytes(b"half a file")
    (serving / "parquet" / ".vhu_ar.parquet.0123abcd.tmp").write_bytes(b"half a file")
    _publish(warehouse, serving)
    assert not [p for p in serving.rglob(".*") if p.is_file()]


def test_csv_is_utf8_with_bom_semicolons_and_decimal_commas(warehouse, tmp_path):
    serving = tmp_path / "serving"
    _publish(warehouse, serving)
    raw = (serving / "indikatorer.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "indicator_id;period;level;unit_id;unit_name;numerator;denominator;value;target;suppressed"
    # A1 for Kommun K: 1 mångåkare, suppressed (its numerator is the protected count); inhabitants shown.
    a1 = next(line for line in lines if line.startswith("A1_MANGAKARE_PER_1000;"))
    assert a1 == "A1_MANGAKARE_PER_1000;2024-12;kommun;K;Kommun K;;2348;;;true"
    # A2 for Kommun K: 5 / 40 = 0.125 (written with 10 decimals, trailing zeros cut); 40 assignments: shown.
    a2 = next(line for line in lines if line.startswith("A2_MANGAKARE_ANDEL_UPPDRAG;"))
    assert a2 == "A2_MANGAKARE_ANDEL_UPPDRAG;2024-12;kommun;K;Kommun K;5;40;0,125;;false"
    # A3 for Kommun K: its denominator is the same 1 mångåkare, hidden with the row.
    a3 = next(line for line in lines if line.startswith("A3_MANGAKARE_MED_FAST_LAKARE;"))
    assert a3 == "A3_MANGAKARE_MED_FAST_LAKARE;2024-12;kommun;K;Kommun K;;;;0,55;true"
    t2 = next(line for line in lines if line.startswith("T2_BEDOMNING_3_DAGAR;2024-01;vardenhet;A;"))
    assert t2 == "T2_BEDOMNING_3_DAGAR;2024-01;vardenhet;A;Enhet A;;3;;1;true"
