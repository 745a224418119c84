"""vardgaranti/bedomning: one row per care-guarantee contact.

Contacts per unit and month scale with the listed population (about 7 % of
the listed make a contact a month: 15–25 thousand region-wide at scale 1),
mostly on workdays. The assessment comes 0–3 days later for most contacts
and later for the rest; units differ, and one shift per year calibrates the
region's T2 (registered assessments within 3 days, PvV left out) to target.
The assessment date may fall in the next month.

Defects (registration gaps): bedomningsdatum left empty for ~10 % of the
contacts, for far more at two units; and one unit whose assessment rows are
missing for one month although it delivered telephone data (a missing
delivery). The gaps are drawn independently of the delay, so they leave T2
(computed over registered dates) where the region reported it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.ingest.schemas import BEDOMNING

from . import columns, dates, targets
from .csvbytes import zero_padded
from .population import Population, Snapshot
from .rand import expit, logit, solve_shift, stream
from .region import Region
from .writer import Table

CONTACTS_PER_LISTED_MONTH = 0.07
_SEASON_LOAD = np.array([1.15, 1.10, 1.05, 1.0, 0.95, 0.90, 0.70, 0.90, 1.05, 1.05, 1.05, 0.95])
DAY_OFF_LOAD = 0.08
PVV, MOV = BEDOMNING.column("avvikelse").choices  # patient chose to wait; medical reason
PVV_SHARE, MOV_SHARE = 0.03, 0.02
MOV_LOGIT = -1.5  # a medical reason to wait makes 3 days less likely
PVV_WITHIN_3 = 0.10
UNIT_SPREAD = 0.45
MONTH_SPREAD = 0.08
_DELAY_WITHIN_3 = np.array([0.42, 0.28, 0.18, 0.12])  # 0, 1, 2, 3 days
LATE_DELAY_P = 0.18  # 4 + geometric days
MAX_DELAY = 60
# SKR yrkesgrupp codes: läkare, sjuksköterska, fysioterapeut, other XS9nn; '' empty.
_YRKESGRUPP = np.array([b"XS915", b"XS919", b"XS918", b"XS911", b"XS912", b"XS916", b"XS917", b""])
_YRKESGRUPP_P = np.array([0.38, 0.42, 0.07, 0.01, 0.01, 0.02, 0.01, 0.08])
AVVIKELSE_TEXT = np.array([b"", PVV.encode(), MOV.encode()])

MISSING_SHARE_OVERALL = 0.10
MISSING_SHARE_HIGH = (0.38, 0.47)  # the two units that hardly register at all


@dataclass
class Plan:
    """Everything decided before the month-by-month rows: counts and calibration."""
    counts: np.ndarray  # (M, U) contacts
    missing_share: np.ndarray  # (U,) share with an empty bedomningsdatum
    logits: np.ndarray  # (M, U) logit of "within 3 days" for an ordinary contact
    missing_delivery: tuple[int, int] | None  # (month index, unit)


def plan(region: Region, months: list[str], listed_um: np.ndarray, high_missing_units: list[int] | None,
         missing_delivery: tuple[int, int] | None, seed: int) -> Plan:
    """high_missing_units None: no registration gaps at all (the clean data set)."""
    rng = stream(seed, "bedomning", "plan")
    n_m, n_u = listed_um.shape
    cal = np.array([int(m[5:7]) - 1 for m in months])
    lam = listed_um * CONTACTS_PER_LISTED_MONTH * _SEASON_LOAD[cal][:, None]
    # Every unit with listed persons has contacts every month (else it would
    # look like a missing delivery in the clean data set).
    counts = np.where(listed_um > 0, np.maximum(1, rng.poisson(lam)), 0)
    unit_effect = rng.normal(0, UNIT_SPREAD, n_u)
    month_effect = rng.normal(0, MONTH_SPREAD, (n_m, 1))
    missing = np.zeros(n_u)
    if high_missing_units is not None:
        # Units vary around a base share, set so that with the two units that
        # hardly register the overall share is MISSING_SHARE_OVERALL.
        spread = np.clip(rng.lognormal(0, 0.3, n_u), 0.5, 2.0)
        spread[high_missing_units] = 0
        w = counts.sum(axis=0)
        high = dict(zip(high_missing_units, MISSING_SHARE_HIGH))
        high_part = sum(share * w[u] for u, share in high.items())
        missing = spread * (MISSING_SHARE_OVERALL * w.sum() - high_part) / (spread * w).sum()
        for u, share in high.items():
            missing[u] = share
    # Calibrate per year over the contacts that count: registered, not PvV.
    counted = counts * (1 - PVV_SHARE) * (1 - missing)[None, :]
    if missing_delivery is not None:
        counted[missing_delivery] = 0
    logits = unit_effect[None, :] + month_effect
    years = np.array([int(m[:4]) for m in months])
    mov = MOV_SHARE / (1 - PVV_SHARE)
    for y in np.unique(years):
        sel = years == y
        target = targets.for_year(targets.T2_BEDOMNING_3_DAGAR, int(y))
        base = logit(target) + logits[sel].ravel()
        w = counted[sel].ravel()
        shift = solve_shift(np.r_[base, base + MOV_LOGIT], np.r_[w * (1 - mov), w * mov], target)
        logits[sel] += logit(target) + shift
    return Plan(counts=counts, missing_share=missing, logits=logits, missing_delivery=missing_delivery)


@dataclass
class MonthRows:
    table: Table
    counted: int  # registered bedomningsdatum, not PvV
    within_3: int
    missing_per_unit: np.ndarray  # (U,)
    contacts_per_unit: np.ndarray  # (U,)


def month_rows(p: Plan, region: Region, pop: Population, snap: Snapshot, month: str, seed: int) -> MonthRows:
    m = snap.m
    rng = stream(seed, "bedomning", month)
    n_u = region.n_units
    unit = np.repeat(np.arange(n_u), p.counts[m])
    n = len(unit)
    # Contact day: workdays weighted over days off.
    days = np.arange(dates.month_first_day(month), dates.month_last_day(month) + 1)
    w = np.where(dates.is_workday(days), 1.0, DAY_OFF_LOAD)
    kontakt = days[np.minimum(np.searchsorted(np.cumsum(w) / w.sum(), rng.random(n)), len(days) - 1)]
    person = snap.pick(unit, rng.random(n))
    r = rng.random(n)
    avvikelse = np.where(r < PVV_SHARE, 1, np.where(r < PVV_SHARE + MOV_SHARE, 2, 0)).astype(np.int8)
    p_within = expit(p.logits[m, unit] + np.where(avvikelse == 2, MOV_LOGIT, 0.0))
    p_within = np.where(avvikelse == 1, PVV_WITHIN_3, p_within)
    within = rng.random(n) < p_within
    short = rng.choice(4, size=n, p=_DELAY_WITHIN_3)
    late = np.minimum(4 + rng.geometric(LATE_DELAY_P, n) - 1, MAX_DELAY)
    bedomning = kontakt + np.where(within, short, late)
    missing = rng.random(n) < p.missing_share[unit]
    bedomning = np.where(missing, dates.NO_DATE, bedomning).astype(np.int64)
    yrke = rng.choice(len(_YRKESGRUPP), size=n, p=_YRKESGRUPP_P)
    # No assessment registered: mostly no profession either.
    yrke = np.where(missing & (rng.random(n) < 0.7), len(_YRKESGRUPP) - 1, yrke)
    u_form = rng.random(n, dtype=np.float32)
    keep = np.ones(n, dtype=bool)
    if p.missing_delivery is not None and p.missing_delivery[0] == m:
        keep = unit != p.missing_delivery[1]
    order = rng.permutation(np.flatnonzero(keep))  # delivered in no particular order
    unit, kontakt, bedomning, person = unit[order], kontakt[order], bedomning[order], person[order]
    avvikelse, yrke, missing, within, u_form = avvikelse[order], yrke[order], missing[order], within[order], u_form[order]
    n = len(order)
    width = max(5, len(str(n)))
    ids = zero_padded(np.arange(n), width)
    prefix = f"K{month}-".encode()
    counted = ~missing & (avvikelse != 1)
    table = Table(n, {
        "kontakt_id": lambda s, e, fmt: [prefix] + [piece[s:e] for piece in ids],
        "hsa_id": columns.hsa(region, unit),
        "personnummer": columns.pnr(pop.ymd[person], pop.tail[person], u_form),
        "kontaktdatum": columns.date(kontakt),
        "bedomningsdatum": columns.date(bedomning),
        "yrkesgrupp": columns.lookup(_YRKESGRUPP, yrke),
        "avvikelse": columns.lookup(AVVIKELSE_TEXT, avvikelse),
    })
    return MonthRows(
        table=table,
        counted=int(counted.sum()),
        within_3=int((counted & (bedomning <= kontakt + 3)).sum()),
        missing_per_unit=np.bincount(unit[missing], minlength=n_u),
        contacts_per_unit=np.bincount(unit, minlength=n_u),
    )
