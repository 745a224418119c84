"""ambulans/uppdrag: ambulance assignments over the whole horizon.

Three kinds of patients: the general population (a low rate rising with age,
high in SÄBO), a group with repeated needs (one to two missions a year) and a
small group of frequent users (four or more a year). Their sizes are set so
that, as in Alm, Kurland and Hugelius (2026), about 8 % of the patients in a
365-day window have >= 4 missions and make about 29 % of the missions; the
region has about 27 000 assignments a year at scale 1. A few percent of the
patients are visitors, valid personnummer that are never listed in the region.
Assignments are numbered in time order, so uppdrag_id is unique across months.

Defect: ~4 % of the assignments cannot be linked to a person: blank
personnummer, a region-style reservnummer, or a typo in the check digit.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.ingest.schemas import UPPDRAG

from . import columns, dates, personnummer
from .formats import HYPHEN_SHARE
from .csvbytes import zero_padded
from .population import NEVER, Population
from .rand import stream
from .region import Region
from .writer import Table

# Missions per person and year.
_GENERAL_RATE = ((20, 65, 80), (0.021, 0.029, 0.072, 0.19))  # age cuts, rates
SABO_RATE = 0.44
REPEAT_SHARE = 0.010  # of residents, older-weighted
REPEAT_RATE = (0.8, 2.2)  # uniform
FREQUENT_SHARE = 0.0058
FREQUENT_RATE_MIN, FREQUENT_GAMMA = 3.0, (2.0, 1.1)  # 3 + gamma(shape, scale): mean ~5.2
VISITOR_EVENT_SHARE = 0.05
UNIDENTIFIED_SHARE = 0.04
UNIDENTIFIED_KIND_P = (0.40, 0.35, 0.25)  # blank, reservnummer, bad check digit
HOME_KOMMUN_SHARE = 0.88
_HOUR_W = np.array([0.6] * 7 + [1.0] + [1.35] * 12 + [1.1] * 4)

UTFALL = UPPDRAG.column("utfall").choices
RETTS = UPPDRAG.column("retts").choices
_UTFALL_P = {"akutmottagning": 0.67, "annan_vardenhet": 0.08, "ej_transport": 0.19, "avbrutet": 0.06, "avliden": 0.0}
_PRIORITET_P = np.array([0.25, 0.45, 0.25, 0.05])  # 1..4
# RETTS colour by priority (rows: prioritet 1..4; columns in RETTS order).
_RETTS_P = {
    "rod": (0.55, 0.02, 0.0, 0.0), "orange": (0.35, 0.30, 0.03, 0.0), "gul": (0.10, 0.50, 0.30, 0.0),
    "gron": (0.0, 0.18, 0.52, 0.40), "bla": (0.0, 0.0, 0.15, 0.60),
}
RETTS_BLANK = 0.07
DEATH_AT_LAST_MISSION = 0.35
assert set(_UTFALL_P) == set(UTFALL) and set(_RETTS_P) == set(RETTS)


@dataclass
class Ambulans:
    day: np.ndarray  # int64, sorted with second
    second: np.ndarray
    person: np.ndarray  # index into the population
    pnr_text: np.ndarray  # bytes, as written (unidentified forms included)
    identified: np.ndarray  # bool
    kind: np.ndarray  # int8: -1 identified, else index into UNIDENTIFIED_KINDS
    prioritet: np.ndarray
    kommun: np.ndarray
    utfall: np.ndarray
    retts: np.ndarray  # index into RETTS, len(RETTS) = blank
    month_rows: list[tuple[int, int]]
    id_width: int

    def table(self, region: Region, m: int) -> Table:
        s, e = self.month_rows[m]
        seq = zero_padded(np.arange(s, e) + 1, self.id_width)
        kommun_text = np.array([k.encode() for k in region.kommunkod])
        utfall_text = np.array([u.encode() for u in UTFALL])
        retts_text = np.array([r.encode() for r in RETTS] + [b""])
        return Table(e - s, {
            "uppdrag_id": lambda a, b, fmt: [b"U"] + [p[a:b] for p in seq],
            "personnummer": columns.text(self.pnr_text[s:e]),
            "larmtid": columns.timestamp(self.day[s:e], self.second[s:e]),
            "prioritet": columns.integer(self.prioritet[s:e]),
            "kommunkod": columns.lookup(kommun_text, self.kommun[s:e]),
            "utfall": columns.lookup(utfall_text, self.utfall[s:e]),
            "retts": columns.lookup(retts_text, self.retts[s:e]),
        })

    def frequent_users(self, end_day: int, threshold: int = 4) -> dict:
        """A1/A2-style figures for the 365 days ending on end_day (identified only)."""
        win = (self.day > end_day - 365) & (self.day <= end_day)
        ident = win & self.identified
        persons, n = np.unique(self.person[ident], return_counts=True)
        frequent = persons[n >= threshold]
        missions_freq = int(np.isin(self.person[ident], frequent).sum())
        return {
            "window_end": str(np.datetime64(end_day, "D")),
            "assignments": int(win.sum()),
            "identified_assignments": int(ident.sum()),
            "patients": int(len(persons)),
            "frequent_users": int(len(frequent)),
            "frequent_share_of_patients": len(frequent) / max(len(persons), 1),
            "frequent_missions": missions_freq,
            "frequent_share_of_missions": missions_freq / max(int(win.sum()), 1),
        }


def _rates(pop: Population, start: int, rng: np.random.Generator) -> np.ndarray:
    age = (start - pop.birth_day) / 365.2425
    cuts, values = _GENERAL_RATE
    rate = np.asarray(values)[np.searchsorted(np.asarray(cuts), age, side="right")]
    rate = np.where(pop.sabo_m < NEVER, SABO_RATE, rate)
    resident = pop.kommun >= 0
    n_res = int(resident.sum())
    # Weighted sampling without replacement (Efraimidis–Spirakis keys): older
    # residents are likelier to have repeated needs.
    older = np.where(resident, np.clip(age, 20, 95) - 15, 0.0)
    keys = np.where(older > 0, np.log(rng.random(pop.n)) / np.maximum(older, 1e-9), -np.inf)
    size = int(round((REPEAT_SHARE + FREQUENT_SHARE) * n_res))
    chosen = np.argpartition(-keys, size)[:size] if size < pop.n else np.arange(pop.n)
    chosen = chosen[rng.permutation(len(chosen))]
    n_freq = int(round(FREQUENT_SHARE * n_res))
    freq, repeat = chosen[:n_freq], chosen[n_freq:]
    rate[repeat] = rng.uniform(*REPEAT_RATE, len(repeat))
    rate[freq] = FREQUENT_RATE_MIN + rng.gamma(*FREQUENT_GAMMA, len(freq))
    return np.where(resident, rate, 0.0)


def build(pop: Population, region: Region, months: list[str], defects: bool, seed: int) -> Ambulans:
    rng = stream(seed, "ambulans")
    n_m = len(months)
    start, end = dates.month_first_day(months[0]), dates.month_last_day(months[-1]) + 1
    month_first = np.array([dates.month_first_day(m) for m in months] + [end])
    rate = _rates(pop, start, rng)
    # Residents: missions while listed in the horizon.
    first = month_first[np.minimum(pop.first_m, n_m).astype(np.int64)]
    last = month_first[np.minimum(pop.leave_m, n_m).astype(np.int64)]
    span = np.maximum(last - first, 0)
    k = rng.poisson(rate * span / 365.25)
    person = np.repeat(np.arange(pop.n), k)
    day = first[person] + np.floor(rng.random(len(person)) * span[person]).astype(np.int64)
    # Visitors: never listed, anywhere in the horizon.
    visitors = np.flatnonzero(pop.kommun < 0)
    n_vis = int(rng.poisson(len(person) * VISITOR_EVENT_SHARE / (1 - VISITOR_EVENT_SHARE))) if len(visitors) else 0
    person = np.r_[person, rng.choice(visitors, n_vis)] if n_vis else person
    day = np.r_[day, rng.integers(start, end, n_vis)]
    n = len(person)
    second = rng.choice(24, size=n, p=_HOUR_W / _HOUR_W.sum()) * 3600 + rng.integers(0, 3600, n)
    order = np.lexsort((second, day))
    person, day, second = person[order], day[order], second[order]

    home = pop.kommun[person].astype(np.int64)
    kw = region.inhabitants / region.inhabitants.sum()
    elsewhere = rng.choice(region.n_kommuner, size=n, p=kw)
    kommun = np.where((home >= 0) & (rng.random(n) < HOME_KOMMUN_SHARE), home, elsewhere)
    prioritet = rng.choice(4, size=n, p=_PRIORITET_P) + 1
    retts_p = np.array([_RETTS_P[r] for r in RETTS]).T  # (4, colours)
    cum = np.cumsum(retts_p / retts_p.sum(axis=1, keepdims=True), axis=1)
    retts = (rng.random(n)[:, None] > cum[prioritet - 1]).sum(axis=1)
    retts = np.where(rng.random(n) < RETTS_BLANK, len(RETTS), np.minimum(retts, len(RETTS) - 1))
    up = np.array([_UTFALL_P[u] for u in UTFALL])
    utfall = rng.choice(len(UTFALL), size=n, p=up / up.sum())
    # 'avliden' at the last mission of an elderly resident who leaves the
    # listing right after it (in the month after the mission).
    by_person = np.lexsort((day, person))
    last_of_person = np.zeros(n, dtype=bool)
    last_of_person[by_person] = np.r_[person[by_person][1:] != person[by_person][:-1], True]
    event_m = np.searchsorted(month_first, day, side="right") - 1
    age = (day - pop.birth_day[person]) / 365.2425
    dies = (last_of_person & (pop.leave_m[person].astype(np.int64) == event_m + 1) & (age >= 60)
            & (rng.random(n) < DEATH_AT_LAST_MISSION))
    utfall = np.where(dies, UTFALL.index("avliden"), utfall)

    hyphen = rng.random(n) < HYPHEN_SHARE["ambulans_uppdrag"]
    ymd, tail = pop.ymd[person], pop.tail[person]
    kind = np.full(n, -1, dtype=np.int8)
    if defects:
        un = rng.random(n) < UNIDENTIFIED_SHARE
        kind[un] = rng.choice(3, size=int(un.sum()), p=UNIDENTIFIED_KIND_P)
    text = personnummer.text(ymd, tail, hyphen)
    bad = kind == 2
    text[bad] = personnummer.text(ymd[bad], personnummer.bad_check_digit(ymd[bad], tail[bad], rng), hyphen[bad])
    res = kind == 1
    text[res] = personnummer.reservnummer(ymd[res], rng)
    text[kind == 0] = b""
    month_rows = [(int(a), int(b)) for a, b in zip(np.searchsorted(day, month_first[:-1]),
                                                    np.searchsorted(day, month_first[1:]))]
    return Ambulans(day=day, second=second, person=person, pnr_text=text, identified=kind < 0, kind=kind,
                    prioritet=prioritet, kommun=kommun, utfall=utfall, retts=retts, month_rows=month_rows,
                    id_width=max(7, len(str(n))))
