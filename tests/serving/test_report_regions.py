"""A publication with several regions: a page per region and a national overview that links to them,
plotly.js once beside them, each region's units and gaps on its own page only. A hand-made serving
database of three regions of the reference data (24 and 22 real, 31 illustrative); a headless
Chromium draws the charts of the overview and of a region page."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from orchestration.report import render
from orchestration.report.catalogue import NBSP
from tests import browser
from tests.serving import pages
from tests.serving.test_report_browser import _chart_divs

T1 = "T1_TELEFON_SAMMA_DAG"
# Units and kommuner from dbt_project/seeds/reference: Umeå 2480 and Norrlandskliniken (24),
# Sundsvall 2281 and Hälsocentralen Centrum Sundsvall (22), kommun 3101 and its first vårdcentral (31).
U24, U22, U31 = "SE2321000222-E001001", "SE2321000206-E001004", "SE0000000031-E310101"
IND = [  # indicator, period, level, unit_id, unit_name, numerator, denominator, value, target, suppressed
    *[(T1, p, "region", "24", "Region Västerbotten", 70 + i, 100, (70 + i) / 100, 1.0, False)
      for i, p in enumerate(["2024-11", "2024-12"])],
    *[(T1, p, "region", "22", "Region Västernorrland", 60 + i, 100, (60 + i) / 100, 1.0, False)
      for i, p in enumerate(["2024-11", "2024-12"])],
    *[(T1, p, "region", "31", "Region 31 (illustrativ)", 80, 100, 0.80, 1.0, False) for p in ["2024-11", "2024-12"]],
    (T1, "2024-12", "lansdel", "Umeå", "Umeå", 60, 80, 0.75, 1.0, False),
    (T1, "2024-12", "kommun", "2480", "Umeå", 60, 80, 0.75, 1.0, False),
    (T1, "2024-12", "kommun", "2281", "Sundsvall", 30, 50, 0.60, 1.0, False),
    (T1, "2024-12", "kommun", "3101", "Kommun 3101 (illustrativ)", 40, 50, 0.80, 1.0, False),
    (T1, "2024-12", "vardenhet", U24, "Norrlandskliniken hälsocentral", 48, 60, 0.80, 1.0, False),
    (T1, "2024-12", "vardenhet", U22, "Hälsocentralen Centrum Sundsvall", 30, 50, 0.60, 1.0, False),
    (T1, "2024-12", "vardenhet", U31, "Vårdcentral 3101-1 (illustrativ)", 40, 50, 0.80, 1.0, False),
    (T1, "2024-12", "vardenhet", "SE-OKAND", "SE-OKAND (okänd enhet)", 5, 10, 0.5, 1.0, False),
]
DQ = [  # check_id, source, period, level, unit_id, severity, affected, share, message
    ("DQ_BEDOMNING_SAKNAS", "vardgaranti", "2024-12", "vardenhet", U22, "WARN", 12, 0.25, "Sundsvall saknar datum"),
    ("DQ_FIL_OLASBAR", "vardgaranti", "2024-12", "fil", "telefoni_2024-12.csv", "ERROR", 120, None, "Filen kunde inte läsas"),
]


def _serving(root: Path, ind: list, dq: list) -> Path:
    return pages.serving_db(root / "naravard.duckdb", ind, dq)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("regions")
    index = render(_serving(root, IND, DQ), root / "rapport")
    assert index == root / "rapport" / "index.html"
    return index.parent


def _read(folder: Path, name: str) -> str:
    return (folder / name).read_text(encoding="utf-8")


def test_one_page_per_region_and_plotly_once_beside_them(report):
    assert sorted(p.name for p in report.iterdir()) == [
        "index.html", "plotly.min.js", "region-22.html", "region-24.html", "region-31.html"]
    for name in ("index.html", "region-22.html", "region-24.html", "region-31.html"):
        html = _read(report, name)
        assert '<script type="text/javascript" src="plotly.min.js"></script>' in html
        assert "plotly.js v" not in html  # the library is not copied into every page
        assert not re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html)
    assert "plotly.js v" in _read(report, "plotly.min.js")[:1000]


def test_overview_lists_every_region_with_a_link_and_its_latest_value(report):
    html = _read(report, "index.html")
    rows = pages.table_rows(html)["oversikt"]
    # Swedish order of the names: "Region 31 ..." < "Region Västerbotten" < "Region Västernorrland"
    # (b < r at the fifth letter of "Väster...").
    assert [r[0] for r in rows[1:]] == ["Region 31 (illustrativ)", "Region Västerbotten", "Region Västernorrland"]
    assert [r[1] for r in rows[1:]] == [f"80,0{NBSP}%", f"71,0{NBSP}%", f"61,0{NBSP}%"]
    for code in ("24", "22", "31"):
        assert f'href="region-{code}.html"' in html
    assert "3 regioner, 3 kommuner, 4 vårdenheter" in html
    assert "1 rader gäller vårdenheter som saknas i" in html  # SE-OKAND is in no region's page
    trend = {t["name"] for t in pages.figures(html)[f"trend-{T1}"]}
    assert {"Region Västerbotten", "Region Västernorrland", "Region 31 (illustrativ)"} <= trend


def test_a_region_page_holds_its_own_units_kommuner_and_gaps_only(report):
    ve, vn = _read(report, "region-24.html"), _read(report, "region-22.html")
    assert 'href="index.html"' in ve
    assert "Norrlandskliniken hälsocentral" in ve and "Hälsocentralen Centrum Sundsvall" not in ve
    assert "Hälsocentralen Centrum Sundsvall" in vn and "Norrlandskliniken" not in vn
    heat = pages.figures(ve)[f"kommuner-{T1}"][0]
    assert heat["y"] == ["Umeå"]
    trend = {t["name"] for t in pages.figures(ve)[f"trend-{T1}"]}
    assert trend == {"Region Västerbotten", "Umeå (länsdel)", "Mål"}
    # A unit's gap on its region's page; a file that could not be read concerns every region.
    assert "Sundsvall saknar datum" in vn and "Sundsvall saknar datum" not in ve
    assert "Filen kunde inte läsas" in ve and "Filen kunde inte läsas" in vn


def test_a_single_region_report_is_one_page_again(tmp_path):
    folder = tmp_path / "rapport"
    render(_serving(tmp_path, IND, DQ), folder)
    render(_serving(tmp_path, [r for r in IND if r[3] in ("24", "Umeå", "2480", U24)], []), folder)
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]
    assert "plotly.js v" in _read(folder, "index.html")[:200_000]


def test_chromium_draws_the_overview_and_a_region_page(report):
    # plotly.js comes from the file beside the pages: a chart drawn proves the relative link works.
    for name, charts in (("index.html", 1), ("region-24.html", 2)):
        dom = browser.dump_dom((report / name).as_uri(), wait_ms=10000)
        expected = set(pages.figures(_read(report, name)))
        assert len(expected) == charts
        drawn = _chart_divs(dom)
        assert set(drawn) == expected, name
        assert all('class="main-svg"' in inner for inner in drawn.values()), name
