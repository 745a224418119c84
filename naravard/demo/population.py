"""The region's residents as compact numpy arrays, stable across months.

One entry per person who is ever listed in the horizon (plus a pool of
visitors who are never listed and only turn up in the ambulance data). A
person is listed in month m when first_m <= m < leave_m: the initial residents
from month 0, newborns and people moving in from their arrival month, and
people who die or move away until they leave. A few change health centre
once (switch_m). Nursing-home residents (SÄBO) have sabo_m, the month they
moved in; elderly people keep moving in and dying there, so the count drifts.

About 50 bytes per person: the national scale (10.5 million) needs ~0.6 GB.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import dates, personnummer
from .rand import stream
from .region import Region

NEVER = 32767  # int16 "not in the horizon"

# Share of residents by single year of age, 0..104 (a Västerbotten-like
# pyramid with the student bulge of Umeå in the twenties).
_AGE_BANDS = ((0, 5, 1.02), (5, 20, 1.10), (20, 30, 1.35), (30, 65, 1.20), (65, 80, 1.067),
              (80, 90, 0.55), (90, 95, 0.20), (95, 100, 0.07), (100, 105, 0.01))
# Ages of people moving into the region.
_MOVER_BANDS = ((0, 18, 0.6), (18, 36, 3.0), (36, 65, 0.8), (65, 90, 0.2))


def _weights(bands) -> np.ndarray:
    w = np.zeros(105)
    for lo, hi, v in bands:
        w[lo:hi] = v
    return w / w.sum()


def _by_age(age: np.ndarray, cuts: tuple[int, ...], values: tuple[float, ...]) -> np.ndarray:
    return np.asarray(values)[np.searchsorted(np.asarray(cuts), age, side="right")]


# Monthly hazards.
def _death_hazard(age: np.ndarray) -> np.ndarray:
    return _by_age(age, (50, 65, 80, 90), (0.00003, 0.0003, 0.0012, 0.005, 0.014))


def _move_hazard(age: np.ndarray) -> np.ndarray:
    return _by_age(age, (18, 31), (0.0008, 0.004, 0.0008))


def _sabo_share(age: np.ndarray) -> np.ndarray:
    return _by_age(age, (65, 80, 90), (0.0, 0.01, 0.09, 0.33))


def _sabo_entry_hazard(age: np.ndarray) -> np.ndarray:
    return _by_age(age, (65, 80), (0.0, 0.0004, 0.0046))


SABO_DEATH_HAZARD = 0.025
UNIT_SWITCH_PER_MONTH = 0.0005
VISITOR_SHARE = 0.025  # of residents: people from elsewhere (ambulance only)
SAMORDNING_SHARE = 0.003  # residents with a samordningsnummer
LSS_SHARE = 0.004  # adults 20–65 living in LSS housing (VHU pilot)
# Unit size weights by the registry's physician band.
_BAND_WEIGHT = {"1": 1.0, "2-4": 3.0, "5-7": 6.0, "8+": 10.0}
OWN_KOMMUN_SHARE = 0.93


@dataclass
class Population:
    birth_day: np.ndarray  # int32 day number
    male: np.ndarray  # bool
    ymd: np.ndarray  # int32, personnummer YYYYMMDD (+60 samordningsnummer)
    tail: np.ndarray  # int16, personnummer NNNC
    kommun: np.ndarray  # int16 index into Region.kommunkod; -1 visitor
    unit_a: np.ndarray  # int16 unit index (registry order); -1 visitor
    unit_b: np.ndarray  # int16 unit after the switch
    switch_m: np.ndarray  # int16 month of the switch, NEVER if none
    list_day_a: np.ndarray  # int32 listningsdatum at unit_a
    list_day_b: np.ndarray  # int32 listningsdatum at unit_b
    first_m: np.ndarray  # int16 first listed month; NEVER for visitors
    leave_m: np.ndarray  # int16 first month no longer listed; NEVER if stays
    sabo_m: np.ndarray  # int16 month moved into SÄBO; NEVER if not
    lss: np.ndarray  # bool
    u_flk: np.ndarray  # float32 propensity to have a registered fast läkarkontakt
    u_gp: np.ndarray  # float32 which specialist becomes the named GP
    u_fvk: np.ndarray  # float32 fast vårdkontakt

    @property
    def n(self) -> int:
        return len(self.birth_day)

    def active(self, m: int) -> np.ndarray:
        return np.flatnonzero((self.first_m <= m) & (self.leave_m > m))

    def unit_at(self, idx: np.ndarray, m: int) -> np.ndarray:
        return np.where(self.switch_m[idx] <= m, self.unit_b[idx], self.unit_a[idx])

    def list_day_at(self, idx: np.ndarray, m: int) -> np.ndarray:
        return np.where(self.switch_m[idx] <= m, self.list_day_b[idx], self.list_day_a[idx])

    def sabo_at(self, idx: np.ndarray, m: int) -> np.ndarray:
        return self.sabo_m[idx] <= m

    def is_active(self, idx: np.ndarray, m: np.ndarray) -> np.ndarray:
        return (self.first_m[idx] <= m) & (self.leave_m[idx] > m)


def _allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integer counts summing to total, proportional to weights (largest remainder)."""
    raw = total * weights / weights.sum()
    counts = np.floor(raw).astype(np.int64)
    rest = total - counts.sum()
    counts[np.argsort(-(raw - counts), kind="stable")[:rest]] += 1
    return counts


def choose_units(kommun: np.ndarray, region: Region, weight: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Most residents list in their own kommun; the rest anywhere in their region."""
    unit = np.empty(len(kommun), dtype=np.int16)
    r = rng.random(len(kommun))
    own = rng.random(len(kommun)) < OWN_KOMMUN_SHARE
    # Residents by kommun once (a stable sort), not one scan of everyone per kommun: the nation has 290.
    order = np.argsort(kommun, kind="stable")
    bounds = np.searchsorted(kommun[order], np.arange(region.n_kommuner + 1))
    area = region.area_of_kommun
    elsewhere = {a: [] for a in np.unique(area)}
    for k in range(region.n_kommuner):
        people = order[bounds[k]:bounds[k + 1]]
        units_k = np.flatnonzero(region.unit_kommun == k)
        cw = np.cumsum(weight[units_k]) / weight[units_k].sum()
        sel = people[own[people]]
        unit[sel] = units_k[np.minimum(np.searchsorted(cw, r[sel]), len(units_k) - 1)]
        elsewhere[area[k]].append(people[~own[people]])
    unit_area = area[region.unit_kommun]
    for a, groups in elsewhere.items():
        units_a = np.flatnonzero(unit_area == a)
        cw = np.cumsum(weight[units_a]) / weight[units_a].sum()
        sel = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
        unit[sel] = units_a[np.minimum(np.searchsorted(cw, r[sel]), len(units_a) - 1)]
    return unit


def build(region: Region, n_listed: int, months: list[str], seed: int) -> Population:
    n_months = len(months)
    start = dates.month_first_day(months[0])
    month_first = np.array([dates.month_first_day(m) for m in months])
    month_last = np.array([dates.month_last_day(m) for m in months])
    age_w = _weights(_AGE_BANDS)

    rng = stream(seed, "population", "units")
    unit_weight = np.array([_BAND_WEIGHT[b] for b in region.unit_band]) * rng.lognormal(0, 0.15, region.n_units)

    # -- initial residents -------------------------------------------------
    kommun0, birth0, leave0, sabo_m0, list0 = _initial_residents(region, n_listed, n_months, start, age_w, seed)
    n0 = n_listed

    # -- arrivals: newborns and people moving in ---------------------------
    rng = stream(seed, "population", "arrivals")
    leavers = np.bincount(leave0[leave0 < NEVER].astype(np.int64), minlength=n_months)
    k_m = np.zeros(n_months, dtype=np.int64)
    for m in range(1, n_months):
        noise = rng.normal(0, np.sqrt(max(leavers[m], 1)))
        k_m[m] = max(0, int(round(leavers[m] + n_listed * 0.00025 + noise)))
    na = int(k_m.sum())
    first_a = np.repeat(np.arange(n_months), k_m)
    born = rng.random(na) < 0.45
    mover_age = rng.choice(105, size=na, p=_weights(_MOVER_BANDS))
    mlen = (month_last - month_first + 1)[first_a]
    in_month = month_first[first_a] + np.floor(rng.random(na) * mlen).astype(np.int64)
    birth_a = np.where(born, in_month,
                       in_month - np.floor((mover_age + rng.random(na)) * 365.2425) - 1).astype(np.int32)
    list_a = np.where(born, np.minimum(birth_a + rng.integers(0, 15, na), month_last[first_a]),
                      in_month).astype(np.int32)
    kw = region.inhabitants.astype(float)
    kommun_a = rng.choice(region.n_kommuner, size=na, p=kw / kw.sum()).astype(np.int16)

    # -- visitors: never listed, only in the ambulance data ----------------
    rng = stream(seed, "population", "visitors")
    nv = int(round(VISITOR_SHARE * n_listed))
    age_v = rng.choice(105, size=nv, p=age_w)
    birth_v = (start - np.floor((age_v + rng.random(nv)) * 365.2425) - 1).astype(np.int32)

    # -- everyone together --------------------------------------------------
    n = n0 + na + nv
    birth = np.concatenate([birth0, birth_a, birth_v])
    kommun = np.concatenate([kommun0, kommun_a, np.full(nv, -1, np.int16)])
    first_m = np.concatenate([np.zeros(n0, np.int16), first_a.astype(np.int16), np.full(nv, NEVER, np.int16)])
    leave_m = np.concatenate([leave0, np.full(na, NEVER, np.int16), np.zeros(nv, np.int16)])
    sabo_m = np.concatenate([sabo_m0, np.full(na + nv, NEVER, np.int16)])
    list_day_a = np.concatenate([list0, list_a, np.full(nv, dates.NO_DATE)]).astype(np.int32)

    rng = stream(seed, "population", "identity")
    male = rng.random(n) < 0.5
    samordning = rng.random(n) < np.where(kommun < 0, 0.10, SAMORDNING_SHARE)
    birth, ymd, tail = personnummer.assign(birth, male, samordning, salt=int(rng.integers(0, 500)))
    list_day_a = np.maximum(list_day_a, np.where(list_day_a == dates.NO_DATE, dates.NO_DATE, birth))

    rng = stream(seed, "population", "listing")
    resident = kommun >= 0
    unit_a = np.full(n, -1, dtype=np.int16)
    unit_a[resident] = choose_units(kommun[resident], region, unit_weight, rng)
    _every_unit_has_someone(unit_a, kommun, region, rng)
    # A few residents change health centre once during the horizon.
    unit_b = unit_a.copy()
    switch_m = np.full(n, NEVER, dtype=np.int16)
    list_day_b = list_day_a.copy()
    if n_months > 1:
        sw = resident & (first_m == 0) & (rng.random(n) < UNIT_SWITCH_PER_MONTH * n_months)
        when = rng.integers(1, n_months, n)
        sw &= when < leave_m
        idx = np.flatnonzero(sw)
        new_unit = choose_units(kommun[idx], region, unit_weight, rng)
        keep = new_unit != unit_a[idx]
        idx, new_unit = idx[keep], new_unit[keep]
        unit_b[idx] = new_unit
        switch_m[idx] = when[idx]
        list_day_b[idx] = month_first[when[idx]] + rng.integers(0, 28, len(idx))

    rng = stream(seed, "population", "flags")
    age_start = np.floor((start - birth) / 365.2425)
    lss = resident & (age_start >= 20) & (age_start < 65) & (rng.random(n) < LSS_SHARE)
    return Population(
        birth_day=birth, male=male, ymd=ymd, tail=tail, kommun=kommun, unit_a=unit_a, unit_b=unit_b,
        switch_m=switch_m, list_day_a=list_day_a, list_day_b=list_day_b, first_m=first_m, leave_m=leave_m,
        sabo_m=sabo_m, lss=lss,
        u_flk=rng.random(n, dtype=np.float32), u_gp=rng.random(n, dtype=np.float32),
        u_fvk=rng.random(n, dtype=np.float32),
    )


def _initial_residents(region: Region, n0: int, n_months: int, start: int, age_w: np.ndarray, seed: int):
    """The residents listed in the first month: kommun, birth, leave month, SÄBO month, listed since.

    float32 and early `del`s keep the national scale (10.5 million) near 1 GB.
    """
    rng = stream(seed, "population", "residents")
    f4 = np.float32
    per_kommun = _allocate(n0, region.inhabitants.astype(float))
    kommun0 = np.repeat(np.arange(region.n_kommuner, dtype=np.int16), per_kommun)
    rng.shuffle(kommun0)
    age0 = rng.choice(105, size=n0, p=age_w).astype(np.int16)
    birth0 = (start - 1 - np.floor((age0 + rng.random(n0, dtype=f4)) * f4(365.2425))).astype(np.int32)
    sabo0 = rng.random(n0, dtype=f4) < _sabo_share(age0).astype(f4)
    hazard = np.where(sabo0, f4(SABO_DEATH_HAZARD), (_death_hazard(age0) + _move_hazard(age0)).astype(f4))
    leave0 = np.minimum(1 + np.floor(rng.standard_exponential(n0, dtype=f4) / hazard), NEVER)
    del hazard
    sabo_m0 = np.where(sabo0, -1, NEVER).astype(np.int16)
    # Elderly people moving into SÄBO during the horizon, and dying faster there.
    entry = np.floor(rng.standard_exponential(n0, dtype=f4) / np.maximum(_sabo_entry_hazard(age0), 1e-12).astype(f4))
    enters = ~sabo0 & (entry < n_months) & (entry < leave0)
    del sabo0
    sabo_m0[enters] = entry[enters]
    after = entry + 1 + np.floor(rng.standard_exponential(n0, dtype=f4) / f4(SABO_DEATH_HAZARD))
    del entry
    leave0 = np.where(enters, np.minimum(leave0, after), leave0)
    del after, enters, age0
    leave0 = np.where(leave0 >= n_months, NEVER, leave0).astype(np.int16)
    # Listed since: some time after birth, up to 15 years before the horizon.
    span = np.minimum(start - birth0, 15 * 365).astype(f4)
    list0 = (start - 1 - np.floor(rng.random(n0, dtype=f4) * np.maximum(span - 7, 1))).astype(np.int32)
    return kommun0, birth0, leave0, sabo_m0, list0


def _every_unit_has_someone(unit: np.ndarray, kommun: np.ndarray, region: Region, rng: np.random.Generator) -> None:
    """At tiny scales a small unit could end up empty; give it a few residents of its kommun."""
    counts = np.bincount(unit[unit >= 0], minlength=region.n_units)
    for u in np.flatnonzero(counts == 0):
        candidates = np.flatnonzero((kommun == region.unit_kommun[u]) & (unit >= 0))
        if len(candidates) == 0:
            candidates = np.flatnonzero(unit >= 0)
        unit[rng.choice(candidates, size=min(3, len(candidates)), replace=False)] = u


class Snapshot:
    """The listed population at the end of month m."""

    def __init__(self, pop: Population, m: int, n_units: int):
        self.m = m
        self.idx = pop.active(m)
        self.unit = pop.unit_at(self.idx, m)
        self.counts = np.bincount(self.unit, minlength=n_units)
        self._order: np.ndarray | None = None

    def pick(self, unit: np.ndarray, r: np.ndarray) -> np.ndarray:
        """A person listed at each given unit (r uniform in [0, 1) chooses whom)."""
        if self._order is None:
            self._order = np.argsort(self.unit, kind="stable")
        starts = np.r_[0, np.cumsum(self.counts)[:-1]]
        offset = np.minimum((r * self.counts[unit]).astype(np.int64), self.counts[unit] - 1)
        return self.idx[self._order[starts[unit] + offset]]
