"""Import Great Expectations in the background while a run ingests.

Importing great_expectations is 13-16 s of pure Python on this project's
2-core machine (scipy.stats, sqlalchemy and altair come with it), paid once per
process before the first raw check can start. The runs use the in-process
executor, so the checks follow the ingestion in the same process: started when
an ingestion asset begins, the import runs while DuckDB loads the files (DuckDB
works outside the GIL) and the checks find the module in sys.modules. The
import is the same one the checks would do; Python's per-module import locks
make a check that arrives early wait for it instead of importing twice.

A run that holds no raw GX check (a bench stage of one source, a run of the
ingestion alone) does not start it: the import would only take CPU from the
load. Nothing is reported from here: if the import fails, the check's own
import fails the same way and says so where a user looks.
"""
from __future__ import annotations

import threading

_lock = threading.Lock()
_thread: threading.Thread | None = None


def _import() -> None:
    try:
        import great_expectations  # noqa: F401
    except Exception:  # noqa: BLE001 - the checks' own import reports it
        pass


def checks_follow(check_keys, check_name: str, prefix: str = "raw") -> bool:
    """Whether the checks a run executes (asset-check keys) include one named check_name
    on an asset under prefix (the raw tables' GX checks)."""
    return any(key.name == check_name and key.asset_key.path[:1] == [prefix] for key in check_keys)


def start() -> threading.Thread:
    """Start the background import once per process; every call returns that one thread."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_import, name="naravard-gx-import", daemon=True)
            _thread.start()
        return _thread
