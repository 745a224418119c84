"""The warehouse resource: one DuckDB file, one writer at a time.

DuckDB allows a single writer process. Runs use the in-process executor, so
steps never write concurrently inside a run; a lock held by another process
(a second run, an analyst with the file open) is retried with backoff before
the step fails with a clear message.
"""
from __future__ import annotations

import contextlib
import time
from pathlib import Path

import dagster as dg
import duckdb

from orchestration.settings import Settings


class WarehouseBusy(RuntimeError):
    pass


class WarehouseDamaged(dg.Failure):
    """The warehouse file exists but DuckDB cannot open it (cut short, overwritten). Not retried:
    waiting does not mend a file. The way out is a rebuild from the archive."""

    def __init__(self, path: Path):
        super().__init__(
            description=f"The warehouse {path} is damaged (cut short or not a DuckDB file) and cannot be opened. "
            "Recreate it from the archive with `naravard rebuild` (the damaged file is kept beside it); "
            "see docs/security.md.", allow_retries=False)


def connect_with_retry(path: Path, attempts: int = 6, first_wait: float = 0.5, read_only: bool = False):
    path.parent.mkdir(parents=True, exist_ok=True)
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                # "Could not read enough bytes", "not a valid DuckDB database file": the file, not a lock.
                if path.exists():
                    raise WarehouseDamaged(path) from e
                raise
            if attempt == attempts:
                raise WarehouseBusy(
                    f"The warehouse {path} is locked by another process ({e}). DuckDB allows one writer: "
                    "wait for the other run to finish, or point BI tools at the serving copy instead."
                ) from e
            time.sleep(wait)
            wait *= 2
        except (duckdb.SerializationException, duckdb.InternalException) as e:
            raise WarehouseDamaged(path) from e
    raise AssertionError("unreachable")


class WarehouseResource(dg.ConfigurableResource):
    """Path of the DuckDB warehouse; empty means NARAVARD_WAREHOUSE / the default."""

    path: str = ""

    def resolved_path(self) -> Path:
        return Path(self.path) if self.path else Settings.from_env().warehouse

    @contextlib.contextmanager
    def connect(self, read_only: bool = False):
        con = connect_with_retry(self.resolved_path(), read_only=read_only)
        try:
            yield con
        finally:
            con.close()
