"""Load one file in a process of its own and report the outcome and the memory it took.

`python -m tests.reliability.load_one <warehouse> <file> <extract key> <month> <archive dir>`
prints one JSON object: the LoadOutcome, and the resident memory before the
load and at its peak (MB, from /proc/self/status). The 100 MB case runs here so
that its peak is not hidden by what the test process already holds.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import duckdb

from orchestration.ingest import loading
from orchestration.ingest.schemas import BY_KEY
from tests.conftest import TEST_KEY


def _mb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", status).group(1)) // 1024


def main(warehouse: str, file: str, extract_key: str, month: str, archive_dir: str) -> None:
    con = duckdb.connect(warehouse)
    loading.ensure_schema(con)
    before = _mb("VmRSS")
    outcome = loading.load_file(con, BY_KEY[extract_key], Path(file), month, TEST_KEY, Path(archive_dir))
    peak = _mb("VmHWM")
    con.close()
    print(json.dumps({"outcome": outcome.as_metadata(), "rss_before_mb": before, "peak_mb": peak}))


if __name__ == "__main__":
    main(*sys.argv[1:])
