"""Data quality: what the asset checks run (the checks themselves: orchestration/defs/quality.py).

deliveries.py    the raw `leverans` check: files and rows set aside (raw._load_log)
gx_bridge.py     GX -> Dagster: validate a DataFrame, Data Docs, AssetCheckResult (imports GX)
gx_view.py       the page view GX renders Data Docs with, inert for values from the data
datadocs.py      the Data Docs folder: start page, latest validations, pruning
suites.py        loads the suites in expectations/
run_report.py    what a finished run's checks said, for the CLI
prewarm.py       imports GX in the background while a run ingests (the checks follow in-process)
(the thresholds and the Data Docs folder come from the `quality` resource: orchestration/resources.py)

The registration-gap rules themselves are dbt models
(dbt_project/models/intermediate/dq/, marts.dq_findings). See docs/data_quality.md.
Importing this package does not import great_expectations.
"""
