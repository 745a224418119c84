"""(b) The report, opened in headless Chromium with the network closed, draws every chart.

(docs/img/rapport.png is made the same way from a scale-1 demo run; docs/bi.md has the command.)
"""
from __future__ import annotations

import re
import subprocess
import tempfile

from tests import browser
from tests.serving import pages

# Every request that would leave the machine goes to a closed port: the page must not need one.
OFFLINE = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]


def _dom(url: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        r = subprocess.run([browser.chromium(), *browser.FLAGS, *OFFLINE, f"--user-data-dir={profile}",
                            "--virtual-time-budget=15000", "--dump-dom", url],
                           capture_output=True, text=True, timeout=180)
    return r.stdout


def _chart_divs(dom: str) -> dict[str, str]:
    """{chart id: the DOM inside its div}, cut at the next chart."""
    starts = [(m.start(), m.group(1)) for m in re.finditer(r'<div id="((?:trend|kommuner)-[^"]+)"', dom)]
    return {cid: dom[pos:(starts[i + 1][0] if i + 1 < len(starts) else len(dom))]
            for i, (pos, cid) in enumerate(starts)}


def test_the_page_loads_nothing_from_the_network(two_runs):
    html = (two_runs.serving / "rapport" / "index.html").read_text(encoding="utf-8")
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//[^"]+"', html)
    assert not external


def test_every_chart_is_drawn_in_chromium(two_runs, tmp_path):
    # The scenario holds three regions, so the report is a page per region; the demo region's
    # page (Västerbotten, 24) has every indicator.
    report = two_runs.serving / "rapport" / "region-24.html"
    expected = set(pages.figures(report.read_text(encoding="utf-8")))
    assert len(expected) == 30  # two charts for each of the fifteen indicators (K4-K8 of contract 1.2)
    dom = _dom(report.as_uri())
    drawn = _chart_divs(dom)
    assert set(drawn) == expected
    for cid, inner in drawn.items():
        assert 'class="main-svg"' in inner, f"{cid} was not drawn"
        if cid.startswith("trend-"):
            assert re.search(r'class="trace scatter', inner), f"{cid} has no lines"
        else:
            assert 'class="hm"' in inner and "<image" in inner, f"{cid} has no heatmap"

    shot = browser.screenshot(report.as_uri(), tmp_path / "rapport.png", size="1280,1700", wait_ms=15000)
    assert 50_000 < shot.stat().st_size < 1_000_000  # a drawn page, small enough to keep in docs/
