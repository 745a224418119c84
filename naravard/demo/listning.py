"""listning/listning and listning/lakare: the monthly snapshots.

Fast läkarkontakt is registered by hand, so few have one: the share of listed
persons with one is set exactly to the month's target (10 % in the last
month, a little lower before). Who has one is stable: a person's propensity
is fixed, the month's threshold rises, so registrations persist and grow.
Units differ in how diligently they register. The named GP is one of the
unit's specialists in that month's lakare file.

Defects: 2–4 units never register a fast läkarkontakt, and SÄBO residents
(sarskilt_boende = J) never have one (the listing system cannot register it).
Both are taken out of the eligible pool before the threshold is set, so the
region's share still meets its target.
"""
from __future__ import annotations

import numpy as np

from orchestration.ingest.schemas import LAKARE

from . import columns, targets
from .physicians import KATEGORIER, Roster
from .population import Population, Snapshot
from .rand import stream
from .region import Region
from .writer import Table

FAST_VARDKONTAKT_SHARE = 0.25
UNIT_DILIGENCE_SPREAD = 0.5
KATEGORI_TEXT = np.array([k.encode() for k in KATEGORIER])
assert set(LAKARE.column("kategori").choices) == set(KATEGORIER)


def unit_diligence(region: Region, never_units: list[int], seed: int) -> np.ndarray:
    """Relative propensity of each unit to register a fast läkarkontakt (0 = never)."""
    w = stream(seed, "listning", "diligence").lognormal(0, UNIT_DILIGENCE_SPREAD, region.n_units)
    w[never_units] = 0.0
    return w


def fast_lakarkontakt(pop: Population, snap: Snapshot, sabo: np.ndarray, diligence: np.ndarray,
                      share: float) -> np.ndarray:
    """Boolean per listed person: has a registered fast läkarkontakt."""
    w = diligence[snap.unit]
    eligible = ~sabo & (w > 0)
    target = int(round(share * len(snap.idx)))
    score = np.where(eligible, pop.u_flk[snap.idx] / np.where(w > 0, w, 1.0), np.inf)
    n_eligible = int(eligible.sum())
    has = np.zeros(len(snap.idx), dtype=bool)
    if target > 0 and n_eligible:
        k = min(target, n_eligible) - 1
        threshold = np.partition(score[eligible], k)[k]
        has = eligible & (score <= threshold)
    # At tiny scales a registering unit could end up with nobody: give its
    # most likely person one, so a "zero at this unit" check stays meaningful.
    per_unit = np.bincount(snap.unit[has], minlength=len(diligence))
    for u in np.flatnonzero((per_unit == 0) & (diligence > 0) & (snap.counts > 0)):
        cand = np.flatnonzero((snap.unit == u) & eligible)
        if len(cand):
            has[cand[np.argmin(score[cand])]] = True
    return has


def listing_table(pop: Population, snap: Snapshot, region: Region, roster: Roster, diligence: np.ndarray,
                  month_index: int, n_months: int, seed: int) -> tuple[Table, dict]:
    m = snap.m
    idx, unit = snap.idx, snap.unit
    sabo = pop.sabo_at(idx, m)
    has = fast_lakarkontakt(pop, snap, sabo, diligence, targets.k1_for_month(month_index, n_months))
    flk = np.where(has, roster.gp_index(unit, pop.u_gp[idx], m), roster.empty_id)
    u_fvk = pop.u_fvk[idx]
    has_fvk = u_fvk < FAST_VARDKONTAKT_SHARE
    nurse = roster.nurse_start[unit] + np.minimum(
        (u_fvk / FAST_VARDKONTAKT_SHARE * roster.nurse_count[unit]).astype(np.int64), roster.nurse_count[unit] - 1)
    fvk = np.where(has_fvk, nurse, len(roster.nurse_ids) - 1)
    u_form = stream(seed, "listning", "form", m).random(len(idx), dtype=np.float32)
    kommun_text = np.array([k.encode() for k in region.kommunkod])
    table = Table(len(idx), {
        "personnummer": columns.pnr(pop.ymd[idx], pop.tail[idx], u_form),
        "hsa_id": columns.hsa(region, unit),
        "listningsdatum": columns.date(pop.list_day_at(idx, m)),
        "kommunkod": columns.lookup(kommun_text, pop.kommun[idx]),
        "fast_lakarkontakt": columns.lookup(roster.ids, flk),
        "fast_vardkontakt": columns.lookup(roster.nurse_ids, fvk),
        "sarskilt_boende": columns.jn(sabo.astype(np.int8)),
        "enhetsnamn": columns.unit_name(region, unit),
    })
    n_u = region.n_units
    stats = {
        "listed": len(idx),
        "with_fast_lakarkontakt": int(has.sum()),
        "sabo": int(sabo.sum()),
        "sabo_per_unit": np.bincount(unit[sabo], minlength=n_u),
        "flk_per_unit": np.bincount(unit[has], minlength=n_u),
        "listed_per_unit": snap.counts,
    }
    return table, stats


def lakare_table(roster: Roster, region: Region, m: int) -> tuple[Table, dict]:
    slots = np.arange(len(roster.unit))
    ids = roster.id_index(slots, m)
    gen = roster.generation(m)
    fte = roster.fte[slots, gen]
    table = Table(len(slots), {
        "lakare_hsa_id": columns.lookup(roster.ids, ids),
        "hsa_id": columns.hsa(region, roster.unit),
        "kategori": columns.lookup(KATEGORI_TEXT, roster.kategori),
        "tjanstgoringsgrad": columns.share(fte),
    })
    spec = roster.kategori == KATEGORIER.index("specialist_allmanmedicin")
    return table, {"physicians": len(slots), "specialist_fte": float(fte[spec].sum()) / 100}
