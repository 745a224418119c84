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


def test_started_only_for_runs_that_check_with_gx():
    import dagster as dg

    from orchestration.defs.quality import GX_KONTRAKT
    from orchestration.quality.prewarm import checks_follow

    gx = dg.AssetCheckKey(dg.AssetKey(["raw", "listning_listning"]), GX_KONTRAKT)
    other = dg.AssetCheckKey(dg.AssetKey(["raw", "listning_listning"]), "leverans")
    assert checks_follow(None, GX_KONTRAKT)  # every check of the selected assets
    assert checks_follow(frozenset({other, gx}), GX_KONTRAKT)
    assert not checks_follow(frozenset(), GX_KONTRAKT)  # e.g. a bench stage of one source's ingestion
    assert not checks_follow(frozenset({other}), GX_KONTRAKT)
