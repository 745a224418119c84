"""Putting it together: generate every source, write the files, describe them."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from orchestration.automation.coverage import write_coverage
from orchestration.ingest.schemas import BY_KEY, Extract

from . import ambulans, bedomning, besok, dates, listning, physicians, population, telefoni, vhu
from .formats import HYPHEN_SHARE, UNIT_NAME, FileFormat, file_format
from .population import NEVER, Snapshot
from .rand import stream
from .region import Region, load_nation, load_region
from .writer import Table, remove_stale, write_table

NATIONAL_LISTED = 10_500_000
WINDOW_STATS_MAX_LISTED = 2_000_000
MANIFEST_NAME = "DEFECTS.json"


def is_national(scale: float | str) -> bool:
    """'national' (10.5 million listed) or 'national:F' (the nation's shape at F times that)."""
    return isinstance(scale, str) and scale.strip().lower().split(":")[0] == "national"


def demo_area(scale: float | str) -> Region:
    """The nation (21 regions, 290 kommuner, ~1 100 health centres; nation.py) for a national scale,
    else Region Västerbotten."""
    return load_nation() if is_national(scale) else load_region()


def resolve_scale(scale: float | str, region: Region) -> float:
    """1.0 / 'region': the region (~279 000 listed); 'national': 10.5 million listed over the nation;
    'national:0.01': the nation's shape with 1 % of its volume (105 000 listed)."""
    if isinstance(scale, str):
        name = scale.strip().lower()
        if name == "region":
            return 1.0
        if is_national(name):
            fraction = float(name.split(":")[1]) if ":" in name else 1.0
            if not fraction > 0:
                raise ValueError("the fraction of national:F must be positive")
            return fraction * NATIONAL_LISTED / float(region.inhabitants.sum())
        scale = float(name)
    if not scale > 0:
        raise ValueError("scale must be positive")
    return float(scale)


def _choose_defects(region: Region, n_months: int, defects: bool, seed: int) -> dict:
    """Which units and months carry the injected registration gaps."""
    if not defects:
        return {"never_units": [], "high_missing_units": [], "missing_delivery": None, "missing_file": None}
    rng = stream(seed, "defects")
    # Distinct units for the distinct gaps, so each finding points at one cause.
    order = [int(u) for u in rng.permutation(region.n_units)]
    n_never = int(rng.integers(2, 5))
    never = sorted(order[:n_never])
    md_unit = order[n_never]
    high_missing = sorted(order[n_never + 1:n_never + 3])
    # The missing delivery late in the horizon; the missing lakare file in
    # another month, never the last (the latest snapshot should be complete).
    md_month = max(0, n_months - 4)
    missing_file = min(int(n_months * 0.6), n_months - 2) if n_months > 1 else 0
    return {"never_units": never, "high_missing_units": high_missing, "missing_delivery": (md_month, md_unit),
            "missing_file": missing_file}


def _rel(extract: Extract, month: str) -> str:
    return f"{extract.folder}/{extract.file_name(month)}"


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 6)


def generate(out_dir: Path, scale: float | str, seed: int, months: int, end_month: str, defects: bool) -> dict:
    region = demo_area(scale)
    s = resolve_scale(scale, region)
    month_list = dates.month_list(end_month, months)
    n_m = len(month_list)
    n_u = region.n_units
    n_listed = int(round(float(region.inhabitants.sum()) * s))

    pop = population.build(region, n_listed, month_list, seed)
    if not defects:
        pop.sabo_m[:] = NEVER  # a clean listing: nobody registered in SÄBO
    listed_um = np.stack([Snapshot(pop, m, n_u).counts for m in range(n_m)])
    roster = physicians.build(region, listed_um[0], s, n_m, seed)
    chosen = _choose_defects(region, n_m, defects, seed)
    md = chosen["missing_delivery"]
    tel = telefoni.build(region, month_list, listed_um, seed)
    bed_plan = bedomning.plan(region, month_list, listed_um, chosen["high_missing_units"] if defects else None,
                              md, seed)
    amb = ambulans.build(pop, region, month_list, defects, seed)
    vh = vhu.build(pop, region, month_list, defects, seed)
    diligence = listning.unit_diligence(region, chosen["never_units"], seed)
    visit_plan = besok.plan(pop, region, roster, defects, chosen["never_units"], seed)
    # K4's window (the last twelve months) is recomputed from the generated visits for the manifest,
    # at the region's scale (at the nation's it would hold some 15 million visits in memory).
    window_from = n_m - 12 if n_m >= 12 and n_listed <= WINDOW_STATS_MAX_LISTED else None
    window_visits: list[tuple[np.ndarray, np.ndarray]] = []
    visits_per_month, hembesok_sabo, visits_sabo = {}, 0, 0

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale(out_dir)
    files: dict[str, dict] = {}
    formats: dict[str, FileFormat] = {}
    missing_files: list[str] = []
    k1, sabo_month, sabo_unit, miss_unit, contacts_total, missing_total = {}, {}, {}, {}, 0, 0
    t2 = {}

    def put(extract: Extract, m: int, table: Table) -> None:
        fmt = file_format(extract, m, n_m)
        rel = _rel(extract, month_list[m])
        info = write_table(out_dir / rel, fmt, table)
        files[rel] = {"extract": extract.key, "month": month_list[m], "encoding": fmt.encoding,
                      "header": list(fmt.header), **info}
        formats[rel] = fmt

    for m, month in enumerate(month_list):
        snap = Snapshot(pop, m, n_u)
        put(BY_KEY["vardgaranti_telefoni"], m, tel.table(region, m))

        rows = bedomning.month_rows(bed_plan, region, pop, snap, month, seed)
        put(BY_KEY["vardgaranti_bedomning"], m, rows.table)
        year = month[:4]
        c, w = t2.get(year, (0, 0))
        t2[year] = (c + rows.counted, w + rows.within_3)
        contacts_total += int(rows.contacts_per_unit.sum())
        missing_total += int(rows.missing_per_unit.sum())
        for u in np.flatnonzero(rows.missing_per_unit):
            miss_unit.setdefault(str(region.hsa_id[u]), {})[month] = int(rows.missing_per_unit[u])

        table, st = listning.listing_table(pop, snap, region, roster, diligence, m, n_m, seed)
        put(BY_KEY["listning_listning"], m, table)
        k1[month] = {"numerator": st["with_fast_lakarkontakt"], "denominator": st["listed"],
                     "value": _r(st["with_fast_lakarkontakt"] / st["listed"])}
        sabo_month[month] = st["sabo"]
        for u in np.flatnonzero(st["sabo_per_unit"]):
            sabo_unit.setdefault(str(region.hsa_id[u]), {})[month] = int(st["sabo_per_unit"][u])
        del table

        lakare, _ = listning.lakare_table(roster, region, m)
        if chosen["missing_file"] == m:
            missing_files.append(_rel(BY_KEY["listning_lakare"], month))
        else:
            put(BY_KEY["listning_lakare"], m, lakare)

        visits = besok.month_visits(visit_plan, pop, snap, region, roster, month, defects, seed)
        put(BY_KEY["besok_besok"], m, visits.table)
        visits_per_month[month] = visits.table.n
        visits_sabo += int(visits.sabo.sum())
        hembesok_sabo += int((visits.sabo & visits.hembesok).sum())
        if window_from is not None and m >= window_from:
            window_visits.append((visits.person[visits.physician], visits.practitioner[visits.physician]))
        last_snap = snap
        del visits

        put(BY_KEY["ambulans_uppdrag"], m, amb.table(region, m))
        put(BY_KEY["vhu_inbjudan"], m, vh.inbjudan(pop, region, m, seed))
        put(BY_KEY["vhu_undersokning"], m, vh.undersokning(pop, region, m, seed))

    continuity = None
    if window_visits:
        listed_unit = np.full(pop.n, -1, dtype=np.int64)
        listed_unit[last_snap.idx] = last_snap.unit
        sabo = np.zeros(pop.n, dtype=bool)
        sabo[last_snap.idx] = pop.sabo_at(last_snap.idx, last_snap.m)
        c = besok.continuity(np.concatenate([p for p, _ in window_visits]),
                             np.concatenate([r for _, r in window_visits]), listed_unit, sabo, n_u)
        per_unit = c.pop("K4_per_unit")
        continuity = {k: _r(v) if isinstance(v, float) else v for k, v in c.items()}
        continuity["month"] = month_list[-1]
        continuity["K4_per_unit"] = {str(region.hsa_id[u]): _r(v) for u, v in per_unit.items()}
    no_personal = visit_plan.no_personal_unit

    manifest = {
        "generator": "naravard.demo",
        "params": {"scale": _r(s), "scale_arg": str(scale), "seed": seed, "months": n_m,
                   "first_month": month_list[0], "end_month": month_list[-1], "defects": defects,
                   "regionkod": region.regionkod, "listed_target": n_listed},
        "files": files,
        "encodings": {rel: f["encoding"] for rel, f in files.items()},
        "quirks": _quirks(files, formats),
        "units_never_fast_lakarkontakt": [str(region.hsa_id[u]) for u in chosen["never_units"]],
        "units_never_fast_lakarkontakt_names": {str(region.hsa_id[u]): str(region.unit_name[u])
                                                for u in chosen["never_units"]},
        "sabo_residents_per_month": sabo_month,
        "sabo_residents_per_unit_month": sabo_unit,
        "missing_assessment_per_unit_month": miss_unit,
        "missing_assessment": {
            "contacts": contacts_total, "missing": missing_total,
            "share": _r(missing_total / contacts_total) if contacts_total else None,
            "high_units": [str(region.hsa_id[u]) for u in chosen["high_missing_units"]],
        },
        "missing_delivery": None if md is None else {
            "unit": str(region.hsa_id[md[1]]), "unit_name": str(region.unit_name[md[1]]),
            "month": month_list[md[0]], "extract": "bedomning", "delivered": "telefoni",
        },
        "missing_files": missing_files,
        "besok": {
            "visits_per_month": visits_per_month,
            "unit_without_personal_hsa_id": None if no_personal is None else str(region.hsa_id[no_personal]),
            "units_with_many_hired_doctors": [str(region.hsa_id[u]) for u in visit_plan.hired_high_units],
            "sabo_visits": visits_sabo,
            "sabo_visits_hembesok": hembesok_sabo,
            "continuity_last_window": continuity,
        },
        "unidentified_ambulance": _unidentified(amb, month_list),
        "far_blank": _far_blank(vh, region),
        "indicators": {
            "T1_TELEFON_SAMMA_DAG": {y: {k: _r(v) if k == "value" else v for k, v in d.items()}
                                     for y, d in tel.t1_by_year().items()},
            "T2_BEDOMNING_3_DAGAR": {y: {"numerator": w, "denominator": c, "value": _r(w / c) if c else None}
                                     for y, (c, w) in t2.items()},
            "K1_FAST_LAKARKONTAKT": k1,
            "V1_VHU_DELTAGANDE": {y: {k: _r(v) if k == "value" else v for k, v in d.items()}
                                  for y, d in vh.participation().items()},
            "ambulance_frequent_users_last_window": {
                k: _r(v) if isinstance(v, float) else v
                for k, v in amb.frequent_users(dates.month_last_day(month_list[-1])).items()},
        },
        "volumes": {
            "listed_per_month": {m: d["denominator"] for m, d in k1.items()},
            "contacts_per_month": {month_list[m]: int(bed_plan.counts[m].sum()) for m in range(n_m)},
            "ambulance_per_month": {month_list[m]: b - a for m, (a, b) in enumerate(amb.month_rows)},
            "vhu_invitations": int(len(vh.inv_person)), "vhu_examinations": int(len(vh.ex_person)),
            "physicians_last_month": int(len(roster.unit)),
        },
    }
    (out_dir / MANIFEST_NAME).write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
    # The demo's horizon for the late-delivery rule (automation/coverage.py): its data ends
    # in end_month, whatever today's date is, and its missing file is a gap, not a late file.
    write_coverage(out_dir, month_list[0], month_list[-1], files, not_delivered=missing_files)
    return manifest


def _quirks(files: dict[str, dict], formats: dict[str, FileFormat]) -> dict:
    def where(pred) -> list[str]:
        return sorted(r for r, f in formats.items() if pred(f))

    return {
        "delimiter": ";",
        "line_ending": "CRLF",
        "bom": where(lambda f: f.encoding == "utf-8-sig"),
        "cp1252": where(lambda f: f.encoding == "cp1252"),
        "compact_dates": where(lambda f: f.dates == "compact"),
        "decimal_point": where(lambda f: f.decimal == "."),
        "upper_case_header": where(lambda f: "upper_case_header" in f.notes),
        "column_order_differs": where(lambda f: "column_order" in f.notes),
        "timestamps_with_seconds": where(lambda f: f.seconds),
        "extra_columns": {r: [h for h, c in zip(f.header, f.columns) if c == UNIT_NAME]
                          for r, f in sorted(formats.items()) if UNIT_NAME in f.columns},
        "personnummer_hyphen_share": dict(HYPHEN_SHARE),
    }


def _unidentified(amb: ambulans.Ambulans, months: list[str]) -> dict:
    kinds = ambulans.personnummer.UNIDENTIFIED_KINDS
    per_month = {}
    for m, (a, b) in enumerate(amb.month_rows):
        k = amb.kind[a:b]
        per_month[months[m]] = {name: int((k == i).sum()) for i, name in enumerate(kinds)}
        per_month[months[m]]["total"] = int((k >= 0).sum())
    total = int((amb.kind >= 0).sum())
    return {"total": total, "assignments": len(amb.kind), "share": _r(total / max(len(amb.kind), 1)),
            "by_kind": {name: int((amb.kind == i).sum()) for i, name in enumerate(kinds)},
            "per_month": per_month}


def _far_blank(vh: vhu.Vhu, region: Region) -> dict:
    low = vh.ex_values["fal"] == 1
    blank = low & (vh.ex_values["far"] == 2)
    years = dates.year_of(vh.ex_day)
    per_unit_year: dict[str, dict[str, int]] = {}
    for u, y in zip(vh.ex_unit[blank], years[blank]):
        d = per_unit_year.setdefault(str(region.hsa_id[u]), {})
        d[str(y)] = d.get(str(y), 0) + 1
    return {"total": int(blank.sum()), "low_activity_examinations": int(low.sum()),
            "share": _r(blank.sum() / low.sum()) if low.any() else None,
            "per_year": {str(y): int((blank & (years == y)).sum()) for y in np.unique(years)},
            "per_unit_year": per_unit_year}
