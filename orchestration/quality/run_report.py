"""What the headless run says about its checks (used by `naravard run`, naravard/cli.py).

A failed blocking ERROR check fails its step, so the run fails and the assets
after it (the dbt models, the serving copy) are skipped: the command must say
which check, on which asset and partition, held publishing back. WARN checks
(registration gaps) are summarised and do not change the exit code.
"""
from __future__ import annotations

from dataclasses import dataclass

import dagster as dg


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check: str
    severity: str  # ERROR | WARN
    blocking: bool
    partitions: str
    description: str

    def line(self) -> str:
        where = f" partition(s) {self.partitions}" if self.partitions else ""
        kind = "blocking " if self.blocking else ""
        return f"{kind}{self.severity} check {self.check} on {self.asset}{where}: {self.description}"


def _text(value) -> str:
    inner = getattr(value, "value", value)
    return "" if inner is None else str(inner)


def _partitions(meta: dict) -> str:
    for key in ("failed_partitions", "months_checked"):
        if key in meta and _text(meta[key]) not in ("", "none"):
            return _text(meta[key])
    return ""


def failed_checks(result) -> list[FailedCheck]:
    """Every check evaluation of the run that did not pass, ERROR first."""
    out = []
    for ev in result.get_asset_check_evaluations():
        if ev.passed:
            continue
        meta = dict(ev.metadata or {})
        out.append(FailedCheck(
            asset=ev.asset_key.to_user_string(),
            check=ev.check_name,
            severity="ERROR" if ev.severity == dg.AssetCheckSeverity.ERROR else "WARN",
            blocking=bool(getattr(ev, "blocking", False)),
            partitions=_partitions(meta),
            description=" ".join((ev.description or "").split())[:600],
        ))
    return sorted(out, key=lambda f: (f.severity != "ERROR", not f.blocking, f.asset, f.check))


def skipped_steps(result) -> list[str]:
    """Steps of the job that never started (Dagster logs "Dependencies ... failed. Not executing"
    for the steps after a failed blocking check, without a step event)."""
    started = {e.step_key for e in result.all_events if e.is_step_start}
    try:
        nodes = {n.name for n in result.job_def.nodes}
    except Exception:  # a result without its job definition: say nothing rather than guess
        return []
    return sorted(nodes - started)


SERVING = dg.AssetKey(["serving", "naravard"])


def published_serving(result) -> bool:
    return any(e.asset_key == SERVING for e in result.get_asset_materialization_events())
