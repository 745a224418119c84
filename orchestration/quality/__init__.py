"""Data quality: GX suites run as Dagster asset checks, and the findings mart's check.

    from orchestration.quality import quality_checks   # for the Definitions

checks.py        the asset checks (raw extracts, marts.indikatorer, marts.dq_findings)
deliveries.py    the raw `leverans` check: files and rows set aside (raw._load_log)
gx_bridge.py     GX -> Dagster: validate a DataFrame, Data Docs, AssetCheckResult (imports GX)
datadocs.py      the Data Docs folder: start page, latest validations, pruning
suites.py        loads the suites in expectations/
(the thresholds and the Data Docs folder come from the `quality` resource: orchestration/resources.py)

The registration-gap rules themselves are dbt models
(dbt_project/models/intermediate/dq/, marts.dq_findings). See docs/data_quality.md.
Importing this package does not import great_expectations.
"""
from orchestration.quality.checks import quality_checks

__all__ = ["quality_checks"]
