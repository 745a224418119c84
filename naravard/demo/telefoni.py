"""vardgaranti/telefoni: one row per health centre and day.

Calls scale with the unit's listed population, peak on Mondays, drop in July
and on days off (weekends and fixed holidays get a row with few or no calls).
The same-day answer rate varies by unit (some good, some poor), by season and
by day; one shift per year calibrates the region's yearly T1 to its target.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import columns, dates, targets
from .rand import expit, logit, solve_shift, stream
from .region import Region
from .writer import Table

CALLS_PER_LISTED_WORKDAY = 0.0062
CALLS_PER_LISTED_DAY_OFF = 0.0003
_WEEKDAY_LOAD = np.array([1.35, 1.05, 1.0, 0.95, 0.85, 1.0, 1.0])
_SEASON_LOAD = np.array([1.15, 1.10, 1.05, 1.0, 0.95, 0.90, 0.65, 0.90, 1.05, 1.05, 1.05, 0.95])
# How answering fares by season (logit shifts): July holidays, January peak.
_SEASON_ANSWER = np.array([-0.15, -0.10, 0.0, 0.05, 0.05, 0.05, -0.25, -0.10, 0.0, 0.05, 0.05, 0.0])
UNIT_SPREAD = 0.55
DAY_SPREAD = 0.30
MONDAY_ANSWER = -0.25


@dataclass
class Telefoni:
    unit: np.ndarray
    day: np.ndarray
    calls: np.ndarray
    answered: np.ndarray
    month_rows: list[tuple[int, int]]  # row range per month

    def table(self, region: Region, m: int) -> Table:
        s, e = self.month_rows[m]
        unit = self.unit[s:e]
        return Table(e - s, {
            "hsa_id": columns.hsa(region, unit),
            "datum": columns.date(self.day[s:e]),
            "inkommande_samtal": columns.integer(self.calls[s:e]),
            "besvarade_samma_dag": columns.integer(self.answered[s:e]),
            "enhetsnamn": columns.unit_name(region, unit),
        })

    def t1_by_year(self) -> dict[str, dict]:
        years = dates.year_of(self.day)
        out = {}
        for y in np.unique(years):
            sel = years == y
            num, den = int(self.answered[sel].sum()), int(self.calls[sel].sum())
            out[str(y)] = {"numerator": num, "denominator": den, "value": num / den if den else None}
        return out


def build(region: Region, months: list[str], listed_um: np.ndarray, seed: int) -> Telefoni:
    rng = stream(seed, "telefoni")
    n_units = region.n_units
    unit_effect = rng.normal(0, UNIT_SPREAD, n_units)
    units, days, month_rows = [], [], []
    row = 0
    for m, month in enumerate(months):
        d = np.arange(dates.month_first_day(month), dates.month_last_day(month) + 1)
        units.append(np.repeat(np.arange(n_units), len(d)))
        days.append(np.tile(d, n_units))
        month_rows.append((row, row + n_units * len(d)))
        row += n_units * len(d)
    unit = np.concatenate(units)
    day = np.concatenate(days)
    m_idx = np.repeat(np.arange(len(months)), [e - s for s, e in month_rows])
    listed = listed_um[m_idx, unit]
    cal_month = dates.month_of(day) - 1
    wd = dates.weekday(day)
    work = dates.is_workday(day)
    rate = np.where(work, CALLS_PER_LISTED_WORKDAY * _WEEKDAY_LOAD[wd] * _SEASON_LOAD[cal_month],
                    CALLS_PER_LISTED_DAY_OFF)
    # Overdispersed counts: a gamma-distributed day load, then Poisson.
    calls = rng.poisson(listed * rate * rng.gamma(25.0, 1 / 25.0, len(day))).astype(np.int64)
    logits = (unit_effect[unit] + _SEASON_ANSWER[cal_month] + rng.normal(0, DAY_SPREAD, len(day))
              + np.where(wd == 0, MONDAY_ANSWER, 0.0))
    years = dates.year_of(day)
    p = np.empty(len(day))
    for y in np.unique(years):
        sel = years == y
        base = logit(targets.for_year(targets.T1_TELEFON_SAMMA_DAG, int(y)))
        shift = solve_shift(base + logits[sel], calls[sel].astype(float), targets.for_year(
            targets.T1_TELEFON_SAMMA_DAG, int(y)))
        p[sel] = expit(base + logits[sel] + shift)
    answered = rng.binomial(calls, p)
    return Telefoni(unit=unit.astype(np.int16), day=day, calls=calls, answered=answered, month_rows=month_rows)
