"""The disclosure rule per indicator (röjandekontroll, CONTRACTS.md section 3.1), read from its one place.

dbt_project/seeds/contract/rojandekontroll.csv declares, for every indicator, which count of persons or
events it protects: its numerator or its denominator (never FTE or inhabitants). A row is suppressed when
that count is 1 .. threshold - 1. dbt joins the seed (marts.indikatorer), the bench baseline reads it as
CSV, and the GX suite of the mart and the publish step read it through this module, so the four cannot
disagree. A new indicator gets a row in the seed, or dbt fails its build.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from orchestration.paths import ROJANDEKONTROLL_CSV

NUMERATOR, DENOMINATOR = "numerator", "denominator"


@dataclass(frozen=True)
class Protection:
    indicator_id: str
    protects: str            # NUMERATOR or DENOMINATOR: the column holding the protected count
    hide_denominator: bool   # a suppressed row hides its denominator too (it is another indicator's hidden count)
    counted: str             # what the count counts, in Swedish


def protections(path: Path = ROJANDEKONTROLL_CSV) -> dict[str, Protection]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out = {}
    for line, r in enumerate(rows, start=2):
        if r["protects"] not in (NUMERATOR, DENOMINATOR) or r["hide_denominator"] not in ("true", "false"):
            raise ValueError(f"{path}, line {line}: protects must be numerator|denominator and "
                             f"hide_denominator true|false, not {r['protects']!r}, {r['hide_denominator']!r}")
        out[r["indicator_id"]] = Protection(r["indicator_id"], r["protects"], r["hide_denominator"] == "true",
                                            r["counted"])
    return out


def rule_values_sql() -> str:
    """The rule as a SQL VALUES list (indicator_id, protects, hide_denominator), for checks in DuckDB."""
    rows = ", ".join(f"('{p.indicator_id}', '{p.protects}', {str(p.hide_denominator).lower()})"
                     for p in protections().values())
    return f"(VALUES {rows}) AS rule(indicator_id, protects, hide_denominator)"
