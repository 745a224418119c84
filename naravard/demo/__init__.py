"""Deterministic demo data for Region Västerbotten: the landing folder of CONTRACTS.md §2.

    write_demo_data(out_dir, scale=1.0, seed=20241231, months=24, end_month="2024-12",
                    defects=True) -> dict

writes, for each of `months` months ending at end_month,

    <out>/vardgaranti/telefoni_YYYY-MM.csv   bedomning_YYYY-MM.csv
    <out>/listning/listning_YYYY-MM.csv      lakare_YYYY-MM.csv
    <out>/ambulans/uppdrag_YYYY-MM.csv
    <out>/vhu/inbjudan_YYYY-MM.csv           undersokning_YYYY-MM.csv
    <out>/besok/besok_YYYY-MM.csv            (visits; besok.py)

for the region's 15 kommuner and 38 health centres (read from the project's
reference seeds), plus `<out>/DEFECTS.json`, the manifest returned. Earlier
files of this layout in out_dir (names `<extract>_YYYY-MM.csv` in the four
source folders) are deleted first, so the folder holds exactly what the
manifest describes; nothing else is touched.

scale: 1.0 or "region" = about 279 000 listed residents (the kommuner's
inhabitants); any positive float: volumes scale with it, the 38 units stay
(physicians scale too). "national" = 10.5 million listed over the nation's
shape instead: 21 regions, 290 kommuner, 1 100 health centres (the reference
seeds' three real regions and 18 illustrative ones, nation.py);
"national:F" = that shape at F of the volume. The same seed gives
byte-identical files; a different seed gives other data.

Calibration (CONTRACTS.md §3 definitions, region level, defects included):
T1 0.73 (2023) / 0.76 (2024); T2 0.77 / 0.80; K1 exactly 0.10 in the last
month (≈ 28 100 persons at scale 1), growing slowly to it; V1 0.28 / 0.31;
ambulance ≈ 27 000 assignments a year, ≈ 8 % of patients with >= 4 missions
in 365 days making ≈ 29 % of the missions. Targets in `targets.py`.

With defects=False none of the gaps below is injected: no SÄBO residents, every
registering unit, no empty bedomningsdatum, no missing delivery or file, all
ambulance patients identified, FaR always registered when activity is low.
Format quirks (formats.py) are the same either way.

Manifest (DEFECTS.json; the pipeline ignores it). Keys:

params            scale, scale_arg, seed, months, first_month, end_month,
                  defects, regionkod, listed_target
files             {relpath: {extract, month, encoding, header, rows, bytes, sha256}}
encodings         {relpath: "cp1252" | "utf-8-sig" | "utf-8"}
quirks            delimiter, line_ending, and lists of relpaths: bom, cp1252,
                  compact_dates, decimal_point, upper_case_header,
                  column_order_differs, timestamps_with_seconds;
                  extra_columns {relpath: [header names]};
                  personnummer_hyphen_share {extract key: share}
units_never_fast_lakarkontakt        [hsa_id]  (2–4 units; empty fast_lakarkontakt
                                     for every listed person there, every month)
units_never_fast_lakarkontakt_names  {hsa_id: name}
sabo_residents_per_month             {YYYY-MM: persons with sarskilt_boende = J}
                                     (none of them has a fast_lakarkontakt)
sabo_residents_per_unit_month        {hsa_id: {YYYY-MM: n}}  (non-zero only)
missing_assessment_per_unit_month    {hsa_id: {YYYY-MM: contacts with empty bedomningsdatum}}
missing_assessment                   {contacts, missing, share (~0.10), high_units [2 hsa_id]}
missing_delivery                     {unit, unit_name, month, extract: "bedomning",
                                     delivered: "telefoni"}: the unit has telefoni rows
                                     that month but no bedomning rows; null if clean
missing_files                        [relpath]: an expected file never written
besok                                visits_per_month {YYYY-MM: n}; unit_without_personal_hsa_id
                                     (hsa_id: its visits never carry personal_hsa_id, null if
                                     clean); units_with_many_hired_doctors [hsa_id];
                                     sabo_visits, sabo_visits_hembesok; continuity_last_window
                                     {month, persons, K4/K5/K7 of the region, sabo_persons,
                                     K4_per_unit} recomputed from the generated visits (region
                                     scale only, null at the nation's)
                                     (listning/lakare for one month)
unidentified_ambulance               {total, assignments, share (~0.04),
                                     by_kind {blank, reservnummer, bad_check_digit},
                                     per_month {YYYY-MM: {kind: n, total}}}
far_blank                            {total, low_activity_examinations, share,
                                     per_year {YYYY: n}, per_unit_year {hsa_id: {YYYY: n}}}:
                                     examinations with fysisk_aktivitet_lag = J and
                                     far_forskriven empty
indicators        what the files give by the contract definitions, region level:
                  T1/T2/V1 per year and K1 per month {numerator, denominator, value},
                  ambulance_frequent_users_last_window (identified patients)
volumes           listed_per_month, contacts_per_month, ambulance_per_month,
                  vhu_invitations, vhu_examinations, physicians_last_month

Defects that are not "gaps" but realism stay in both modes: empty yrkesgrupp
(~8 %), empty fast_vardkontakt, ~1 % blank VHU measurements, far_forskriven
blank where activity is not low, visitors (valid personnummer never listed)
in the ambulance data, samordningsnummer.
"""
from __future__ import annotations

from pathlib import Path

from .build import MANIFEST_NAME, NATIONAL_LISTED, generate

__all__ = ["write_demo_data", "MANIFEST_NAME", "NATIONAL_LISTED"]


def write_demo_data(out_dir: str | Path, scale: float | str = 1.0, seed: int = 20241231, months: int = 24,
                    end_month: str = "2024-12", defects: bool = True) -> dict:
    """Write the demo landing folder into out_dir and return its manifest (see the module doc)."""
    return generate(Path(out_dir), scale=scale, seed=seed, months=months, end_month=end_month, defects=defects)
