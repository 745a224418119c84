"""What lies in the landing folder: every file, with what its name means (orchestration.landing_names).

`scan` walks the whole folder, so every file is accounted for: a delivery, set
aside (with why), or ignored (with why). Two files that are deliveries of the
same extract and month (`vhu/undersokning_2024-02.csv` and
`vhu/Undersokning_2024-02.csv`, which Linux keeps apart) are both set aside:
which one the sender meant is not ours to guess, and the month keeps its
earlier delivery until one of them is removed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from orchestration.ingest.schemas import Extract
from orchestration.landing_names import DELIVERY, IGNORED, SET_ASIDE, meaning
from orchestration.masking import mask
from orchestration.partitions import valid_months


@dataclass(frozen=True)
class LandingFile:
    path: Path
    source: str | None
    extract: Extract | None
    month: str | None
    problem: str | None = None   # why it is set aside or ignored (masked); None for a delivery
    kind: str = DELIVERY
    shown: str = ""              # the relative path, masked: what logs and tables may show
    reported: bool = True        # an ignored file is a finding (not the landing root's own notes)
    ambiguous: bool = False      # one of several deliveries of the same extract and month

    @property
    def name_shown(self) -> str:
        """The file name as it may be written anywhere (masked)."""
        return mask(self.path.name)

    @property
    def is_delivery(self) -> bool:
        return self.kind == DELIVERY

    @property
    def names(self) -> tuple[str, str] | None:
        """(extract key, month) the name stands for, also when it cannot be loaded (late deliveries ask this)."""
        if self.kind == IGNORED or self.extract is None or not self.month:
            return None  # an ignored file does not lie where a delivery lies
        return (self.extract.key, self.month)


def _file(path: Path, relative: PurePosixPath, months: set[str]) -> LandingFile:
    m = meaning(relative, months)
    return LandingFile(path, m.source, m.extract, m.month, m.reason, m.kind, m.shown, m.reported)


def classify(path: Path, months: set[str] | None = None) -> LandingFile:
    """One file, by its folder and name (as if it lay directly in the landing folder's source folder)."""
    months = set(valid_months()) if months is None else months
    return _file(path, PurePosixPath(path.parent.name, path.name), months)


def scan(landing_dir: Path) -> list[LandingFile]:
    """Every file under the landing folder, in path order."""
    months = set(valid_months())
    if not landing_dir.is_dir():
        return []
    files = [_file(p, PurePosixPath(p.relative_to(landing_dir).as_posix()), months)
             for p in sorted(landing_dir.rglob("*")) if p.is_file()]
    by_target: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, f in enumerate(files):
        if f.is_delivery:
            by_target[f.names].append(i)
    for (key, month), idx in by_target.items():
        if len(idx) > 1:
            others = ", ".join(files[i].shown for i in idx)
            for i in idx:
                files[i] = replace(files[i], kind=SET_ASIDE, ambiguous=True, problem=(
                    f"{files[i].name_shown}: one of {len(idx)} files for {key} {month} ({others}); which one is "
                    "meant cannot be told, so none was loaded: remove all but one"))
    return files


def deliveries(files: list[LandingFile], extract: Extract) -> dict[str, LandingFile]:
    """The delivery of each month of one extract (at most one each, after `scan`)."""
    return {f.month: f for f in files if f.is_delivery and f.extract == extract}


def counts(files: list[LandingFile]) -> dict[str, int]:
    """Files seen = deliveries + set aside + ignored."""
    out = {"files_seen": len(files), "deliveries": sum(f.kind == DELIVERY for f in files),
           "set_aside": sum(f.kind == SET_ASIDE for f in files), "ignored": sum(f.kind == IGNORED for f in files)}
    assert out["files_seen"] == out["deliveries"] + out["set_aside"] + out["ignored"], out
    return out


# The state of the latest scan, for the data-quality findings (files ignored) and
# BI tools. Replaced on every scan: it is a state, not a history (the load log is).
TABLE = "raw._landing_files"
TABLE_DDL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
  path VARCHAR,             -- relative to the landing folder, masked
  source VARCHAR,           -- the source folder (lower case), NULL outside them
  kind VARCHAR,             -- delivery | set_aside | ignored
  extract VARCHAR,          -- the extract the name names, if any
  reporting_month VARCHAR,  -- the month the name carries, if any
  reason VARCHAR,           -- why set aside or ignored (masked)
  reported BOOLEAN,         -- an ignored file is a finding (not the landing root's own notes)
  scanned_at TIMESTAMP
)"""


def ensure_table(con) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    con.execute(TABLE_DDL)


def write_table(con, files: list[LandingFile], scanned_at) -> None:
    ensure_table(con)
    rows = [[f.shown, f.source, f.kind, f.extract.key if f.extract else None, f.month, f.problem, f.reported,
             scanned_at] for f in files]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM {TABLE}")
        if rows:
            con.executemany(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
