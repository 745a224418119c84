"""The warehouse recreated from the archive, the system of record: `naravard rebuild` and `naravard rekey`.

Every delivery is kept in archive/<source>/<month>/<sha256 prefix>__<file name>
before it is read (orchestration/ingest/loading.py). A rebuild replays them into
a new warehouse file: every archived delivery of every month, in delivery order
(the order the files came into the archive), through the same loader as a run,
so each month ends with its latest delivery the loader accepted, exactly as in
the original (a delivery set aside whole leaves the month as it was, there and
here). Then one ordinary run over all those months builds the marts, checks
them and publishes. Only when that run succeeds is the new file put in place;
the old one is kept beside it as <name>.before-<command>-<UTC time>.

`rekey` is the same replay with the key now in NARAVARD_PSEUDONYM_KEY: the only
way to change the key, since a pseudonym cannot be turned back into a number.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest import identity, key_guard, landing, loading
from orchestration.ingest.schemas import SOURCES, Extract
from orchestration.settings import Settings

SHA_PREFIX = 16  # loading.archive names a file <first 16 hex digits of its SHA-256>__<file name>


@dataclass(frozen=True)
class Delivery:
    archived: Path
    source: str
    file_name: str
    extract: Extract
    month: str
    arrived: float  # when it came into the archive (mtime: the archive never rewrites a file)


def deliveries(archive_dir: Path) -> tuple[list[Delivery], list[Path]]:
    """The archived deliveries that name an extract and a reporting month, oldest first, and the archived
    files that do not (set aside for their name when they arrived: they are not replayed)."""
    found, other = [], []
    for source in SOURCES:
        for folder in sorted(p for p in (archive_dir / source).glob("*") if p.is_dir()):
            for f in sorted(p for p in folder.iterdir() if p.is_file()):
                prefix, sep, name = f.name.partition("__")
                parsed = landing.classify(Path(source) / name) if sep and len(prefix) == SHA_PREFIX else None
                if parsed is None or parsed.problem or parsed.month != folder.name:
                    other.append(f)
                    continue
                found.append(Delivery(f, source, name, parsed.extract, parsed.month, f.stat().st_mtime))
    found.sort(key=lambda d: (d.arrived, d.source, d.month, d.file_name))
    return found, other


def set_aside_path(warehouse: Path, command: str) -> Path:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return warehouse.with_name(f"{warehouse.name}.before-{command}-{stamp}")


def replay(settings: Settings, target: Path, staging: Path, found: list[Delivery]) -> None:
    """Load every delivery into the new warehouse `target`, in order; `staging` ends as a landing folder
    with the latest delivery of each extract and month (what the run then finds, unchanged)."""
    from orchestration.resources import connect_with_retry

    con = connect_with_retry(target)
    try:
        key_guard.ensure(con, settings.pseudonym_key, target)
        loading.ensure_schema(con)
        staged: dict[tuple[str, str], Path] = {}
        for d in found:
            path = staging / d.source / d.file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            # One file per extract and month in the landing copy (two would be ambiguous to the run),
            # even when a later delivery was named otherwise (letter case).
            previous = staged.get((d.extract.key, d.month))
            if previous is not None and previous != path:
                previous.unlink()
            staged[(d.extract.key, d.month)] = path
            shutil.copyfile(d.archived, path)
            outcome = loading.load_file(con, d.extract, path, d.month, settings.pseudonym_key, settings.archive_dir,
                                        memory_limit=settings.ingest_memory_limit)
            print(f"naravard: replayed {d.source}/{d.file_name} ({d.month}): {outcome.status}")
    finally:
        con.close()


def old_key_differs(warehouse: Path, key: str) -> bool | None:
    """True/False: the existing warehouse records another/the same key; None: no warehouse, no record,
    or a file that cannot be opened (a damaged warehouse is what a rebuild is for)."""
    from orchestration.resources import WarehouseDamaged, connect_with_retry

    if not warehouse.exists():
        return None
    try:
        con = connect_with_retry(warehouse, read_only=True, attempts=1)
    except WarehouseDamaged:
        return None
    try:
        known = key_guard.recorded(con)
    finally:
        con.close()
    return None if known is None else known != identity.key_fingerprint(key)


def rebuild(settings: Settings, command: str, log_level: str, execute) -> int:
    """`naravard rebuild` / `naravard rekey`. `execute(settings, first, last, trigger, log_level)` runs the
    pipeline (cli.execute_months)."""
    differs = old_key_differs(settings.warehouse, settings.pseudonym_key)
    if command == "rebuild" and differs:
        print(f"naravard: {settings.warehouse} was pseudonymised with another key than NARAVARD_PSEUDONYM_KEY. "
              "To move to this key run `naravard rekey`; to rebuild with the old key, set it.", file=sys.stderr)
        return 2
    if command == "rekey" and differs is False:
        print(f"naravard: {settings.warehouse} already uses this NARAVARD_PSEUDONYM_KEY; nothing to rekey "
              "(`naravard rebuild` recreates it from the archive with the same key).", file=sys.stderr)
        return 2
    found, other = deliveries(settings.archive_dir)
    if not found:
        print(f"naravard: no archived delivery in {settings.archive_dir}: nothing to rebuild from", file=sys.stderr)
        return 2
    for f in other:
        print(f"naravard: not replayed (its name names no extract and month): {f}", file=sys.stderr)
    # The new warehouse grows beside the old one; the landing copies of clear files stay among the
    # clear files (the archive folder), and go when the rebuild ends, whatever the outcome.
    target = settings.warehouse.with_name(f".{settings.warehouse.name}.{command}")
    staging = settings.archive_dir / f".{command}-landing"
    for leftover in (target, Path(f"{target}.wal")):  # of an interrupted rebuild
        leftover.unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    months = sorted({d.month for d in found})
    print(f"naravard: {command}: replaying {len(found)} archived deliveries of {months[0]}..{months[-1]} "
          f"into a new warehouse")
    try:
        replay(settings, target, staging, found)
        # The run reads the staged landing copy into the new warehouse: its resources are built from `new`.
        new = dataclasses.replace(settings, landing_dir=staging, warehouse=target)
        code = execute(new, months[0], months[-1], command, log_level)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if code != 0:
        print(f"naravard: {command} FAILED; {settings.warehouse} was left as it was. The new warehouse is "
              f"{target}, for inspection.", file=sys.stderr)
        return code
    if settings.warehouse.exists():
        kept = set_aside_path(settings.warehouse, command)
        _move_with_wal(settings.warehouse, kept)
        print(f"naravard: the previous warehouse is kept as {kept}")
    _move_with_wal(target, settings.warehouse)
    Path(f"{target}.lock").unlink(missing_ok=True)  # the run's lock file of the temporary name
    print(f"naravard: {command} done: {settings.warehouse} holds {len(months)} months rebuilt from the archive")
    return 0


def _move_with_wal(src: Path, dst: Path) -> None:
    wal = Path(f"{src}.wal")
    if wal.exists():
        os.replace(wal, Path(f"{dst}.wal"))
    os.replace(src, dst)
