"""The report rendered from a small hand-made serving database: Swedish numbers, suppressed cells,
and the data-quality gaps beside the indicator they concern. Fast: no pipeline, no browser."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from orchestration.report import render
from orchestration.report.catalogue import NBSP, number
from tests.serving import pages

T1 = "T1_TELEFON_SAMMA_DAG"
K2 = "K2_LISTADE_PER_SPECIALIST"
IND = [  # indicator, period, level, unit_id, unit_name, numerator, denominator, value, target, suppressed
    (T1, "2024-01", "region", "24", "Region Västerbotten", 70, 100, 0.70, 1.0, False),
    (T1, "2024-02", "region", "24", "Region Västerbotten", 75, 100, 0.75, 1.0, False),
    (T1, "2024-02", "lansdel", "Umeå", "Umeå", 60, 80, 0.75, 1.0, False),
    (T1, "2024-02", "kommun", "2480", "Umeå", 60, 80, 0.75, 1.0, False),
    (T1, "2024-02", "kommun", "2403", "Bjurholm", None, 3, None, 1.0, True),
    (T1, "2024-02", "vardenhet", "SE-A", "Ersboda hälsocentral", None, 4, None, 1.0, True),
    (T1, "2024-02", "vardenhet", "SE-B", "Ålidhem hälsocentral", 48, 60, 0.80, 1.0, False),
    (K2, "2024-02", "region", "24", "Region Västerbotten", 12340, 10, 1234.0, 1100.0, False),
]
DQ = [  # check_id, source, period, level, unit_id, severity, affected, share, message
    ("DQ_BEDOMNING_SAKNAS", "vardgaranti", "2024-02", "vardenhet", "SE-B", "WARN", 12, 0.25,
     "12 kontakter saknar bedömningsdatum"),
    ("DQ_BEDOMNING_SAKNAS", "vardgaranti", "2024-02", "vardenhet", "SE-A", "WARN", None, None,
     "Kontakter saknar bedömningsdatum"),
    ("DQ_FIL_OLASBAR", "vardgaranti", "2024-02", "fil", "telefoni_2024-02.csv", "ERROR", 120, None,
     "Filen kunde inte läsas"),
    ("DQ_FAR_SAKNAS", "vhu", "2024", "vardenhet", "SE-B", "WARN", 9, 0.5, "FaR ej registrerat"),
]


@pytest.fixture(scope="module")
def html(tmp_path_factory) -> str:
    root = tmp_path_factory.mktemp("report")
    db = pages.serving_db(root / "naravard.duckdb", IND, DQ)
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA meta")
    con.execute("CREATE TABLE meta.publication AS SELECT 'pub-1' AS publication_id, 'run-1' AS run_id, "
                "TIMESTAMPTZ '2024-03-05 07:30:00+00' AS published_at, 5.0 AS suppression_threshold")
    con.close()
    out = render(db, root / "rapport")
    assert out == root / "rapport" / "index.html"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]  # the temporary is gone
    return out.read_text(encoding="utf-8")


def test_swedish_number_format():
    assert number(11.25, 1) == "11,3"  # half away from zero, like Excel
    assert number(1234567) == f"1{NBSP}234{NBSP}567"
    assert number(-0.04, 1) == "0,0"
    assert number(None) == "–"


def test_page_is_swedish_self_contained_and_dated_in_swedish_time(html):
    assert '<html lang="sv">' in html
    assert "plotly.js v" in html[:200_000]  # the library itself is in the page
    assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html)
    assert "Publicerad 2024-03-05 08:30" in html  # 07:30 UTC is 08:30 in Stockholm in March


def test_overview_shows_the_latest_value_its_change_and_the_target(html):
    rows = {r[0]: r for r in pages.table_rows(html)["oversikt"][1:]}
    t1 = rows["Telefonkontakt samma dag"]
    # gaps: the three vårdgaranti findings of 2024-02 (two health centres, one file)
    assert t1[1:] == ["2024-02", f"75,0{NBSP}%", f"+5,0{NBSP}p.e.", f"100,0{NBSP}%", "3"]
    k2 = rows["Listade per specialist i allmänmedicin"]
    assert k2[2] == f"1{NBSP}234" and k2[4] == f"1{NBSP}100"


def test_health_centre_table_marks_suppressed_units_and_counts_their_gaps(html):
    rows = {r[0]: r for r in pages.table_rows(html)[T1] if r and r[0].endswith("hälsocentral")}
    assert rows["Ersboda hälsocentral"][1] == "prickad"
    assert "färre än 5" in rows["Ersboda hälsocentral"]
    assert rows["Ersboda hälsocentral"][-1] == "1"  # one gap registered for it that month
    assert rows["Ålidhem hälsocentral"][1] == f"80,0{NBSP}%" and rows["Ålidhem hälsocentral"][-1] == "1"
    # sorted the Swedish way: E before Å
    names = [r for r in rows]
    assert names == ["Ersboda hälsocentral", "Ålidhem hälsocentral"]


def test_gaps_stand_beside_the_indicator_of_their_source(html):
    t1_section = html[html.index(f'id="{T1}"'):html.index(f'id="{K2}"')]
    assert "12 kontakter saknar bedömningsdatum" in t1_section
    assert f"12 (25,0{NBSP}%)" in t1_section
    assert "färre än 5" in t1_section  # the hidden count
    assert "FaR ej registrerat" not in t1_section  # a VHU gap, not a vårdgaranti one
    full = pages.table_rows(html)["datakvalitet"]
    assert full[1][0] == "Fel" and full[1][2] == "DQ_FIL_OLASBAR"  # errors first


def test_charts_hold_the_published_values_and_leave_suppressed_ones_empty(html):
    figs = pages.figures(html)
    trend = {t["name"]: t for t in figs[f"trend-{T1}"]}
    assert trend["Region Västerbotten"]["y"] == pytest.approx([70.0, 75.0])
    assert trend["Mål"]["y"] == pytest.approx([100.0, 100.0])
    heat = figs[f"kommuner-{T1}"][0]
    z = dict(zip(heat["y"], (row[heat["x"].index("2024-02")] for row in heat["z"])))
    assert z["Umeå"] == pytest.approx(75.0) and z["Bjurholm"] is None


def test_no_gaps_message_when_a_source_has_none(tmp_path):
    db = tmp_path / "naravard.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.indikatorer AS SELECT * FROM (VALUES ('V1_VHU_DELTAGANDE', '2024', 'region', '24', "
                "'Region Västerbotten', 31.0, 100.0, 0.31, NULL::DOUBLE, false)) t(indicator_id, period, level, "
                "unit_id, unit_name, numerator, denominator, value, target, suppressed)")
    con.close()
    text = Path(render(db, tmp_path / "rapport")).read_text(encoding="utf-8")
    assert "Inga brister registrerade för vhu." in text
    assert "Mål: inget fastställt" in text


def test_continuity_per_unit_against_the_region_with_sabo_beside(tmp_path):
    """Issue 18: K4's table of health centres shows the region's value, each unit's difference from it, and
    the unit's SÄBO figure (K7) beside; K7's table shows K4 beside it."""
    k4, k7 = "K4_KONTINUITET_UPC", "K7_KONTINUITET_UPC_SABO"
    ind = [
        (k4, "2024-12", "region", "24", "Region Västerbotten", 45.0, 100, 0.45, None, False),
        (k4, "2024-12", "vardenhet", "SE-A", "Ersboda hälsocentral", 12.0, 40, 0.30, None, False),
        (k4, "2024-12", "vardenhet", "SE-B", "Ålidhem hälsocentral", 33.0, 60, 0.55, None, False),
        (k7, "2024-12", "region", "24", "Region Västerbotten", 16.0, 20, 0.80, None, False),
        (k7, "2024-12", "vardenhet", "SE-A", "Ersboda hälsocentral", 9.0, 10, 0.90, None, False),
        (k7, "2024-12", "vardenhet", "SE-B", "Ålidhem hälsocentral", None, 3, None, None, True),
    ]
    db = pages.serving_db(tmp_path / "naravard.duckdb", ind, [
        ("DQ_BESOK_PERSONAL_SAKNAS", "besok", "2024-12", "vardenhet", "SE-B", "WARN", 40, 1.0,
         "40 av 40 läkarbesök saknar personal_hsa_id")])
    text = Path(render(db, tmp_path / "rapport")).read_text(encoding="utf-8")
    tables = pages.table_rows(text)
    # Ersboda: 30,0 % against the region's 45,0 %: −15,0 p.e.; its SÄBO residents 90,0 %.
    # Ålidhem: 55,0 % is +10,0 p.e.; its SÄBO figure is suppressed (3 persons), and its gap is counted.
    rows = {r[0]: r for r in tables[k4] if r and r[0].endswith("hälsocentral")}
    assert rows["Ersboda hälsocentral"][:4] == ["Ersboda hälsocentral", f"30,0{NBSP}%", f"90,0{NBSP}%",
                                                f"−15,0{NBSP}p.e."]
    assert rows["Ålidhem hälsocentral"][:4] == ["Ålidhem hälsocentral", f"55,0{NBSP}%", "prickad",
                                                f"+10,0{NBSP}p.e."]
    assert rows["Ålidhem hälsocentral"][-1] == "1"
    k4_section = text[text.index(f'id="{k4}"'):text.index(f'id="{k7}"')]
    assert f"Region Västerbotten, 2024-12: 45,0{NBSP}%." in k4_section
    assert "SÄBO" in k4_section and "Mot regionen" in k4_section
    # K7's table: K4 beside it; the suppressed unit shows no difference from the region.
    rows7 = {r[0]: r for r in tables[k7] if r and r[0].endswith("hälsocentral")}
    assert rows7["Ersboda hälsocentral"][:4] == ["Ersboda hälsocentral", f"90,0{NBSP}%", f"30,0{NBSP}%",
                                                 f"+10,0{NBSP}p.e."]
    assert rows7["Ålidhem hälsocentral"][1:4] == ["prickad", f"55,0{NBSP}%", ""]
