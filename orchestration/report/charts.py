"""The report's charts, drawn by plotly.js (no chart code of our own): per indicator a trend per
region and länsdel against the target, and a kommun-by-period heatmap centred on the target.

A figure is written as plotly's own JSON form (a dict of "data" and "layout"), not built from
plotly.graph_objects: those validate and deep-copy the template on every property set, which took
two thirds of the report's time on the national demo (about 300 figures; docs/benchmarks.md).
The JSON is the same, so plotly.js draws the same charts."""
from __future__ import annotations

import functools

import pandas as pd
import plotly.colors
import plotly.io as pio

from orchestration.report import catalogue as cat

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
# No plotly logo, no selection tools that mean nothing here; the camera
# (download as PNG) stays, people paste charts into their own reports.
CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["select2d", "lasso2d"]}
REGION_COLOURS = ["#1f4e79", "#7b2d26", "#2e6b30"]
MANY_COLOURS = plotly.colors.qualitative.Dark24
LANSDEL_COLOURS = ["#5b9bd5", "#ed7d31", "#70ad47", "#a5a5a5", "#ffc000", "#4472c4", "#9e480e"]


@functools.cache
def _template() -> dict:
    return pio.templates["plotly_white"].to_plotly_json()


def _figure(traces: list[dict], height: int, yaxis: dict | None = None) -> dict:
    # Titles are the page's headings, not plotly's: they never collide with the mode bar.
    return {"data": traces, "layout": dict(
        template=_template(), height=height, separators=", ",  # decimal comma, space between thousands
        font=dict(family=FONT, size=12), margin=dict(l=10, r=10, t=28, b=10),
        legend=dict(orientation="h", yanchor="top", y=-0.18, x=0),
        hoverlabel=dict(font=dict(family=FONT)),
        xaxis=dict(type="category", automargin=True, tickangle=-45),
        yaxis=dict(automargin=True, **(yaxis or {})),
    )}


def _underlag(row, threshold: float) -> str:
    if row is not None and row.get("suppressed"):  # before the denominator: A3 hides it when suppressed
        return f"prickad: underlaget är mindre än {cat.number(threshold)}"
    if row is None or pd.isna(row.get("denominator")):
        return ""
    return f"underlag {cat.number(row['denominator'], 1 if row['denominator'] % 1 else 0)}"


def trend(indicator_id: str, rows: pd.DataFrame, periods: list[str], threshold: float) -> dict:
    """Lines for every region (bold) and länsdel, and the target as a dashed line."""
    traces: list[dict] = []
    fmt = cat.hover_format(indicator_id)
    suffix = cat.axis_suffix(indicator_id)
    for level, colours, width in (("region", REGION_COLOURS, 3.5), ("lansdel", LANSDEL_COLOURS, 1.8)):
        units = rows[rows["level"] == level]
        names = sorted(units["unit_name"].unique(), key=cat.swedish_key)
        if level == "region" and len(names) > len(REGION_COLOURS):  # the national overview: 21 regions
            colours, width = MANY_COLOURS, 2.0
        for i, name in enumerate(names):
            by_period = units[units["unit_name"] == name].set_index("period").reindex(periods)
            recs = [None if pd.isna(r.get("denominator")) else r for _, r in by_period.iterrows()]
            traces.append(dict(
                type="scatter", x=periods, y=[cat.scaled(indicator_id, v) for v in by_period["value"]],
                name=name if level == "region" else f"{name} (länsdel)", mode="lines+markers",
                line=dict(width=width, color=colours[i % len(colours)]),
                marker=dict(size=5 if level == "lansdel" else 7),
                customdata=[_underlag(r, threshold) for r in recs],
                hovertemplate=f"%{{fullData.name}}<br>%{{x}}: %{{y:{fmt}}}{suffix}<br>%{{customdata}}<extra></extra>",
            ))
    target = rows.groupby("period")["target"].first().reindex(periods)
    if target.notna().any():
        traces.append(dict(
            type="scatter", x=periods, y=[cat.scaled(indicator_id, v) for v in target], name="Mål",
            mode="lines", line=dict(color="#222", width=1.5, dash="dash"),
            hovertemplate=f"Mål: %{{y:{fmt}}}{suffix}<extra></extra>"))
    return _figure(traces, 400, dict(ticksuffix=suffix))


# Colours of the heatmap: white at the target, the wrong side of it red, the right side blue.
RED, WHITE, BLUE = "#b2182b", "#f7f7f7", "#2166ac"
PURPLE, ORANGE = "#542788", "#b35806"  # K2: neither side is better


def _colours(indicator_id: str, z: list[list], target: float | None) -> dict:
    values = [v for row in z for v in row if v is not None]
    better = cat.text_for(indicator_id).better
    if target is None or not values:
        # plotly's own scale of that name (plotly.js has a different one of the same name)
        return dict(colorscale=plotly.colors.get_colorscale("Blues" if better >= 0 else "Oranges"))
    # The scale spans the data and the target, with white exactly at the target,
    # so "all below the target" reads as shades of one colour, not half a scale.
    lo, hi = min(values + [target]), max(values + [target])
    low, high = {1: (RED, BLUE), -1: (BLUE, RED)}.get(better, (PURPLE, ORANGE))
    if hi == lo:
        return dict(colorscale=[[0, WHITE], [1, WHITE]], zmin=lo, zmax=hi)
    p = (target - lo) / (hi - lo)
    if p <= 0:
        scale = [[0, WHITE], [1, high]]
    elif p >= 1:
        scale = [[0, low], [1, WHITE]]
    else:
        scale = [[0, low], [p, WHITE], [1, high]]
    return dict(colorscale=scale, zmin=lo, zmax=hi)


def kommun_heatmap(indicator_id: str, rows: pd.DataFrame, periods: list[str], threshold: float) -> dict:
    """One row per kommun, one column per period; an empty cell is suppressed or has no data."""
    kommuner = rows[rows["level"] == "kommun"]
    names = sorted(kommuner["unit_name"].unique(), key=cat.swedish_key, reverse=True)  # A at the top
    # (kommun, period) -> first non-empty value and suppressed flag, as a pivot with "first" would
    # give, in one pass over the rows (pivoting per chart took seconds per national page).
    value: dict[tuple, object] = {}
    suppressed: dict[tuple, bool] = {}
    for name, period, v, sup in zip(kommuner["unit_name"], kommuner["period"], kommuner["value"],
                                    kommuner["suppressed"]):
        if not pd.isna(v):
            value.setdefault((name, period), v)
        if not pd.isna(sup):
            suppressed.setdefault((name, period), bool(sup))
    cells_of = [[(value.get((n, p)), suppressed.get((n, p))) for p in periods] for n in names]
    z = [[cat.scaled(indicator_id, v) for v, _ in row] for row in cells_of]
    cells = [[cat.fmt_cell(indicator_id, v) if v is not None else ("–" if s is True else "") for v, s in row]
             for row in cells_of]
    hover = [[cat.fmt_value(indicator_id, v) if v is not None else (
        f"prickad (underlaget är mindre än {cat.number(threshold)})" if s is True else "inga data")
              for v, s in row]
             for row in cells_of]
    target = rows["target"].dropna()
    heat = dict(
        type="heatmap", z=z, x=periods, y=names, text=cells, texttemplate="%{text}", textfont=dict(size=10),
        customdata=hover, hovertemplate="%{y}, %{x}: %{customdata}<extra></extra>", xgap=1, ygap=1,
        colorbar=dict(thickness=10, ticksuffix=cat.axis_suffix(indicator_id)),
        **_colours(indicator_id, z, cat.scaled(indicator_id, float(target.iloc[0])) if len(target) else None))
    return _figure([heat], max(260, 110 + 24 * len(names)))


def to_div(fig: dict, div_id: str) -> str:
    # plotly.js itself is embedded once in the page head, not per chart and not from a CDN.
    # plotly's writer all the same (its JSON encoder makes "</script>" in a name inert).
    return pio.to_html(fig, validate=False, full_html=False, include_plotlyjs=False, div_id=div_id, config=CONFIG,
                       default_width="100%", default_height=f"{fig['layout']['height']}px")
