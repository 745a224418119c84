"""The archive is the system of record, the key is guarded, and a run that cannot publish says why in one
line (issue 16, items 4 and 6). One small demo landing (3 months, 1 % of the region), real runs of
`naravard` in subprocesses, in this order (each step's state is the next one's start):

  1. run; then a correction of 2024-12 (another seed) and a second run: the original warehouse.
  2. the warehouse cut short: the run stops at once, one line naming the file and `naravard rebuild`.
  3. another NARAVARD_PSEUDONYM_KEY: the run stops before loading anything, naming `naravard rekey`.
  4. the warehouse deleted and only 2024-12 left in the landing folder: the run refuses to publish,
     names 2024-10 and 2024-11 (worked out by hand: the serving copy has 2024-10..2024-12 and the
     year 2024; one month's data still makes 2024-12 and 2024) and points at `naravard rebuild`.
  5. `naravard rebuild`: marts.indikatorer equal to the original's, row for row.
  6. `naravard rekey` with a new key: the same marts.indikatorer, new pseudonyms, the new fingerprint.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

from naravard.demo import write_demo_data
from tests.conftest import TEST_KEY, pipeline_vars

ROOT = Path(__file__).resolve().parents[2]
NARAVARD = str(Path(sys.executable).parent / "naravard")
SCALE, MONTHS, LAST_MONTH = 0.01, 3, "2024-12"
NEW_KEY = "rotated-key-0123456789abcdef0123456789abcdef"


@dataclass
class Story:
    root: Path
    original: list = field(default_factory=list)           # marts.indikatorer after step 1
    original_persons: set = field(default_factory=set)
    serving_before: bytes = b""                            # serving/naravard.duckdb after step 1
    steps: dict = field(default_factory=dict)              # step -> CompletedProcess
    load_log_rows: tuple = ()                              # raw._load_log rows before/after step 3
    archive_before: list = field(default_factory=list)
    archive_after_key: list = field(default_factory=list)
    serving_after: dict = field(default_factory=dict)      # step -> bytes of serving/naravard.duckdb
    rebuilt: list = field(default_factory=list)
    rebuilt_periods: list = field(default_factory=list)
    rekeyed: list = field(default_factory=list)
    rekeyed_persons: set = field(default_factory=set)
    rekeyed_fingerprint: str = ""
    kept: list = field(default_factory=list)               # warehouse files set aside by rebuild/rekey


def _naravard(root: Path, *args: str, key: str = TEST_KEY) -> subprocess.CompletedProcess:
    env = {**os.environ, **pipeline_vars(root), "NARAVARD_PSEUDONYM_KEY": key}
    return subprocess.run([NARAVARD, *args, "--log-level", "WARNING"], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=1200)


def _query(db: Path, sql: str) -> list:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


INDIKATORER = "SELECT * FROM marts.indikatorer ORDER BY ALL"
PERSONS = "SELECT DISTINCT person_id FROM raw.listning_listning WHERE person_id IS NOT NULL"


def _ok(p: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert p.returncode == 0, f"{p.stdout[-3000:]}\n{p.stderr[-3000:]}"
    return p


def _archive(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "archive").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def story(tmp_path_factory) -> Story:
    root = tmp_path_factory.mktemp("record")
    s = Story(root)
    landing, serving = root / "landing", root / "serving"
    warehouse = root / "warehouse" / "naravard.duckdb"
    (root / "dagster_home").mkdir()
    (root / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")

    # 1. The original: three months, then a correction of the last.
    write_demo_data(landing, scale=SCALE, months=MONTHS, end_month=LAST_MONTH, seed=31)
    _ok(_naravard(root, "run"))
    write_demo_data(landing, scale=SCALE, months=1, end_month=LAST_MONTH, seed=32)
    _ok(_naravard(root, "run"))
    s.original = _query(warehouse, INDIKATORER)
    s.original_persons = set(_query(warehouse, PERSONS))
    s.serving_before = (serving / "naravard.duckdb").read_bytes()

    # 2. The warehouse cut short (a copy is put back afterwards).
    whole = root / "whole.duckdb"
    shutil.copyfile(warehouse, whole)
    with open(warehouse, "r+b") as fh:
        fh.truncate(warehouse.stat().st_size // 2)
    s.steps["damaged"] = _naravard(root, "run")
    os.replace(whole, warehouse)

    # 3. Another key.
    s.load_log_rows = (_query(warehouse, "SELECT count(*) FROM raw._load_log")[0][0],)
    s.archive_before = _archive(root)
    s.steps["key"] = _naravard(root, "run", key=NEW_KEY)
    s.load_log_rows += (_query(warehouse, "SELECT count(*) FROM raw._load_log")[0][0],)
    s.archive_after_key = _archive(root)

    # 4. History lost: no warehouse, only the newest month in the landing folder.
    for p in [warehouse, *warehouse.parent.glob("naravard.duckdb.wal")]:
        p.unlink()
    for p in landing.rglob("*.csv"):
        if LAST_MONTH not in p.name:
            p.unlink()
    s.steps["fewer"] = _naravard(root, "run")
    s.serving_after["fewer"] = (serving / "naravard.duckdb").read_bytes()

    # 5. Rebuild from the archive.
    s.steps["rebuild"] = _naravard(root, "rebuild")
    s.rebuilt = _query(warehouse, INDIKATORER)
    s.rebuilt_periods = [r[0] for r in _query(serving / "naravard.duckdb",
                                              "SELECT DISTINCT period FROM marts.indikatorer ORDER BY 1")]

    # 6. Rotate the key.
    s.steps["rekey"] = _naravard(root, "rekey", key=NEW_KEY)
    s.rekeyed = _query(warehouse, INDIKATORER)
    s.rekeyed_persons = set(_query(warehouse, PERSONS))
    s.rekeyed_fingerprint = _query(warehouse, "SELECT fingerprint FROM raw._pseudonym_key")[0][0]
    s.kept = sorted(p.name for p in warehouse.parent.glob("naravard.duckdb.before-*"))
    return s


def _lines(p: subprocess.CompletedProcess) -> list[str]:
    """What naravard itself said (library warnings on stderr aside)."""
    return [line for line in (p.stdout + p.stderr).splitlines() if line.startswith("naravard:")]


def test_a_warehouse_cut_short_is_one_message_with_the_way_out(story):
    p = story.steps["damaged"]
    assert p.returncode == 2
    lines = _lines(p)
    warehouse = story.root / "warehouse" / "naravard.duckdb"
    assert lines == [f"naravard: The warehouse {warehouse} is damaged (cut short or not a DuckDB file) and cannot "
                     "be opened. Recreate it from the archive with `naravard rebuild` (the damaged file is kept "
                     "beside it); see docs/security.md."], lines
    assert "Could not read enough bytes" not in p.stderr and "max_retries" not in p.stderr


def test_another_key_stops_before_loading_anything(story):
    p = story.steps["key"]
    assert p.returncode == 2
    err = p.stderr
    assert "is not the key" in err and "nothing was loaded" in err and "naravard rekey" in err
    assert NEW_KEY not in err and TEST_KEY not in err
    assert story.load_log_rows[0] == story.load_log_rows[1]  # no file loaded or set aside
    assert story.archive_after_key == story.archive_before   # nor archived


def test_fewer_months_than_published_stops_before_publishing(story):
    p = story.steps["fewer"]
    assert p.returncode == 1
    wanted = [line for line in _lines(p) if "would vanish" in line]
    assert len(wanted) == 1, _lines(p)
    assert "2 period(s)" in wanted[0] and ": 2024-10, 2024-11." in wanted[0]
    assert "naravard rebuild" in wanted[0]
    assert story.serving_after["fewer"] == story.serving_before  # the published history is still there


def test_rebuild_from_the_archive_gives_the_original_indicators(story):
    _ok(story.steps["rebuild"])
    assert story.original  # not two empty tables
    assert story.rebuilt == story.original
    assert story.rebuilt_periods == ["2024", "2024-10", "2024-11", "2024-12"]


def test_rekey_gives_the_same_indicators_with_new_pseudonyms(story):
    _ok(story.steps["rekey"])
    assert story.rekeyed == story.original
    assert story.rekeyed_persons and not story.rekeyed_persons & story.original_persons
    assert len(story.rekeyed_persons) == len(story.original_persons)
    expected = hmac.new(NEW_KEY.encode(), b"naravard pseudonym key fingerprint v1", hashlib.sha256).hexdigest()
    assert story.rekeyed_fingerprint == expected
    assert [k.split("-")[1] for k in story.kept] == ["rebuild", "rekey"]
