"""The background import of Great Expectations (orchestration/quality/prewarm.py).

In a fresh interpreter, so that nothing of the test session has imported GX yet:
importing the definitions' ingestion module does not import GX; start() does,
in one thread however often it is called, and GX is usable afterwards.
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

from orchestration.paths import PROJECT_ROOT

SCRIPT = textwrap.dedent("""
    import sys
    import orchestration.defs.ingest
    from orchestration.quality import prewarm
    assert "great_expectations" not in sys.modules, "imported at definitions load"
    first = prewarm.start()
    assert all(prewarm.start() is first for _ in range(3))
    assert first.daemon
    first.join()
    import great_expectations as gx
    assert gx.get_context is not None
    print("ok")
""")


def test_start_imports_gx_once_in_the_background():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "ok"


def test_started_only_for_jobs_that_check_raw_tables_with_gx():
    """The ingestion asset asks its job's asset layer: the bench's stage of one source's
    ingestion holds no check, the raw-checks stage and the whole job hold the raw GX checks."""
    import dagster as dg

    from naravard.bench.stage import selection
    from orchestration.defs.ingest import _checks_of_run
    from orchestration.defs.quality import GX_KONTRAKT
    from orchestration.definitions import defs
    from orchestration.quality.prewarm import checks_follow

    class Context:  # what _checks_of_run reads of an AssetExecutionContext
        def __init__(self, job_def, selected=None):
            self.job_def, self.run = job_def, type("Run", (), {"asset_check_selection": selected})()

    def job(stage):
        name = f"t_{stage}"
        jobs = dg.Definitions(jobs=[dg.define_asset_job(name, selection=selection(stage))])
        return dg.Definitions.merge(defs, jobs).resolve_job_def(name)

    follows = {stage: checks_follow(_checks_of_run(Context(job(stage))), GX_KONTRAKT)
               for stage in ("ingest_listning", "checks_raw", "checks_marts")}
    assert follows == {"ingest_listning": False, "checks_raw": True, "checks_marts": False}
    full = defs.resolve_job_def("naravard_full")
    assert checks_follow(_checks_of_run(Context(full)), GX_KONTRAKT)
    # A run's own selection wins over its job's: here, the job's checks without the GX ones.
    leverans = dg.AssetCheckKey(dg.AssetKey(["raw", "listning_listning"]), "leverans")
    assert not checks_follow(_checks_of_run(Context(full, frozenset({leverans}))), GX_KONTRAKT)
