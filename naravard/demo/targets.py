"""The figures Region Västerbotten reported, which the demo data reproduces.

Computed by the definitions of CONTRACTS.md §3 at region level, with the
registration gaps in (they are the figures the region's IT systems show).
Years outside 2023–2024 take the nearest year's figure.
"""
from __future__ import annotations

T1_TELEFON_SAMMA_DAG = {2023: 0.73, 2024: 0.76}
T2_BEDOMNING_3_DAGAR = {2023: 0.77, 2024: 0.80}
V1_VHU_DELTAGANDE = {2023: 0.28, 2024: 0.31}
# Share of listed persons with a registered fast läkarkontakt in the last
# month (10 %, 28 100 inhabitants), growing slowly towards it.
K1_LAST_MONTH = 0.10
K1_GROWTH_PER_MONTH = 0.00065
# Frequent ambulance users (Alm, Kurland, Hugelius 2026): >= 4 missions in
# 365 days; about 8 % of patients and 29 % of missions.
AMBULANCE_MISSIONS_PER_YEAR_SCALE_1 = 27_000
FREQUENT_SHARE_OF_PATIENTS = 0.08
FREQUENT_SHARE_OF_MISSIONS = 0.29


def for_year(table: dict[int, float], year: int) -> float:
    nearest = min(table, key=lambda y: (abs(y - year), y))
    return table[nearest]


def k1_for_month(index: int, n_months: int) -> float:
    return K1_LAST_MONTH - K1_GROWTH_PER_MONTH * (n_months - 1 - index)
