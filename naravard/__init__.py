"""The `naravard` command and the tools beside the code location.

orchestration/ is the Dagster code location: the definitions and the logic a
run needs, nothing else. This package uses it and is never used by it:

    cli.py    the `naravard` command (run, backfill, rebuild, rekey, demo-data, bench)
    demo/     the demo-data generator (`naravard demo-data`, `make run`)
    bench/    the benchmark (`naravard bench`, `make bench`, docs/benchmarks.md)

The arrows point one way (tests/test_import_graph.py): naravard -> orchestration.
"""
