"""besok/besok: one row per visit at a health centre, month by month (issue 18).

Volume: about 0.29 visits per listed person and month (3 million a month for
the nation's 10.5 million listed, ~80 000 for the region at scale 1). A
person's rate is persistent (a gamma frailty: most people come rarely, a few
often), higher with age and three times higher in SÄBO. About 38 % of the
visits are a physician's (XS915), the rest mostly nurses' (XS919).

Continuity: each listed person has a usual physician, the specialist the
listing names as their fast läkarkontakt where one is registered (the same
slot, roster.gp_index). A physician visit is with that physician with the
unit's continuity c_u, else with any physician of the unit's lakare file that
month, or (with defects) with a hired doctor who is in no lakare file. c_u is
drawn per unit around a level calibrated so that the region's mean UPC over
persons with >= 2 physician visits in a year is about 0.45 (health centres
from about 0.25 to 0.60), as the Swedish studies report; COC is then lower.
SÄBO residents are seen mostly at home (kontakttyp hembesok) by their own
physician (few physicians: UPC high).

Defects (registration gaps): one unit never delivers personal_hsa_id; hired
doctors not in the lakare file (a few percent of the physician visits, far
more at two units); about 1 % of the visits are by people not listed in the
region. With defects=False none of them: every visit is by a listed person and
every physician is in the unit's lakare file.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.ingest.schemas import BESOK

from . import columns, dates
from .csvbytes import zero_padded
from .physicians import Roster
from .population import Population, Snapshot
from .rand import expit, stream
from .region import Region
from .writer import Table

VISITS_PER_LISTED_MONTH = 3_000_000 / 10_500_000  # the nation's ~3 M visits a month
FRAILTY_SHAPE = 0.2  # gamma shape of a person's visit rate (mean 1): most rarely, a few often
SABO_RATE_FACTOR = 3.0
_AGE_CUTS, _AGE_FACTOR = (5, 20, 45, 65, 80), (1.2, 0.6, 0.8, 1.1, 1.7, 2.4)
_SEASON_LOAD = np.array([1.10, 1.08, 1.05, 1.0, 0.95, 0.90, 0.65, 0.85, 1.05, 1.08, 1.10, 1.00])
DAY_OFF_LOAD = 0.05

# SKR yrkesgrupp: läkare, sjuksköterska, fysioterapeut, others.
_YRKESGRUPP = np.array([b"XS915", b"XS919", b"XS918", b"XS916", b"XS912"])
_YRKESGRUPP_P = np.array([0.45, 0.38, 0.09, 0.05, 0.03])
LAKARE = 0
SABO_LAKARE_SHARE = 0.5
KONTAKTTYPER = BESOK.column("kontakttyp").choices
_KONTAKT_TEXT = np.array([k.encode() for k in KONTAKTTYPER])
_KONTAKT_P = np.array([0.60, 0.03, 0.15, 0.22])  # mottagning, hembesok, digitalt, telefon
SABO_HEMBESOK = 0.80

# Continuity c_u = expit(CONTINUITY_LOGIT + N(0, CONTINUITY_SPREAD)) per unit (calibrated: module doc).
CONTINUITY_LOGIT = -1.7
CONTINUITY_SPREAD = 1.1
SABO_CONTINUITY = 0.85
HIRED_SHARE = 0.15  # of a hiring unit's physician visits (defects), lognormal around it, by the unit's size:
_HIRED_BY_BAND = {"1": 3.0, "2-4": 2.0, "5-7": 1.0, "8+": 0.6}  # small units depend on hired doctors most
HIRED_SHARE_HIGH = (0.55, 0.65)  # two units that depend on hired doctors for about half their visits
HIGH_UNITS_CONTINUITY = 0.10
HIRED_PER_UNIT = 20
HIRING_UNITS = 0.4  # share of the units that use hired doctors at all
UNLISTED_VISIT_SHARE = 0.01


@dataclass
class Plan:
    frailty: np.ndarray  # (persons,) float32, mean 1
    continuity: np.ndarray  # (U,) share of physician visits with the usual physician
    hired_share: np.ndarray  # (U,) share with a hired doctor (0 without defects)
    no_personal_unit: int | None  # the unit that never delivers personal_hsa_id
    ids: np.ndarray  # practitioner HSA-ids: roster physicians, nurses, hired doctors, then b''
    nurse_offset: int
    hired_offset: int
    hired_high_units: list[int]


def plan(pop: Population, region: Region, roster: Roster, defects: bool, avoid_units: list[int],
         seed: int) -> Plan:
    rng = stream(seed, "besok", "plan")
    frailty = rng.gamma(FRAILTY_SHAPE, 1 / FRAILTY_SHAPE, pop.n).astype(np.float32)
    n_u = region.n_units
    continuity = expit(CONTINUITY_LOGIT + rng.normal(0, CONTINUITY_SPREAD, n_u))
    hired = np.zeros(n_u)
    no_personal, high = None, []
    if defects:
        band = np.array([_HIRED_BY_BAND[str(b)] for b in region.unit_band])
        # Not every unit hires: those that do not have no DQ_BESOK_LAKARE_EJ_I_LAKARFIL finding.
        hires = (rng.random(n_u) < HIRING_UNITS) | (np.asarray(region.unit_band).astype(str) == "1")  # one doctor: locums
        hired = np.where(hires, np.clip(HIRED_SHARE * band * rng.lognormal(0, 0.5, n_u), 0, 0.6), 0.0)
        order = [int(u) for u in rng.permutation(n_u) if int(u) not in set(avoid_units)]
        no_personal = order[0]
        high = sorted(order[1:3])
        hired[high] = HIRED_SHARE_HIGH
        continuity[high] = HIGH_UNITS_CONTINUITY  # without doctors of their own, little continuity
    prefix = region.org_prefix
    hired_ids = [f"{prefix}-H{u + 1:03d}{k:04d}".encode() for u in range(n_u) for k in range(HIRED_PER_UNIT)]
    ids = np.concatenate([roster.ids[:-1], roster.nurse_ids[:-1], np.array(hired_ids), np.array([b""])])
    return Plan(frailty=frailty, continuity=continuity, hired_share=hired, no_personal_unit=no_personal,
                ids=ids, nurse_offset=len(roster.ids) - 1,
                hired_offset=len(roster.ids) - 1 + len(roster.nurse_ids) - 1, hired_high_units=high)


def _age_factor(pop: Population, idx: np.ndarray, day: int) -> np.ndarray:
    age = (day - pop.birth_day[idx]) / 365.2425
    return np.asarray(_AGE_FACTOR)[np.searchsorted(np.asarray(_AGE_CUTS), age, side="right")]


@dataclass
class MonthVisits:
    table: Table
    person: np.ndarray  # pop index per visit
    practitioner: np.ndarray  # index into plan.ids per visit (the empty id where none delivered)
    physician: np.ndarray  # bool: a physician visit with a known practitioner (K4's sense)
    unit: np.ndarray
    sabo: np.ndarray
    hembesok: np.ndarray


def month_visits(p: Plan, pop: Population, snap: Snapshot, region: Region, roster: Roster, month: str,
                 defects: bool, seed: int) -> MonthVisits:
    m = snap.m
    rng = stream(seed, "besok", month)
    idx, unit = snap.idx, snap.unit
    sabo_listed = pop.sabo_at(idx, m)
    first, last = dates.month_first_day(month), dates.month_last_day(month)
    w = p.frailty[idx] * _age_factor(pop, idx, last) * np.where(sabo_listed, SABO_RATE_FACTOR, 1.0)
    lam = w * (VISITS_PER_LISTED_MONTH * _SEASON_LOAD[int(month[5:7]) - 1] * len(idx) / float(w.sum()))
    count = rng.poisson(lam)
    sel = np.repeat(np.arange(len(idx)), count)
    person, v_unit, sabo = idx[sel], unit[sel].astype(np.int64), sabo_listed[sel]
    n = len(person)

    lakare = np.where(sabo, rng.random(n) < SABO_LAKARE_SHARE,
                      rng.choice(len(_YRKESGRUPP), size=n, p=_YRKESGRUPP_P) == LAKARE)
    yrke = np.where(lakare, LAKARE, 1 + rng.choice(len(_YRKESGRUPP) - 1, size=n,
                                                   p=_YRKESGRUPP_P[1:] / _YRKESGRUPP_P[1:].sum()))
    typ = rng.choice(len(KONTAKTTYPER), size=n, p=_KONTAKT_P)
    typ = np.where(sabo & (rng.random(n) < SABO_HEMBESOK), KONTAKTTYPER.index("hembesok"), typ)

    # Who held a physician visit: the usual physician, another physician of the unit's file that
    # month, or a hired doctor (in no file).
    usual = roster.gp_index(v_unit, pop.u_gp[person], m)
    slots_per_unit = np.bincount(roster.unit, minlength=region.n_units)
    any_slot = roster.spec_start[v_unit] + np.minimum(
        (rng.random(n) * slots_per_unit[v_unit]).astype(np.int64), slots_per_unit[v_unit] - 1)
    other = roster.id_index(any_slot, m)
    hired = p.hired_offset + v_unit * HIRED_PER_UNIT + rng.integers(0, HIRED_PER_UNIT, n)
    r = rng.random(n)
    c = np.where(sabo, SABO_CONTINUITY, p.continuity[v_unit])
    h = p.hired_share[v_unit]
    doctor = np.where(r < c, usual, np.where(r < c + (1 - c) * h, hired, other))
    nurse = p.nurse_offset + roster.nurse_start[v_unit] + np.minimum(
        (rng.random(n) * roster.nurse_count[v_unit]).astype(np.int64), roster.nurse_count[v_unit] - 1)
    practitioner = np.where(lakare, doctor, nurse)
    empty = len(p.ids) - 1
    if p.no_personal_unit is not None:
        practitioner = np.where(v_unit == p.no_personal_unit, empty, practitioner)

    if defects:
        # Visits by people not listed in the region (visitors): at a unit chosen by size.
        visitors = np.flatnonzero(pop.kommun < 0)
        n_vis = int(rng.poisson(n * UNLISTED_VISIT_SHARE)) if len(visitors) else 0
        if n_vis:
            vu = rng.choice(region.n_units, size=n_vis, p=snap.counts / snap.counts.sum())
            person = np.r_[person, rng.choice(visitors, n_vis)]
            v_unit = np.r_[v_unit, vu]
            sabo = np.r_[sabo, np.zeros(n_vis, bool)]
            yrke = np.r_[yrke, np.full(n_vis, 1)]  # a nurse's
            typ = np.r_[typ, np.full(n_vis, KONTAKTTYPER.index("mottagning"))]
            vnurse = p.nurse_offset + roster.nurse_start[vu]
            practitioner = np.r_[practitioner, np.where(vu == p.no_personal_unit, empty, vnurse)]
            n = len(person)

    days = np.arange(first, last + 1)
    wd = np.where(dates.is_workday(days), 1.0, DAY_OFF_LOAD)
    day = days[np.minimum(np.searchsorted(np.cumsum(wd) / wd.sum(), rng.random(n)), len(days) - 1)]
    order = rng.permutation(n)  # delivered in no particular order
    person, v_unit, sabo, yrke, typ, practitioner, day = (a[order] for a in (person, v_unit, sabo, yrke, typ,
                                                                            practitioner, day))
    u_form = rng.random(n, dtype=np.float32)
    width = max(6, len(str(n)))
    ids = zero_padded(np.arange(n), width)
    prefix = f"B{month}-".encode()
    table = Table(n, {
        "besok_id": lambda s, e, fmt: [prefix] + [piece[s:e] for piece in ids],
        "personnummer": columns.pnr(pop.ymd[person], pop.tail[person], u_form),
        "hsa_id": columns.hsa(region, v_unit),
        "besoksdatum": columns.date(day),
        "yrkesgrupp": columns.lookup(_YRKESGRUPP, yrke),
        "personal_hsa_id": columns.lookup(p.ids, practitioner),
        "kontakttyp": columns.lookup(_KONTAKT_TEXT, typ),
    })
    return MonthVisits(table=table, person=person, practitioner=practitioner,
                       physician=(yrke == LAKARE) & (practitioner != empty), unit=v_unit, sabo=sabo,
                       hembesok=typ == KONTAKTTYPER.index("hembesok"))


def continuity(person: np.ndarray, practitioner: np.ndarray, listed_unit: np.ndarray, sabo: np.ndarray,
               n_units: int) -> dict:
    """UPC and COC as CONTRACTS.md 3.2 defines them, from a window's physician visits (person,
    practitioner) of persons attributed to `listed_unit[person]` (-1: not listed, left out).

    Returns the region's K4, K5, K7 and persons, and K4 per unit (units with >= 30 persons)."""
    keep = listed_unit[person] >= 0
    person, practitioner = person[keep], practitioner[keep]
    pair = person.astype(np.int64) * (1 << 24) + practitioner.astype(np.int64)
    pairs, n_j = np.unique(pair, return_counts=True)
    p_of = pairs >> 24
    persons, start = np.unique(p_of, return_index=True)
    n = np.add.reduceat(n_j, start)
    n_max = np.maximum.reduceat(n_j, start)
    n_sq = np.add.reduceat(n_j.astype(np.int64) ** 2, start)
    ok = n >= 2
    persons, n, n_max, n_sq = persons[ok], n[ok], n_max[ok], n_sq[ok]
    upc = n_max / n
    coc = (n_sq - n) / (n * (n - 1))
    units = listed_unit[persons]
    per_unit = np.bincount(units, minlength=n_units)
    upc_unit = np.bincount(units, weights=upc, minlength=n_units) / np.maximum(per_unit, 1)
    s = sabo[persons]
    return {
        "persons": int(len(persons)),
        "K4_KONTINUITET_UPC": float(upc.mean()) if len(upc) else None,
        "K5_KONTINUITET_COC": float(coc.mean()) if len(coc) else None,
        "K7_KONTINUITET_UPC_SABO": float(upc[s].mean()) if s.any() else None,
        "sabo_persons": int(s.sum()),
        "K4_per_unit": {int(u): float(upc_unit[u]) for u in np.flatnonzero(per_unit >= 30)},
    }
