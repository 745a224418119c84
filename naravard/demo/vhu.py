"""vhu/inbjudan and vhu/undersokning: Västerbottens hälsoundersökningar.

Listed residents are invited in the year they turn 40, 50 or 60 (and people
in LSS housing every third year, as a pilot), in a month spread over the year
with a summer dip, by the unit where they are listed. Some of them come for
an examination 1–12 weeks later, possibly in the next year. Who comes is
chosen by a stable per-person propensity, varying by unit, so that the
region's participation (distinct persons examined in the year / distinct
persons invited in the year) meets the reported figure exactly.

Defect: far_forskriven (FaR) left blank for a large share of the examinations
with fysisk_aktivitet_lag = J (registered by hand, often missing).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.ingest.schemas import MALGRUPP

from . import columns, dates, targets
from .population import Population
from .rand import stream
from .region import Region
from .writer import Table

INVITE_AGES = tuple(int(g) for g in MALGRUPP if g.isdigit())
LSS = MALGRUPP.index("lss")
LSS_CYCLE_YEARS = 3
_INVITE_MONTH_W = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.8, 0.2, 0.6, 1.0, 1.0, 1.0, 0.7])
EXAM_DELAY_MIN, EXAM_DELAY_GAMMA = 7, (2.0, 14.0)
UNIT_SPREAD = 0.35
LOW_ACTIVITY_SHARE = 0.30
HALSOSAMTAL_SHARE = 0.93
MEASURE_BLANK = 0.01
# FaR when activity is low: (J, N, blank) with and without the registration gap.
FAR_LOW_ACTIVITY = {True: (0.25, 0.20, 0.55), False: (0.55, 0.45, 0.0)}
FAR_BLANK_WHEN_ACTIVE = 0.5  # not a gap: no FaR expected


@dataclass
class Vhu:
    inv_person: np.ndarray
    inv_day: np.ndarray
    inv_unit: np.ndarray
    inv_group: np.ndarray
    inv_rows: list[tuple[int, int]]
    ex_person: np.ndarray
    ex_day: np.ndarray
    ex_unit: np.ndarray
    ex_group: np.ndarray
    ex_values: dict[str, np.ndarray]
    ex_rows: list[tuple[int, int]]

    def inbjudan(self, pop: Population, region: Region, m: int, seed: int) -> Table:
        s, e = self.inv_rows[m]
        p = self.inv_person[s:e]
        u_form = stream(seed, "vhu", "form-inv", m).random(e - s, dtype=np.float32)
        return Table(e - s, {
            "personnummer": columns.pnr(pop.ymd[p], pop.tail[p], u_form),
            "hsa_id": columns.hsa(region, self.inv_unit[s:e]),
            "inbjudningsdatum": columns.date(self.inv_day[s:e]),
            "malgrupp": columns.lookup(_GROUP_TEXT, self.inv_group[s:e]),
        })

    def undersokning(self, pop: Population, region: Region, m: int, seed: int) -> Table:
        s, e = self.ex_rows[m]
        p = self.ex_person[s:e]
        v = {k: a[s:e] for k, a in self.ex_values.items()}
        u_form = stream(seed, "vhu", "form-ex", m).random(e - s, dtype=np.float32)
        unit = self.ex_unit[s:e]
        return Table(e - s, {
            "personnummer": columns.pnr(pop.ymd[p], pop.tail[p], u_form),
            "hsa_id": columns.hsa(region, unit),
            "undersokningsdatum": columns.date(self.ex_day[s:e]),
            "malgrupp": columns.lookup(_GROUP_TEXT, self.ex_group[s:e]),
            "bmi": columns.decimal(v["bmi"], 1, v["bmi"] < 0),
            "systoliskt_bt": columns.integer(np.maximum(v["sys"], 0), v["sys"] < 0),
            "diastoliskt_bt": columns.integer(np.maximum(v["dia"], 0), v["dia"] < 0),
            "glukos": columns.decimal(np.maximum(v["glukos"], 0), 1, v["glukos"] < 0),
            "kolesterol": columns.decimal(np.maximum(v["kolesterol"], 0), 1, v["kolesterol"] < 0),
            "fysisk_aktivitet_lag": columns.jn(v["fal"]),
            "halsosamtal": columns.jn(v["halsosamtal"]),
            "far_forskriven": columns.jn(v["far"]),
            "enhetsnamn": columns.unit_name(region, unit),
        })

    def participation(self) -> dict[str, dict]:
        out = {}
        inv_y = dates.year_of(self.inv_day)
        ex_y = dates.year_of(self.ex_day)
        for y in np.unique(np.r_[inv_y, ex_y]):
            den = len(np.unique(self.inv_person[inv_y == y]))
            num = len(np.unique(self.ex_person[ex_y == y]))
            out[str(y)] = {"numerator": num, "denominator": den, "value": num / den if den else None}
        return out


_GROUP_TEXT = np.array([g.encode() for g in MALGRUPP])


def _invitations(pop: Population, months: list[str], rng: np.random.Generator):
    month_index = {m: i for i, m in enumerate(months)}
    birth_year = dates.year_of(pop.birth_day)
    resident = pop.kommun >= 0
    lss_phase = rng.integers(0, LSS_CYCLE_YEARS, pop.n)
    person, group, m_idx = [], [], []
    for y in sorted({int(m[:4]) for m in months}):
        g = np.full(pop.n, -1, dtype=np.int64)
        for i, age in enumerate(INVITE_AGES):
            g[resident & (birth_year == y - age)] = i
        g[(g < 0) & pop.lss & ((y + lss_phase) % LSS_CYCLE_YEARS == 0)] = LSS
        who = np.flatnonzero(g >= 0)
        cal = rng.choice(12, size=len(who), p=_INVITE_MONTH_W / _INVITE_MONTH_W.sum())
        lookup = np.array([month_index.get(f"{y}-{c + 1:02d}", -1) for c in range(12)])
        mi = lookup[cal]
        ok = mi >= 0
        who, mi = who[ok], mi[ok]
        listed = pop.is_active(who, mi)
        person.append(who[listed])
        group.append(g[who[listed]])
        m_idx.append(mi[listed])
    return np.concatenate(person), np.concatenate(group), np.concatenate(m_idx)


def _workday_in_month(month_first: np.ndarray, month_len: np.ndarray, m_idx: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    day = month_first[m_idx] + np.floor(rng.random(len(m_idx)) * month_len[m_idx]).astype(np.int64)
    wd = dates.weekday(day)
    # Weekend -> the Friday before (stays in the month unless the 1st is a weekend).
    back = np.where(wd == 5, 1, np.where(wd == 6, 2, 0))
    moved = day - back
    return np.where(moved >= month_first[m_idx], moved, day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0)))


def build(pop: Population, region: Region, months: list[str], defects: bool, seed: int) -> Vhu:
    rng = stream(seed, "vhu")
    n_m = len(months)
    month_first = np.array([dates.month_first_day(m) for m in months] + [dates.month_last_day(months[-1]) + 1])
    month_len = np.diff(month_first)
    person, group, inv_m = _invitations(pop, months, rng)
    inv_day = _workday_in_month(month_first, month_len, inv_m, rng)
    inv_unit = pop.unit_at(person, inv_m) if len(person) else np.zeros(0, dtype=np.int8)
    inv_year = dates.year_of(inv_day)

    # The examination that would follow, if the person comes.
    delay = EXAM_DELAY_MIN + np.floor(rng.gamma(*EXAM_DELAY_GAMMA, len(person))).astype(np.int64)
    ex_day = inv_day + delay
    wd = dates.weekday(ex_day)
    ex_day = ex_day + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))
    ex_m = np.searchsorted(month_first, ex_day, side="right") - 1
    valid = (ex_m < n_m) & pop.is_active(person, np.minimum(ex_m, n_m - 1))
    ex_year = dates.year_of(ex_day)
    unit_factor = rng.lognormal(0, UNIT_SPREAD, region.n_units)
    score = rng.random(len(person)) / unit_factor[inv_unit]

    come = np.zeros(len(person), dtype=bool)
    spill = 0  # examined this year, invited last year
    for y in np.unique(inv_year):
        invited = int((inv_year == y).sum())
        need = int(round(targets.for_year(targets.V1_VHU_DELTAGANDE, int(y)) * invited)) - spill
        this_year = np.flatnonzero((inv_year == y) & valid & (ex_year == y))
        next_year = np.flatnonzero((inv_year == y) & valid & (ex_year > y))
        if need > 0 and len(this_year):
            k = min(need, len(this_year)) - 1
            threshold = np.partition(score[this_year], k)[k]
            come[this_year] = score[this_year] <= threshold
            come[next_year] = score[next_year] <= threshold
        spill = int(come[next_year].sum())

    ex = np.flatnonzero(come)
    ex = ex[np.lexsort((person[ex], ex_day[ex]))]
    values = _examination_values(pop, person[ex], ex_day[ex], defects, rng)
    inv_order = np.lexsort((person, inv_day))
    return Vhu(
        inv_person=person[inv_order], inv_day=inv_day[inv_order], inv_unit=inv_unit[inv_order],
        inv_group=group[inv_order], inv_rows=_rows(inv_day[inv_order], month_first),
        ex_person=person[ex], ex_day=ex_day[ex], ex_unit=pop.unit_at(person[ex], ex_m[ex]),
        ex_group=group[ex], ex_values=values, ex_rows=_rows(ex_day[ex], month_first),
    )


def _rows(sorted_days: np.ndarray, month_first: np.ndarray) -> list[tuple[int, int]]:
    a = np.searchsorted(sorted_days, month_first[:-1])
    b = np.searchsorted(sorted_days, month_first[1:])
    return [(int(x), int(y)) for x, y in zip(a, b)]


def _examination_values(pop: Population, person: np.ndarray, day: np.ndarray, defects: bool,
                        rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Plausible measurements; -1 = not measured. Decimals stored in tenths."""
    n = len(person)
    age = (day - pop.birth_day[person]) / 365.2425
    bmi = np.clip(np.round(np.exp(rng.normal(np.log(26.5), 0.16, n)) * 10), 150, 550)
    sys = np.clip(np.round(rng.normal(112 + 0.45 * age, 15, n)), 90, 210)
    dia = np.clip(np.round(rng.normal(70 + 0.2 * age, 9, n)), 50, 120)
    dia = np.minimum(dia, sys - 25)
    glukos = np.clip(np.round(rng.normal(5.4, 0.7, n) * 10), 35, 150)
    kolesterol = np.clip(np.round(rng.normal(5.2, 1.0, n) * 10), 25, 100)
    values = {}
    for name, arr in (("bmi", bmi), ("sys", sys), ("dia", dia), ("glukos", glukos), ("kolesterol", kolesterol)):
        values[name] = np.where(rng.random(n) < MEASURE_BLANK, -1, arr).astype(np.int64)
    low = rng.random(n) < LOW_ACTIVITY_SHARE
    values["fal"] = low.astype(np.int8)
    values["halsosamtal"] = (rng.random(n) < HALSOSAMTAL_SHARE).astype(np.int8)
    j, nn, _ = FAR_LOW_ACTIVITY[defects]
    r = rng.random(n)
    far_low = np.where(r < j, 1, np.where(r < j + nn, 0, 2))
    far_active = np.where(rng.random(n) < FAR_BLANK_WHEN_ACTIVE, 2, 0)
    values["far"] = np.where(low, far_low, far_active).astype(np.int8)
    return values
