"""The report's tables as rows of formatted Swedish text: the overview, one table of health
centres per indicator, and the data-quality gaps beside them."""
from __future__ import annotations

import pandas as pd

from orchestration.report import catalogue as cat

DQ_ROWS_PER_INDICATOR = 8
DQ_ROWS_IN_FULL_LIST = 400


def periods_of(rows: pd.DataFrame) -> list[str]:
    return sorted(rows["period"].dropna().unique())


def status(indicator_id: str, value, target) -> str:
    ok = cat.meets_target(indicator_id, value, target)
    return "" if ok is None else ("ok" if ok else "under")


def underlag(row, threshold: float) -> str:
    if row.get("suppressed"):
        return f"färre än {cat.number(threshold)}"
    d = row.get("denominator")
    return cat.number(d, 1 if d is not None and not pd.isna(d) and d % 1 else 0)


def overview(ind: pd.DataFrame, indicator_ids: list[str]) -> tuple[list[str], list[dict]]:
    """One row per indicator: each region's latest value, the change since the period before, the target."""
    regions = sorted(ind.loc[ind["level"] == "region", "unit_name"].unique(), key=cat.swedish_key)
    rows = []
    for iid in indicator_ids:
        r = ind[(ind["indicator_id"] == iid) & (ind["level"] == "region")]
        periods = periods_of(r)
        cells = []
        for name in regions:
            series = r[r["unit_name"] == name].set_index("period")["value"]
            now = series.get(periods[-1]) if periods else None
            before = series.get(periods[-2]) if len(periods) > 1 else None
            target = r["target"].dropna().iloc[0] if r["target"].notna().any() else None
            cells.append({"value": cat.fmt_value(iid, now), "change": cat.fmt_change(iid, now, before),
                          "status": status(iid, now, target)})
        target = r["target"].dropna()
        rows.append({"id": iid, "title": cat.text_for(iid).title, "period": periods[-1] if periods else "–",
                     "cells": cells, "target": cat.fmt_value(iid, target.iloc[0]) if len(target) else "–"})
    return regions, rows


def _findings_by_unit(dq: pd.DataFrame, source: str, period: str) -> dict[str, list[str]]:
    sel = dq[(dq["source"] == source) & (dq["period"] == period) & (dq["level"] == "vardenhet")]
    out: dict[str, list[str]] = {}
    for unit_id, message in zip(sel["unit_id"], sel["message"]):
        out.setdefault(unit_id, []).append(str(message))
    return out


def _by_unit_period(rows: pd.DataFrame) -> dict[str, dict[str, dict]]:
    """{unit_id: {period: row}} of rows, each row a dict (the first where a period repeats), in
    one pass: looking each unit up in the frame took seconds per page of a national region."""
    out: dict[str, dict[str, dict]] = {}
    for r in rows.to_dict("records"):
        out.setdefault(r["unit_id"], {}).setdefault(r["period"], r)
    return out


def _shown(indicator_id: str, row) -> str:
    if row is None:
        return ""
    return "prickad" if row["suppressed"] else cat.fmt_value(indicator_id, row["value"])


def unit_table(indicator_id: str, ind_rows: pd.DataFrame, dq: pd.DataFrame, threshold: float,
               beside_rows: pd.DataFrame | None = None) -> dict:
    """Every health centre's latest value, the one before, the target, the base and its gaps that period.
    Where the catalogue says so, also the region's value with each unit's difference from it, and another
    indicator's value beside (beside_rows: its rows)."""
    periods = periods_of(ind_rows)
    units = ind_rows[ind_rows["level"] == "vardenhet"]
    if units.empty or not periods:
        return {"period": None, "previous": None, "rows": [], "region": None, "beside": None}
    now_p = periods[-1]
    before_p = periods[-2] if len(periods) > 1 else None
    text = cat.text_for(indicator_id)
    region = None
    if text.against_region:
        at_region = ind_rows[(ind_rows["level"] == "region") & (ind_rows["period"] == now_p)]
        # One region per page (the national demo has a page per region): its value is the yardstick.
        if len(at_region) == 1:
            r = at_region.iloc[0]
            region = {"name": r["unit_name"], "text": _shown(indicator_id, r),
                      "value": None if r["suppressed"] else r["value"]}
    beside = None
    if text.beside and beside_rows is not None:
        beside = {"label": text.beside_label, "id": text.beside,
                  "rows": beside_rows[beside_rows["level"] == "vardenhet"]}
    gaps = _findings_by_unit(dq, cat.source_of(indicator_id), now_p)
    beside_at = {} if beside is None else _by_unit_period(beside["rows"])
    rows = []
    for unit_id, by_p in sorted(_by_unit_period(units).items()):
        name = next(iter(by_p.values()))["unit_name"]
        now = by_p.get(now_p)
        before = by_p.get(before_p) if before_p is not None else None
        v_now = None if now is None else now["value"]
        v_before = None if before is None else before["value"]
        target = None if now is None else now["target"]
        messages = gaps.get(unit_id, [])
        rows.append({
            "name": name, "unit_id": unit_id,
            "value": cat.fmt_value(indicator_id, v_now) if now is not None else "",
            "suppressed": bool(now is not None and now["suppressed"]),
            "before": cat.fmt_value(indicator_id, v_before) if before is not None else "",
            "change": cat.fmt_change(indicator_id, v_now, v_before),
            "target": cat.fmt_value(indicator_id, target) if target is not None and not pd.isna(target) else "",
            "underlag": underlag(now, threshold) if now is not None else "",
            "status": status(indicator_id, v_now, target),
            "gaps": len(messages), "gap_text": "\n".join(messages),
            "vs_region": "" if region is None or now is None or now["suppressed"]
            else cat.fmt_change(indicator_id, v_now, region["value"]),
            "beside": "" if beside is None else _shown(beside["id"], beside_at.get(unit_id, {}).get(now_p)),
        })
    rows.sort(key=lambda r: cat.swedish_key(r["name"]))
    return {"period": now_p, "previous": before_p, "rows": rows,
            "region": region and {"name": region["name"], "text": region["text"]},
            "beside": beside and beside["label"]}


def _affected(row, threshold: float) -> str:
    a = row.get("affected")
    if a is None or pd.isna(a):
        # The publish step blanks small counts at unit level (docs/bi.md).
        return f"färre än {cat.number(threshold)}" if row.get("level") != "fil" else "–"
    share = row.get("share")
    text = cat.number(a)
    if share is not None and not pd.isna(share):
        text += f" ({cat.number(share * 100, 1)}{cat.NBSP}%)"
    return text


def _finding(row, names: dict, threshold: float) -> dict:
    level, unit = row.get("level"), row.get("unit_id")
    return {
        "severity": cat.SEVERITIES.get(row.get("severity"), row.get("severity")),
        "severity_class": str(row.get("severity", "")).lower(),
        "check_id": row.get("check_id"), "source": cat.SOURCES.get(row.get("source"), row.get("source")),
        "period": row.get("period"), "level": cat.LEVELS.get(level, level),
        "unit": names.get((level, unit), unit), "affected": _affected(row, threshold),
        "message": row.get("message") or "",
    }


def _ordered(dq: pd.DataFrame) -> pd.DataFrame:
    # Errors first, then the newest period, then the most affected.
    return dq.assign(_err=(dq["severity"] != "ERROR")).sort_values(
        ["_err", "period", "affected"], ascending=[True, False, False], na_position="last").drop(columns="_err")


def dq_panel(source: str, dq: pd.DataFrame, names: dict, threshold: float) -> dict:
    """The gaps of one source: how many per check, and the latest ones."""
    sel = dq[dq["source"] == source]
    checks = []
    for check_id, g in sel.groupby("check_id"):
        periods = sorted(g["period"].dropna().astype(str).unique())
        checks.append({"check_id": check_id, "count": len(g),
                       "severity": cat.SEVERITIES.get(g["severity"].iloc[0], g["severity"].iloc[0]),
                       "severity_class": str(g["severity"].iloc[0]).lower(),
                       "periods": "–".join(dict.fromkeys([periods[0], periods[-1]])) if periods else ""})
    latest = [_finding(r, names, threshold) for _, r in _ordered(sel).head(DQ_ROWS_PER_INDICATOR).iterrows()]
    return {"source": cat.SOURCES.get(source, source), "total": len(sel), "checks": checks, "latest": latest}


def all_findings(dq: pd.DataFrame, names: dict, threshold: float) -> tuple[list[dict], int]:
    rows = [_finding(r, names, threshold) for _, r in _ordered(dq).head(DQ_ROWS_IN_FULL_LIST).iterrows()]
    return rows, len(dq)
