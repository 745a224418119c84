"""COVERAGE.json: a landing folder that says which months it covers (the demo's horizon).

The bundled demo data ends in a fixed month (2024-12). Judged against today's
date, every month after it is "late" — the rule working, but a first run on the
demo would end in an ERROR and an alert. So `naravard demo-data` writes, next to
the CSV files, the period it covers and the file it leaves out on purpose:

    {"written_by": "naravard demo-data", "first_month": "2023-01", "last_month": "2024-12",
     "not_delivered": ["listning/lakare_2024-03.csv"], "files": ["ambulans/uppdrag_2023-01.csv", ...]}

The late-delivery rule then expects files only up to `last_month`, and not the
`not_delivered` ones (the demo's missing file is still a WARN finding,
DQ_FIL_SAKNAS, in marts.dq_findings: nothing is hidden, it is just not "late").

Real data stays strict: the file is ignored (and the rule judges against
today) when NARAVARD_ENV=prod, or when any delivery in the landing folder is not
one of the files it lists — a folder that once held demo data and now holds
real extracts is judged as real data.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

COVERAGE_NAME = "COVERAGE.json"


@dataclass(frozen=True)
class Coverage:
    first_month: str
    last_month: str
    not_delivered: frozenset[str]  # relpaths "source/name_YYYY-MM.csv"
    files: frozenset[str]          # every delivery the folder held when it was written

    def describes(self, relpaths: Iterable[str]) -> bool:
        """True when every delivery now in landing is one the manifest lists."""
        return set(relpaths) <= self.files


def write_coverage(landing_dir: Path, first_month: str, last_month: str, files: Iterable[str],
                   not_delivered: Iterable[str] = ()) -> Path:
    path = Path(landing_dir) / COVERAGE_NAME
    body = {"written_by": "naravard demo-data", "first_month": first_month, "last_month": last_month,
            "not_delivered": sorted(not_delivered), "files": sorted(files)}
    path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    return path


def read_coverage(landing_dir: Path) -> Coverage | None:
    path = Path(landing_dir) / COVERAGE_NAME
    if not path.is_file():
        return None
    body = json.loads(path.read_text(encoding="utf-8"))
    return Coverage(body["first_month"], body["last_month"], frozenset(body.get("not_delivered", [])),
                    frozenset(body.get("files", [])))


def applicable_coverage(landing_dir: Path, delivered_relpaths: Iterable[str], env: str) -> tuple[Coverage | None, str]:
    """The coverage the late rule may use, and one line saying why it is used or not."""
    coverage = read_coverage(landing_dir)
    if coverage is None:
        return None, "no COVERAGE.json: judged against today"
    if env == "prod":
        return None, "COVERAGE.json ignored (NARAVARD_ENV=prod): judged against today"
    if not coverage.describes(delivered_relpaths):
        return None, "COVERAGE.json ignored (the landing folder holds files it does not list): judged against today"
    return coverage, f"COVERAGE.json: the landing folder covers {coverage.first_month}..{coverage.last_month}"
