"""The landing sensor's logic: a run for new or changed files only (the sensor
`landing_files` itself is declared in orchestration/defs/sensors.py).

The cursor is JSON {relative path: [sha256, size, mtime_ns]} of the files
already handed to a run. Content decides, not time stamps: a file copied again
with the same bytes (new mtime) is not a change; size and mtime only spare us
re-hashing a file that was not touched.

One tick with changes gives one run request over the partition range of the
changed months (ingestion is idempotent per file: a month in the middle whose
files did not change is an "unchanged" no-op), for the changed extracts'
assets and everything after ingestion: the landing inventory, all dbt models
and tests, the checks, the late-delivery finding, the serving copy and the report.

run_key = hash of the changes (path, previous sha256 -> new sha256), so the
same change never triggers twice, even if the daemon re-evaluates a tick, while
a correction that reverts to an earlier file (A -> B -> A) is a new change and runs.

Not taken (left for a later tick, not put in the cursor):
- files modified less than NARAVARD_LANDING_SETTLE_SECONDS ago: a sender may
  still be copying them;
- files that are no loadable deliveries (orchestration.landing_names: a name
  or month that cannot be loaded, e.g. the running month; files outside the
  source folders): the next run's landing inventory accounts for them; a file
  for the running month is taken when the month is complete.
"""

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.ingest import landing
from orchestration.ingest.schemas import EXTRACTS
from orchestration.masking import mask

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"
TARGET_JOB = "naravard_full"


@dataclass(frozen=True)
class Seen:
    sha256: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Change:
    path: str            # relative to the landing folder, e.g. vardgaranti/telefoni_2024-01.csv
    extract: str         # e.g. vardgaranti_telefoni
    month: str
    previous_sha256: str | None
    sha256: str


@dataclass(frozen=True)
class LandingPlan:
    changes: list[Change]
    cursor: dict[str, Seen]
    settling: list[str]

    @property
    def months(self) -> list[str]:
        return sorted({c.month for c in self.changes})

    @property
    def extracts(self) -> list[str]:
        return sorted({c.extract for c in self.changes})

    @property
    def run_key(self) -> str:
        text = "\n".join(f"{c.path}:{c.previous_sha256 or '-'}>{c.sha256}" for c in sorted(self.changes,
                                                                                               key=lambda c: c.path))
        return "landing-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def read_cursor(text: str | None) -> dict[str, Seen]:
    if not text:
        return {}
    return {path: Seen(*value) for path, value in json.loads(text).items()}


def write_cursor(seen: dict[str, Seen]) -> str:
    return json.dumps({p: [s.sha256, s.size, s.mtime_ns] for p, s in sorted(seen.items())}, separators=(",", ":"))


def sha256_file(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def plan(landing_dir: Path, previous: dict[str, Seen], now: float, settle_seconds: float) -> LandingPlan:
    """What changed since `previous` (pure but for reading the folder); the new cursor."""
    # Files that disappeared stay in the cursor: if one comes back, it is compared
    # with the version last loaded (B), so a return to an earlier version (A) is a
    # change (B -> A) with its own run key, not a repeat of the first delivery of A.
    cursor: dict[str, Seen] = dict(previous)
    changes: list[Change] = []
    settling: list[str] = []
    for f in landing.scan(landing_dir):
        if not f.is_delivery:
            continue
        rel = f.path.relative_to(landing_dir).as_posix()
        st = f.path.stat()
        if settle_seconds > 0 and now - st.st_mtime < settle_seconds:
            settling.append(rel)  # the cursor keeps what we knew until the new version has settled
            continue
        old = previous.get(rel)
        if old is not None and old.size == st.st_size and old.mtime_ns == st.st_mtime_ns:
            continue
        seen = Seen(sha256_file(f.path), st.st_size, st.st_mtime_ns)
        cursor[rel] = seen
        if old is None or old.sha256 != seen.sha256:
            changes.append(Change(rel, f.extract.key, f.month, old.sha256 if old else None, seen.sha256))
    return LandingPlan(changes, cursor, settling)


def selection_for(extracts: Sequence[str], asset_graph) -> list[dg.AssetKey]:
    """The changed extracts' assets and every asset that is not an ingestion asset: the
    landing inventory, all dbt models, the checks' assets, the late-delivery finding,
    the serving copy and the report.

    All of dbt, not only what lies downstream of the changed extracts: a subset
    `dbt build` fails on a fresh warehouse (unit tests and models whose other
    parents were never built, the seeds), and the data-quality models read the
    load log, which every load writes, as a dbt source outside the lineage.
    The incremental models rebuild only the months whose deliveries changed
    (docs/decisions.md, "Incremental dbt"), so all of dbt costs about the changed months."""
    unchanged = {dg.AssetKey(["raw", e.key]) for e in EXTRACTS if e.key not in set(extracts)}
    keys = [k for k in asset_graph.get_all_asset_keys()
            if asset_graph.get(k).is_materializable and k not in unchanged]
    return sorted(keys, key=lambda k: k.to_user_string())


def run_request(p: LandingPlan, asset_graph) -> dg.RunRequest:
    names = ", ".join(mask(c.path) for c in p.changes[:10]) + (f" and {len(p.changes) - 10} more" if len(p.changes) > 10
                                                          else "")
    return dg.RunRequest(
        run_key=p.run_key,
        asset_selection=selection_for(p.extracts, asset_graph),
        tags={RANGE_START: p.months[0], RANGE_END: p.months[-1], "naravard/trigger": "sensor",
              "naravard/files": names[:1000]},
    )
