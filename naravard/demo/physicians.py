"""Physicians per health centre (the lakare extract) and the named GP.

Each unit has a number of positions ("slots") per kategori. Its number of
specialists follows the registry's lakare_intervall band, chosen so that the
listed persons per specialist FTE stay plausible (~1 000–2 500 at scale 1);
at other scales the positions scale with the population. Now and then a
physician leaves and a successor (new HSA-id, new FTE) takes the slot.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.ingest.schemas import LAKARE

from .rand import stream
from .region import LAKARE_BANDS, Region

KATEGORIER = LAKARE.column("kategori").choices
SPECIALIST = KATEGORIER.index("specialist_allmanmedicin")
ST = KATEGORIER.index("st_allmanmedicin")
ANNAN = KATEGORIER.index("annan_specialist")
OVRIG = KATEGORIER.index("ovrig")

LISTED_PER_SPECIALIST = 1700  # at scale 1, before the band's bounds apply
MAX_SUCCESSORS = 3
LEAVE_RATE_PER_YEAR = 0.12
# Share of full time (hundredths) by kategori: values and weights.
_FTE = {
    SPECIALIST: ((100, 90, 80, 75, 60, 50), (0.45, 0.10, 0.20, 0.05, 0.10, 0.10)),
    ST: ((100, 80, 50), (0.70, 0.20, 0.10)),
    ANNAN: ((20, 40, 50, 100), (0.40, 0.30, 0.20, 0.10)),
    OVRIG: ((20, 50, 100), (0.40, 0.30, 0.30)),
}
NURSES_PER_LISTED = 1 / 1500


@dataclass
class Roster:
    unit: np.ndarray  # (S,) unit index of each slot; slots sorted by unit, kategori
    kategori: np.ndarray  # (S,) index into KATEGORIER
    successions: np.ndarray  # (S, MAX_SUCCESSORS) month a successor starts, sorted; NEVER-like large
    fte: np.ndarray  # (S, MAX_SUCCESSORS + 1) hundredths, per generation
    ids: np.ndarray  # (S * (MAX_SUCCESSORS + 1) + 1,) bytes; the last entry is b''
    spec_start: np.ndarray  # (U,) first specialist slot of each unit
    spec_count: np.ndarray  # (U,)
    nurse_ids: np.ndarray  # bytes, the last entry is b''
    nurse_start: np.ndarray  # (U,)
    nurse_count: np.ndarray  # (U,)

    @property
    def empty_id(self) -> int:
        return len(self.ids) - 1

    def generation(self, m: int) -> np.ndarray:
        return (self.successions <= m).sum(axis=1)

    def id_index(self, slots: np.ndarray, m: int) -> np.ndarray:
        """Index into `ids` of the physician holding each slot in month m."""
        return slots * (MAX_SUCCESSORS + 1) + self.generation(m)[slots]

    def gp_index(self, unit: np.ndarray, u_gp: np.ndarray, m: int) -> np.ndarray:
        """The named GP of a person listed at `unit`: one of its specialists."""
        slot = self.spec_start[unit] + np.minimum((u_gp * self.spec_count[unit]).astype(np.int64),
                                                  self.spec_count[unit] - 1)
        return self.id_index(slot, m)


def build(region: Region, listed_per_unit: np.ndarray, scale: float, n_months: int, seed: int) -> Roster:
    rng = stream(seed, "physicians")
    units, kats = [], []
    for u in range(region.n_units):
        lo, hi = LAKARE_BANDS[str(region.unit_band[u])]
        n1 = int(np.clip(round(listed_per_unit[u] / scale / LISTED_PER_SPECIALIST), lo, hi))
        n_spec = max(1, int(round(n1 * scale)))
        n_st = int(round(n_spec * rng.uniform(0.2, 0.5)))
        n_annan = int(rng.binomial(n_spec, 0.10))
        n_ovrig = int(rng.binomial(n_spec, 0.20))
        for k, c in ((SPECIALIST, n_spec), (ST, n_st), (ANNAN, n_annan), (OVRIG, n_ovrig)):
            units += [u] * c
            kats += [k] * c
    unit = np.array(units, dtype=np.int64)
    kategori = np.array(kats, dtype=np.int64)
    n_slots = len(unit)

    n_succ = np.minimum(rng.poisson(LEAVE_RATE_PER_YEAR * n_months / 12, n_slots), MAX_SUCCESSORS)
    months = np.sort(rng.integers(1, max(n_months, 2), (n_slots, MAX_SUCCESSORS)), axis=1)
    successions = np.where(np.arange(MAX_SUCCESSORS) < n_succ[:, None], months, 10**6)
    fte = np.zeros((n_slots, MAX_SUCCESSORS + 1), dtype=np.int64)
    for k, (values, weights) in _FTE.items():
        sel = kategori == k
        fte[sel] = rng.choice(values, size=(int(sel.sum()), MAX_SUCCESSORS + 1), p=weights)

    # HSA-ids: org prefix, 'P', unit number, serial within the unit.
    first_slot = np.searchsorted(unit, np.arange(region.n_units))
    per_unit = np.bincount(unit, minlength=region.n_units)
    ordinal = np.arange(n_slots) - first_slot[unit]
    width = max(4, len(str((MAX_SUCCESSORS + 1) * int(per_unit.max()))))
    prefix = region.org_prefix
    ids = [f"{prefix}-P{unit[s] + 1:03d}{g * per_unit[unit[s]] + ordinal[s]:0{width}d}".encode()
           for s in range(n_slots) for g in range(MAX_SUCCESSORS + 1)]
    spec_count = np.bincount(unit[kategori == SPECIALIST], minlength=region.n_units)

    nurse_count = np.maximum(1, np.round(listed_per_unit * NURSES_PER_LISTED)).astype(np.int64)
    nurse_start = np.r_[0, np.cumsum(nurse_count)[:-1]]
    nurse_ids = [f"{prefix}-S{u + 1:03d}{k:0{width}d}".encode()
                 for u in range(region.n_units) for k in range(nurse_count[u])]
    return Roster(
        unit=unit, kategori=kategori, successions=successions, fte=fte,
        ids=np.array(ids + [b""]), spec_start=first_slot, spec_count=spec_count,
        nurse_ids=np.array(nurse_ids + [b""]), nurse_start=nurse_start, nurse_count=nurse_count,
    )
