"""Which failures are worth a retry, and what a failure on one file does to the others.

Dagster's RetryPolicy on the ingest assets is for transient faults: a disk or
network share that hiccups, a lock held a moment too long, memory another
process held. Those are the errors of the machine (OSError, DuckDB's
operational errors: I/O, out of memory, transaction conflicts, connection).
Everything else comes from the data or from a bug the data triggered (a value
DuckDB cannot cast, an assertion): running the same file again gives the same
error, so a retry only delays the run and repeats the error three times.

Such an error on one file sets that file aside whole (archived, logged with the
file named and the error, masked) and the loop goes on with the next file: one
bad file never stops another from being archived and loaded. A data error
outside any file stops the step without a retry (`dg.Failure(allow_retries=False)`).
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import dagster as dg
import duckdb

from orchestration.masking import mask

TRANSIENT = (OSError, MemoryError, duckdb.OperationalError, duckdb.InterruptException)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT)


def describe(error: BaseException, limit: int = 500) -> str:
    """The error in one line, masked (DuckDB quotes the value it could not cast)."""
    text = " ".join(str(error).split())
    return mask(f"{type(error).__name__}: {text}")[:limit]


def file_failed(file_name: str, error: BaseException) -> str:
    """The set-aside message for a file the loader failed on; starts with the file name, like every file message."""
    return mask(f"{file_name}: the loader failed on this file ({describe(error)}); it was set aside whole and the "
                "month keeps its earlier delivery. Report the file with this message to the pipeline's maintainers")


@contextlib.contextmanager
def retry_only_transient(what: str) -> Iterator[None]:
    """Let transient faults through to the RetryPolicy; turn any other error into a failure that is not retried."""
    try:
        yield
    except dg.Failure:
        raise
    except Exception as e:
        if is_transient(e):
            raise
        # `from None`: the original message may quote data; the masked description says what it was.
        raise dg.Failure(description=f"{what}: {describe(e, 2000)} (a data error: not retried)",
                         allow_retries=False) from None
