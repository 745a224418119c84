"""Late deliveries: which expected monthly files have not arrived by their deadline.

The rule (docs/operations.md):
- every extract type is expected every month, from the first month anything was
  delivered (never before NARAVARD_FIRST_MONTH) up to the last month whose
  deadline has passed; an extract added in a later contract version (besok,
  1.2) only from its own first delivery, so a region that does not deliver it
  yet is not late every month;
- the file for month M is due on day NARAVARD_LATE_DAY (default 15) of month
  M+1; it is late from the day after;
- a file has arrived when it lies in the landing folder under its contract
  name (any letter case: orchestration.landing_names decides), or the load log
  has ever recorded it (also set aside: a broken file is the `leverans`
  check's business, not a late one; also removed from landing after loading).

Demo data ends in a fixed month: its landing folder says so in COVERAGE.json
(automation/coverage.py), which bounds the expected months outside production.

`late_deliveries` is a pure function of (what arrived, today), so the rule is
tested with fixed dates. `write_table` keeps the current answer in
raw._late_deliveries for the data-quality findings and BI tools.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb

from orchestration.automation.coverage import Coverage
from orchestration.ingest.landing import LandingFile
from orchestration.ingest.schemas import EXTRACTS, Extract
from orchestration.months import month_index, month_of_index, month_plus

TABLE = "raw._late_deliveries"
TABLE_DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
  extract VARCHAR,          -- raw table / Dagster asset name, e.g. vardgaranti_bedomning
  source VARCHAR,           -- landing folder, e.g. vardgaranti
  file_name VARCHAR,        -- the expected file, e.g. bedomning_2024-03.csv
  reporting_month VARCHAR,  -- YYYY-MM
  due_date DATE,            -- day NARAVARD_LATE_DAY of the following month
  days_late INTEGER,        -- evaluated_on - due_date (>= 1)
  evaluated_on DATE         -- the day of the evaluation (Europe/Stockholm)
)"""


@dataclass(frozen=True, order=True)
class LateFile:
    reporting_month: str
    extract: str
    source: str
    file_name: str
    due_date: dt.date
    days_late: int

    @property
    def expected_path(self) -> str:
        return f"{self.source}/{self.file_name}"


def due_date(month: str, late_day: int) -> dt.date:
    """Day `late_day` of the month after `month` (the last day if that month is shorter)."""
    year, mon = (int(part) for part in month_plus(month, 1).split("-"))
    return dt.date(year, mon, min(late_day, calendar.monthrange(year, mon)[1]))


def arrived_from_landing(files: Iterable[LandingFile]) -> set[tuple[str, str]]:
    """(extract key, month) that the names of the landing files stand for (orchestration.landing_names):
    deliveries, and files set aside by their name whose extract and month are known (two files for one
    month, a month not yet complete). They have arrived; what is wrong with them is another finding's."""
    return {f.names for f in files if f.names is not None}


def arrived_from_load_log(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    rows = con.execute(
        "SELECT DISTINCT extract, reporting_month FROM raw._load_log "
        "WHERE extract IS NOT NULL AND extract <> '' AND reporting_month IS NOT NULL").fetchall()
    return {(e, m) for e, m in rows}


def late_deliveries(arrived: Iterable[tuple[str, str]], today: dt.date, late_day: int, first_month: str,
                    extracts: Sequence[Extract] = EXTRACTS, coverage: Coverage | None = None) -> list[LateFile]:
    """The expected files that have not arrived and whose deadline is before `today`, by month and extract.
    With a coverage (the demo's COVERAGE.json, automation/coverage.py) nothing after its last month
    is expected, nor the files it says were left out."""
    arrived = set(arrived)
    known = {e.key for e in extracts}
    months = [m for k, m in arrived if k in known and m >= first_month]
    if not months:
        return []  # nothing delivered yet: nothing is expected yet
    start = month_index(min(months))
    # The last month whose deadline has passed: today's month - 1 once the late day is
    # over, else today's month - 2.
    end = month_index(f"{today.year:04d}-{today.month:02d}") - 1
    if today <= due_date(month_of_index(end), late_day):
        end -= 1
    if coverage is not None:
        end = min(end, month_index(coverage.last_month))
    # An extract added in a later contract version is expected from its own first delivery.
    own_first = {e.key: min((m for k, m in arrived if k == e.key and m >= first_month), default=None)
                 for e in extracts if e.expected_from_own_first}
    out = []
    for index in range(start, end + 1):
        month = month_of_index(index)
        due = due_date(month, late_day)
        for e in extracts:
            if e.key in own_first and (own_first[e.key] is None or month < own_first[e.key]):
                continue
            if (e.key, month) not in arrived and not (coverage and f"{e.source}/{e.file_name(month)}"
                                                      in coverage.not_delivered):
                out.append(LateFile(month, e.key, e.source, e.file_name(month), due, (today - due).days))
    return sorted(out)


def month_ranges(months: Iterable[str]) -> str:
    """'2024-01..2024-03, 2024-06': consecutive months as ranges."""
    runs: list[list[int]] = []
    for i in sorted({month_index(m) for m in months}):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ", ".join(month_of_index(a) if a == b else f"{month_of_index(a)}..{month_of_index(b)}" for a, b in runs)


def summarise(late: Sequence[LateFile], limit: int = 12) -> str:
    """'vardgaranti/bedomning: 2024-03; listning/lakare: 2024-02..2024-04'."""
    by_extract: dict[str, list[str]] = {}
    for f in late:
        by_extract.setdefault(f"{f.source}/{f.file_name.rsplit('_', 1)[0]}", []).append(f.reporting_month)
    parts = [f"{name}: {month_ranges(months)}" for name, months in by_extract.items()]
    more = f"; and {len(parts) - limit} more extracts" if len(parts) > limit else ""
    return "; ".join(parts[:limit]) + more


def write_table(con: duckdb.DuckDBPyConnection, late: Sequence[LateFile], evaluated_on: dt.date) -> None:
    """Replace raw._late_deliveries with the current answer (it is a state, not a history)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(TABLE_DDL)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {TABLE}")
        if late:
            con.executemany(
                f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?)",
                [[f.extract, f.source, f.file_name, f.reporting_month, f.due_date, f.days_late, evaluated_on]
                 for f in late])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
