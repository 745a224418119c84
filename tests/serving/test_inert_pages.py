"""Values from the data are text in every HTML page naravard writes (the report, the Data Docs start
page and the pages GX renders), checked in headless Chromium: no element is created from a value and
no script runs.

Each hostile value is written twice: as markup, and with numeric character references for < and >
(a value that some escaping passes through and a later un-escaping makes live). The `pwn` payloads
would set an attribute on <body> if they ran, so a run is visible in the DOM Chromium dumps, and
the `alert` ones would leave an element with an on... attribute. The expected text of each cell is
the value exactly as delivered (worked out by hand: escaping must show it, not drop it).
"""
from __future__ import annotations

import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests import browser
from tests.serving import pages

IMG = "<img src=x onerror=alert(1)>"
IMG_NCR = "&#60;img src=x onerror=alert(1)&#62;"
PWN = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
PWN_NCR = "&#60;img src=x onerror=\"document.body.setAttribute('data-pwned','2')\"&#62;"
SCRIPT = "<script>document.body.setAttribute('data-pwned','3')</script>"
HOSTILE = [IMG, IMG_NCR, PWN, PWN_NCR, SCRIPT]
# Every request that would leave the machine goes to a closed port.
OFFLINE = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _dom(page: Path) -> str:
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run([browser.chromium(), *browser.FLAGS, *OFFLINE, f"--user-data-dir={profile}",
                            "--virtual-time-budget=5000", "--dump-dom", page.as_uri()],
                           capture_output=True, text=True, timeout=180)
    assert "<body" in r.stdout, r.stderr[-2000:]
    return r.stdout


def assert_inert(page: Path) -> str:
    """The page as Chromium built it: nothing from HOSTILE became an element or ran. Returns the DOM."""
    dom = _dom(page)
    p = _Elements()
    p.feed(dom)
    body = [a for t, a in p.tags if t == "body"]
    assert body and "data-pwned" not in body[0], f"a script from the data ran in {page}"
    # (GX's own pages have onclick handlers of their own: only those made from a value count)
    handlers = [(t, k) for t, a in p.tags for k, v in a.items() if k.startswith("on") and v and
                ("alert(1)" in v or "data-pwned" in v)]
    assert not handlers, f"elements with event handlers from the data in {page}: {handlers}"
    assert not [a for t, a in p.tags if t == "img" and a.get("src") == "x"], f"an <img> from the data in {page}"
    return dom


@pytest.fixture(scope="module")
def gx_pages(tmp_path_factory) -> tuple[Path, Path]:
    """A validation of unit_id against the register, as the indikatorer suite does it, with the hostile
    values delivered as HSA-ids; and the start page that lists it."""
    import great_expectations as gx

    from orchestration.quality import datadocs
    from orchestration.quality.gx_bridge import GxSession

    docs = tmp_path_factory.mktemp("datadocs")
    session = GxSession(docs)
    session.activate()
    suite = gx.ExpectationSuite(name="marts.hostile")
    suite.add_expectation(gx.expectations.ExpectColumnValuesToBeInSet(column="unit_id", value_set=["SE1", PWN]))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToMatchRegex(column="unit_id", regex="^SE[0-9]+$"))
    v = session.validate(suite, pd.DataFrame({"unit_id": HOSTILE + ["SE1"]}), "run-1")
    assert not v.success and v.page is not None, v.docs_error
    datadocs.record(docs, v, asset="marts/indikatorer", check="gx", suite_page=session.suite_page(suite.name),
                    keep=10)
    return v.page, docs / datadocs.INDEX


def test_gx_validation_page_shows_hostile_hsa_ids_as_text(gx_pages):
    dom = assert_inert(gx_pages[0])
    p = _Elements()
    p.feed(dom)
    cells = {t.strip() for t in p.text}
    # GX lists each unexpected value in a cell of its own: all five, as delivered (the register value
    # PWN is in the set, so only the in-set expectation lets it through: it is still listed by the regex one)
    assert set(HOSTILE) <= cells


def test_gx_suite_and_start_pages_are_inert(gx_pages):
    assert_inert(gx_pages[1])
    suite_pages = list(gx_pages[1].parent.glob("gx/expectations/**/*.html"))
    assert suite_pages
    for page in suite_pages:  # the value set (from the register) is shown in the suite page
        assert_inert(page)


def test_report_shows_hostile_unit_names_and_ids_as_text(tmp_path):
    from orchestration.report import render

    db = tmp_path / "naravard.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE SCHEMA marts; CREATE SCHEMA meta")
    con.execute("CREATE TABLE marts.indikatorer (indicator_id VARCHAR, period VARCHAR, level VARCHAR, "
                "unit_id VARCHAR, unit_name VARCHAR, numerator DOUBLE, denominator DOUBLE, value DOUBLE, "
                "target DOUBLE, suppressed BOOLEAN)")
    con.execute("INSERT INTO marts.indikatorer VALUES ('T1_TELEFON_SAMMA_DAG', '2024-02', 'region', '24', "
                "'Region Västerbotten', 70, 100, 0.7, 1.0, false)")
    for i, bad in enumerate(HOSTILE):
        con.execute("INSERT INTO marts.indikatorer VALUES ('T1_TELEFON_SAMMA_DAG', '2024-02', 'vardenhet', ?, ?, "
                    "?, 100, ?, 1.0, false)", [bad, bad, 50 + i, (50 + i) / 100])
    con.execute("CREATE TABLE marts.dq_findings (check_id VARCHAR, source VARCHAR, period VARCHAR, level VARCHAR, "
                "unit_id VARCHAR, severity VARCHAR, affected DOUBLE, share DOUBLE, message VARCHAR)")
    for bad in HOSTILE:
        con.execute("INSERT INTO marts.dq_findings VALUES ('DQ_X', 'vardgaranti', '2024-02', 'vardenhet', ?, "
                    "'WARN', 12, 0.25, ?)", [bad, bad])
    con.execute("CREATE TABLE meta.publication AS SELECT 'pub-1' AS publication_id, 'run-1' AS run_id, "
                "TIMESTAMPTZ '2024-03-05 07:30:00+00' AS published_at, 5.0 AS suppression_threshold")
    con.close()
    page = render(db, tmp_path / "rapport")
    dom = assert_inert(page)
    first_cells = {row[0] for rows in pages.table_rows(dom).values() for row in rows}
    assert set(HOSTILE) <= first_cells
