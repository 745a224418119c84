"""Was each month of an extract delivered in a state the marts can use? Read from raw._load_log.

The loader sets aside single rows that break the contract and loads the rest,
so most contract breaks are contained. Two are not, and fail the raw asset's
`leverans` check with ERROR (blocking the marts and the serving copy):

- the latest delivery of a month was set aside whole (unreadable, a required
  column missing): the month would be published without that extract, or with
  the earlier delivery the sender meant to correct;
- more than NARAVARD_DQ_MAX_SET_ASIDE_SHARE (5 %) of a delivery's rows were set
  aside: something systematic broke and the month would have a hole.

Fewer set-aside rows are a WARN (they are listed in marts.dq_findings as
DQ_RADER_AVSATTA). The state is the *latest* load-log row per month, not the
events of this run: an identical unreadable file delivered again is a no-op
for the loader, and must keep failing the check until a good file arrives.
"""
from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
import duckdb

from orchestration.ingest.loading import STATUS_FILE_SET_ASIDE
from orchestration.ingest.schemas import Extract


@dataclass(frozen=True)
class Delivery:
    month: str
    file_name: str
    status: str
    rows_read: int
    rows_set_aside: int
    message: str

    @property
    def set_aside_share(self) -> float:
        return self.rows_set_aside / self.rows_read if self.rows_read else 0.0


@dataclass
class DeliveryVerdict:
    passed: bool
    severity: dg.AssetCheckSeverity
    description: str
    error_months: list[str]
    metadata: dict


def latest_deliveries(con: duckdb.DuckDBPyConnection, extract: Extract, months: list[str] | None) -> list[Delivery]:
    """The latest load-log row per reporting month of the extract (all months when months is None)."""
    where = "extract = ? AND reporting_month IS NOT NULL"
    params: list = [extract.key]
    if months is not None:
        if not months:
            return []
        where += f" AND reporting_month IN ({', '.join('?' for _ in months)})"
        params += months
    rows = con.execute(
        f"""SELECT reporting_month, file_name, status, coalesce(rows_read, 0), coalesce(rows_set_aside, 0),
                   coalesce(message, '')
            FROM raw._load_log WHERE {where}
            QUALIFY row_number() OVER (PARTITION BY reporting_month ORDER BY loaded_at DESC, load_id DESC) = 1
            ORDER BY reporting_month""",
        params,
    ).fetchall()
    return [Delivery(*r) for r in rows]


def _table(rows: list[tuple]) -> str:
    lines = ["| month | file | status | rows read | set aside | message |", "|---|---|---|---|---|---|"]
    lines += [f"| {m} | {f} | {s} | {r} | {a} | {msg.replace('|', '/')[:300]} |" for m, f, s, r, a, msg in rows]
    return "\n".join(lines)


def judge(extract: Extract, deliveries: list[Delivery], months: list[str] | None,
          max_share: float, in_landing: dict[str, str] | None = None) -> DeliveryVerdict:
    """`in_landing`: month -> file name (masked) of this extract's deliveries in the landing folder, as the
    landing scan names them. A month of the run with a delivery there and none in the load log was not
    loaded: an ERROR (files seen = loaded + set aside + ignored must hold)."""
    in_landing = in_landing or {}
    whole = [d for d in deliveries if d.status == STATUS_FILE_SET_ASIDE]
    too_many = [d for d in deliveries if d.status != STATUS_FILE_SET_ASIDE and d.set_aside_share > max_share]
    some = [d for d in deliveries if d.status != STATUS_FILE_SET_ASIDE and 0 < d.set_aside_share <= max_share]
    delivered = {d.month for d in deliveries}
    not_loaded = [m for m in (months or []) if m not in delivered and m in in_landing]
    without_file = [m for m in (months or []) if m not in delivered and m not in in_landing]
    checked = months if months is not None else sorted(delivered)
    meta: dict = {
        "months_checked": f"{checked[0]}..{checked[-1]} ({len(checked)})" if checked else "none",
        "files_set_aside_whole": len(whole),
        "deliveries_over_set_aside_limit": len(too_many),
        "rows_set_aside": sum(d.rows_set_aside for d in deliveries),
        "rows_read": sum(d.rows_read for d in deliveries),
        "max_set_aside_share": max_share,
        "months_without_file": ", ".join(without_file) or "none",
        "months_in_landing_not_loaded": ", ".join(not_loaded) or "none",
    }
    problems = whole + too_many + some
    if problems:
        meta["deliveries"] = dg.MetadataValue.md(_table(
            [(d.month, d.file_name, d.status, d.rows_read, d.rows_set_aside, d.message) for d in problems]))
    error_months = sorted({d.month for d in whole + too_many} | set(not_loaded))
    meta["failed_partitions"] = ", ".join(error_months) or "none"
    if error_months:
        parts = [f"{in_landing[m]} ({m}) lies in the landing folder but was not loaded" for m in not_loaded]
        parts += [f"{d.file_name} ({d.month}) was set aside whole: {d.message}" for d in whole]
        parts += [f"{d.file_name} ({d.month}): {d.rows_set_aside} of {d.rows_read} rows set aside "
                  f"({d.set_aside_share:.1%} > {max_share:.0%})" for d in too_many]
        return DeliveryVerdict(False, dg.AssetCheckSeverity.ERROR,
                               f"raw.{extract.key}: " + "; ".join(parts)[:1500], error_months, meta)
    if some:
        return DeliveryVerdict(False, dg.AssetCheckSeverity.WARN,
                               f"raw.{extract.key}: rows set aside in {len(some)} deliveries "
                               f"({sum(d.rows_set_aside for d in some)} rows; see marts.dq_findings)", [], meta)
    return DeliveryVerdict(True, dg.AssetCheckSeverity.ERROR,
                           f"raw.{extract.key}: every delivered month loaded whole", [], meta)
