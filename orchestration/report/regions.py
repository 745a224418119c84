"""Which region each row of the report belongs to, so that a national publication becomes one page per
region and a national overview (a page of 21 regions, 290 kommuner and 1 100 health centres is neither
readable nor light).

marts.indikatorer names a unit, not its region. The region of a kommun, a länsdel and a health centre
comes from the project's reference data (dbt_project/seeds/reference), the same files the marts were
rolled up with; a kommun missing there falls back to its code's first two digits (a kommunkod is the
county code and two digits), a health centre missing from the registry has no region (the marts keep
it at vårdenhet level only; the overview counts it).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass

import pandas as pd

from orchestration import paths
from orchestration.report import catalogue as cat
from orchestration.report.data import ReportData


@dataclass(frozen=True)
class Region:
    code: str
    name: str

    @property
    def page(self) -> str:
        return f"region-{self.code}.html"


def _read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _lookups() -> dict[str, dict[str, str]]:
    kommuner = _read(paths.KOMMUNER_CSV)
    return {
        "kommun": {k["kommunkod"]: k["regionkod"] for k in kommuner},
        "lansdel": {k["lansdel"]: k["regionkod"] for k in kommuner if k["lansdel"].strip()},
        "vardenhet": {u["hsa_id"].strip().upper(): u["regionkod"] for u in _read(paths.VARDENHETER_CSV)},
    }


def region_column(frame: pd.DataFrame, lookups: dict[str, dict[str, str]] | None = None) -> pd.Series:
    """The regionkod of each row (by level and unit_id); None for a file-level row or an unknown unit."""
    lookups = lookups or _lookups()
    level, unit = frame["level"].astype(str), frame["unit_id"].astype(str)
    out = pd.Series(None, index=frame.index, dtype="object")
    out[level == "region"] = unit[level == "region"]
    k = level == "kommun"
    out[k] = unit[k].map(lambda u: lookups["kommun"].get(u, u[:2]))
    out[level == "lansdel"] = unit[level == "lansdel"].map(lookups["lansdel"])
    v = level == "vardenhet"
    out[v] = unit[v].str.strip().str.upper().map(lookups["vardenhet"])
    return out


def regions(data: ReportData) -> list[Region]:
    """The regions with a region-level row, in Swedish order of their names."""
    r = data.indikatorer[data.indikatorer["level"] == "region"][["unit_id", "unit_name"]].drop_duplicates("unit_id")
    found = [Region(str(c), str(n)) for c, n in r.itertuples(index=False)]
    return sorted(found, key=lambda x: cat.swedish_key(x.name))


def split(data: ReportData) -> tuple[dict[str, ReportData], int]:
    """{regionkod: the region's rows and findings}, and how many health-centre rows have no region.

    File-level findings concern the delivery, i.e. every region: each region's page shows them."""
    lookups = _lookups()
    ind_region = region_column(data.indikatorer, lookups)
    dq = data.dq_findings
    dq_region = region_column(dq, lookups) if len(dq) else pd.Series(dtype="object")
    file_level = (dq["level"] == "fil") if len(dq) else pd.Series(dtype=bool)
    out = {}
    for r in regions(data):
        out[r.code] = ReportData(
            data.indikatorer[ind_region == r.code].reset_index(drop=True),
            dq[(dq_region == r.code) | file_level].reset_index(drop=True) if len(dq) else dq,
            data.publication)
    unplaced = int((ind_region.isna() & (data.indikatorer["level"] == "vardenhet")).sum())
    return out, unplaced
