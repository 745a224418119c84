"""`naravard bench` (issue 8): how long a monthly run takes and whether it fits the machine.

    naravard bench [--scale national] [--months 24] ...     (make bench BENCH_ARGS="...")

measure.py   wall time and peak memory of a child process (/proc sampling and wait4)
stage.py     one stage of the real naravard_full job, run on its own (child process)
baseline.sql marts.indikatorer from the raw tables in one plain SQL script; baseline.py runs it
floor.py     the floor: the month's files read by bare DuckDB (read_csv, HMAC in SQL), then baseline.sql
compare.py   the baseline's (or the floor's) marts.indikatorer against dbt's
history.py   seeding months of history cheaply (SQL copies of a loaded month); seed.py runs it
runner.py    the whole benchmark; report.py the figures and docs/benchmarks.md; machine.py the machine

See docs/benchmarks.md for the method and the figures.
"""
from __future__ import annotations


def add_arguments(parser) -> None:
    from naravard.bench.runner import add_arguments as add

    add(parser)


def run(args) -> int:
    from naravard.bench.runner import run as run_

    return run_(args)
