"""Child process: seed months of history into a warehouse (history.py).

    python -m naravard.bench.seed --warehouse FILE --source-month YYYY-MM --months N [--result FILE]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import duckdb

from naravard.bench.history import seed_history


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m naravard.bench.seed")
    p.add_argument("--warehouse", required=True, type=Path)
    p.add_argument("--source-month", required=True)
    p.add_argument("--months", required=True, type=int, help="months of history in all, the source month included")
    p.add_argument("--first-k", type=int, default=1, help="seed from this many months before the source month")
    p.add_argument("--until-k", type=int, help="... up to (not including) this many months before it")
    p.add_argument("--memory-limit", default="4GB", help="DuckDB's memory limit while copying (it spills beyond)")
    p.add_argument("--result", type=Path)
    a = p.parse_args(argv)
    con = duckdb.connect(str(a.warehouse))
    con.execute("SET preserve_insertion_order = false")
    con.execute(f"SET memory_limit = '{a.memory_limit}'")
    seeded = seed_history(con, a.source_month, a.months, a.first_k, a.until_k)
    con.close()
    out = {"seeded_months": seeded}
    if a.result:
        a.result.write_text(json.dumps(out))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
