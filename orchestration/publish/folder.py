"""Publish the warehouse's marts into the serving folder: stage every file, then rename them into place."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from orchestration.publish import atomic, disclosure, exports, guard, serving_db
from orchestration.publish.serving_db import SERVING_DB, Publication


def publish(con, serving_dir: Path, threshold: float, run_id: str = "",
            check_staged: Callable[[list[Path]], None] | None = None) -> tuple[Publication, list[str]]:
    """Publish the warehouse's marts (on connection `con`) into serving_dir.

    Returns the publication and the marts left out (not known to the
    disclosure rule). Raises disclosure.DisclosureError, and publishes
    nothing, when the marts do not satisfy the rule; guard.PublishRefused when
    the folder cannot be written or months of the serving copy would vanish.
    check_staged gets every staged file once all are written and before any
    is renamed into place (the privacy scan); when it raises, nothing is published.
    """
    selects, left_out = disclosure.published_selects(con, threshold)
    parquet_dir = serving_dir / exports.PARQUET_DIR
    guard.writable(serving_dir, parquet_dir)
    guard.refuse_fewer_months(con, serving_dir)
    parquet_dir.mkdir(parents=True, exist_ok=True)
    # We hold the warehouse's write lock, so no other publish is under way:
    # hidden temporaries here are leftovers of a crashed one.
    atomic.remove_stale_temporaries(serving_dir)
    atomic.remove_stale_temporaries(parquet_dir)

    publication = Publication(publication_id=str(uuid.uuid4()), run_id=run_id,
                              published_at=datetime.now(timezone.utc), suppression_threshold=threshold)
    with atomic.Staging() as stage:
        # The database is renamed last: once a reader sees a publication id
        # there, the Parquet and CSV files are of that publication (or newer).
        db_tmp = stage.add(serving_dir / SERVING_DB, last=True)
        with serving_db.build(con, db_tmp, selects, publication) as db:
            for mart in selects:
                exports.write_parquet(con, f'{db}.marts."{mart}"', stage.add(parquet_dir / f"{mart}.parquet"),
                                      publication.publication_id)
            exports.write_indikatorer_csv(con, f"{db}.marts.{disclosure.INDIKATORER}",
                                          stage.add(serving_dir / exports.CSV_NAME))
        if check_staged is not None:
            check_staged(stage.staged())
    exports.remove_unpublished_parquet(parquet_dir, set(selects))
    return publication, left_out

