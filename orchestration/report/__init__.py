"""The report people read: <serving>/rapport/index.html, in Swedish, made from the serving copy.

Per indicator: the trend per region and länsdel against the target, every
kommun over time (a heatmap centred on the target), a table of the health
centres, and beside them the data-quality gaps of the source the indicator
comes from (marts.dq_findings). One self-contained HTML file: plotly.js is
embedded, so it opens offline, from a file share or as an e-mail attachment.

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
from orchestration.report.template import PAGE

REPORT_DIR = "rapport"
REPORT_FILE = "index.html"
TZ = ZoneInfo("Europe/Stockholm")
ORDER = list(cat.INDICATORS)


def _when(value) -> str:
    if value is None or value == "":
        return "okänt"
    ts = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if ts.tzinfo is not None:
        ts = ts.astimezone(TZ)
    return ts.strftime("%Y-%m-%d %H:%M")


def context(data: ReportData) -> dict:
    """Everything the template shows, as plain values (and plotly's chart HTML)."""
    ind, dq = data.indikatorer, data.dq_findings
    threshold = float(data.publication.get("suppression_threshold") or 5)
    ids = sorted(ind["indicator_id"].unique(), key=lambda i: (ORDER.index(i) if i in ORDER else len(ORDER), i))
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
            "units": tables.unit_table(iid, rows, dq, threshold),
            "dq": tables.dq_panel(text.source, dq_source, names, threshold),
        })
        latest = periods[-1] if periods else None
        next(o for o in overview if o["id"] == iid)["gaps"] = int((dq_source["period"] == latest).sum())
    dq_rows, dq_total = tables.all_findings(dq, names, threshold)
    all_periods = sorted(ind["period"].unique())
    pub = data.publication
    return {
        "plotly_js": get_plotlyjs(), "plotly_version": plotly.__version__,
        "regions": regions, "first_period": all_periods[0] if all_periods else "–",
        "last_period": all_periods[-1] if all_periods else "–",
        "published_at": _when(pub.get("published_at")), "publication_id": str(pub.get("publication_id", "okänd")),
        "run_id": str(pub.get("run_id") or ""), "threshold": cat.number(threshold),
        "overview": overview, "sections": sections, "dq_rows": dq_rows, "dq_total": dq_total,
    }


def render_html(data: ReportData) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(PAGE).render(**context(data))


def render(serving_db: Path, out_dir: Path, check_staged=None) -> Path:
    """Write out_dir/index.html from the serving database, atomically (temporary file, then rename).
    check_staged gets the written temporary before the rename (the privacy scan); when it raises,
    the page people open stays the previous one."""
    html = render_html(load(serving_db))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / REPORT_FILE
    tmp = atomic.temp_path(target)
    try:
        tmp.write_text(html, encoding="utf-8")
        if check_staged is not None:
            check_staged([tmp])
        atomic.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target
