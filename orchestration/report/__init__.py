"""The report people read: <serving>/rapport/index.html, in Swedish, made from the serving copy.

Per indicator: the trend per region and länsdel against the target, every
kommun over time (a heatmap centred on the target), a table of the health
centres, and beside them the data-quality gaps of the source the indicator
comes from (marts.dq_findings). One region: one self-contained HTML file,
plotly.js embedded, so it opens offline, from a file share or as an e-mail
attachment. More regions (the national demo): that page per region
(region-<kod>.html), a national overview as index.html, and plotly.js once
beside them (regions.py says which rows belong to which region).

    render(serving_db, out_dir) -> Path        (python -m orchestration.report SERVING_DIR)
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import plotly
from plotly.offline import get_plotlyjs

from orchestration.publish import atomic
from orchestration.report import catalogue as cat
from orchestration.report import charts, tables
from orchestration.report.data import ReportData, load
from orchestration.report.regions import Region, split
from orchestration.report.regions import regions as region_pages
from orchestration.report.template import NATIONAL, PAGE

REPORT_DIR = "rapport"
REPORT_FILE = "index.html"
PLOTLY_FILE = "plotly.min.js"
TZ = ZoneInfo("Europe/Stockholm")
ORDER = list(cat.INDICATORS)


def _when(value) -> str:
    if value is None or value == "":
        return "okänt"
    ts = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if ts.tzinfo is not None:
        ts = ts.astimezone(TZ)
    return ts.strftime("%Y-%m-%d %H:%M")


def _threshold(data: ReportData) -> float:
    return float(data.publication.get("suppression_threshold") or 5)


def _ordered_ids(ind) -> list[str]:
    return sorted(ind["indicator_id"].unique(), key=lambda i: (ORDER.index(i) if i in ORDER else len(ORDER), i))


def _header(data: ReportData, plotly_src: str | None) -> dict:
    """What every page shows at the top, and plotly.js: in the page, or one shared file beside it."""
    all_periods = sorted(data.indikatorer["period"].unique())
    pub = data.publication
    return {
        "plotly_js": "" if plotly_src else get_plotlyjs(), "plotly_src": plotly_src,
        "plotly_version": plotly.__version__,
        "first_period": all_periods[0] if all_periods else "–", "last_period": all_periods[-1] if all_periods else "–",
        "published_at": _when(pub.get("published_at")), "publication_id": str(pub.get("publication_id", "okänd")),
        "run_id": str(pub.get("run_id") or ""), "threshold": cat.number(_threshold(data)),
    }


def context(data: ReportData, plotly_src: str | None = None, home: str | None = None) -> dict:
    """Everything the template shows, as plain values (and plotly's chart HTML)."""
    ind, dq = data.indikatorer, data.dq_findings
    threshold = _threshold(data)
    ids = _ordered_ids(ind)
    names = data.unit_names()
    regions, overview = tables.overview(ind, ids)
    sections = []
    for iid in ids:
        rows = ind[ind["indicator_id"] == iid]
        periods = tables.periods_of(rows)
        text = cat.text_for(iid)
        target = rows["target"].dropna()
        dq_source = dq[dq["source"] == text.source] if text.source else dq.iloc[0:0]
        sections.append({
            "id": iid, "short": iid.split("_")[0], "title": text.title, "what": text.what, "unit": text.unit,
            "target": cat.fmt_value(iid, target.iloc[0]) if len(target) else "inget fastställt",
            "has_target": bool(len(target)), "better": text.better != 0, "unit_kind": text.kind,
            "trend": charts.to_div(charts.trend(iid, rows, periods, threshold), f"trend-{iid}"),
            "heatmap": charts.to_div(charts.kommun_heatmap(iid, rows, periods, threshold), f"kommuner-{iid}"),
            "units": tables.unit_table(iid, rows, dq, threshold,
                                       ind[ind["indicator_id"] == text.beside] if text.beside else None),
            "dq": tables.dq_panel(text.source, dq_source, names, threshold),
        })
        latest = periods[-1] if periods else None
        next(o for o in overview if o["id"] == iid)["gaps"] = int((dq_source["period"] == latest).sum())
    dq_rows, dq_total = tables.all_findings(dq, names, threshold)
    return _header(data, plotly_src) | {
        "regions": regions, "home": home,
        "overview": overview, "sections": sections, "dq_rows": dq_rows, "dq_total": dq_total,
    }


def national_context(data: ReportData, pages: list[Region], unplaced: int) -> dict:
    """The national overview: every region's latest value of every indicator (each region links to its
    page), one trend chart per indicator with a line per region, and the data-quality gaps."""
    ind = data.indikatorer
    threshold = _threshold(data)
    ids = _ordered_ids(ind)
    at_region = ind[ind["level"] == "region"]
    columns, charts_ = [], []
    for iid in ids:
        rows = at_region[at_region["indicator_id"] == iid]
        periods = tables.periods_of(rows)
        text = cat.text_for(iid)
        columns.append({"id": iid, "short": iid.split("_")[0], "title": text.title,
                        "period": periods[-1] if periods else "–"})
        charts_.append({"id": iid, "short": iid.split("_")[0], "title": text.title, "what": text.what,
                        "chart": charts.to_div(charts.trend(iid, rows, periods, threshold), f"trend-{iid}")})
    latest = {c["id"]: c["period"] for c in columns}
    by_key = {(i, u): r for i, u, r in zip(at_region["indicator_id"], at_region["unit_id"],
                                           at_region.itertuples(index=False)) if r.period == latest[i]}
    rows = []
    for region in pages:
        cells = []
        for iid in ids:
            r = by_key.get((iid, region.code))
            cells.append({"value": "" if r is None else ("prickad" if r.suppressed else cat.fmt_value(iid, r.value)),
                          "status": "" if r is None else ("prickad" if r.suppressed else tables.status(
                              iid, r.value, r.target))})
        rows.append({"name": region.name, "page": region.page, "cells": cells})
    dq_rows, dq_total = tables.all_findings(data.dq_findings, data.unit_names(), threshold)
    return _header(data, PLOTLY_FILE) | {
        "columns": columns, "rows": rows, "charts": charts_, "dq_rows": dq_rows, "dq_total": dq_total,
        "n_regions": len(pages), "unplaced": unplaced,
        "n_kommuner": int(ind.loc[ind["level"] == "kommun", "unit_id"].nunique()),
        "n_units": int(ind.loc[ind["level"] == "vardenhet", "unit_id"].nunique()),
    }


def _env() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(data: ReportData, plotly_src: str | None = None, home: str | None = None) -> str:
    return _env().from_string(PAGE).render(**context(data, plotly_src, home))


def pages(data: ReportData) -> dict[str, str]:
    """{file name: content} of the report. One region: one self-contained page, plotly.js inside.
    More: a page per region and the national overview (index.html), sharing one plotly.js file
    beside them (21 copies of it would be 95 MB)."""
    found = region_pages(data)
    if len(found) <= 1:
        return {REPORT_FILE: render_html(data)}
    parts, unplaced = split(data)
    out = {PLOTLY_FILE: get_plotlyjs()}
    for region in found:
        out[region.page] = render_html(parts[region.code], plotly_src=PLOTLY_FILE, home=REPORT_FILE)
    out[REPORT_FILE] = _env().from_string(NATIONAL).render(**national_context(data, found, unplaced))
    return out


def render(serving_db: Path, out_dir: Path, check_staged=None) -> Path:
    """Write the report's files into out_dir from the serving database and return out_dir/index.html.
    Every file is first written to a temporary; check_staged gets the temporaries before any rename
    (the privacy scan), and when it raises, the pages people open stay the previous ones. Then each is
    renamed into place, the index last; pages of an earlier report that this one no longer has (a
    region that left, plotly.js of a multi-page report) are removed."""
    files = pages(load(serving_db))
    out_dir.mkdir(parents=True, exist_ok=True)
    staged = {name: atomic.temp_path(out_dir / name) for name in files}
    try:
        for name, text in files.items():
            staged[name].write_text(text, encoding="utf-8")
        if check_staged is not None:
            check_staged(list(staged.values()))
        # The index last, so it never links to a page not yet in place.
        for name in sorted(files, key=lambda n: n == REPORT_FILE):
            atomic.replace(staged[name], out_dir / name)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    for stale in [*out_dir.glob("region-*.html"), out_dir / PLOTLY_FILE]:
        if stale.name not in files:
            stale.unlink(missing_ok=True)
    return out_dir / REPORT_FILE
