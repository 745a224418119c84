"""Replace published files so that a reader sees the whole old version or the whole new one.

A file is written under a hidden temporary name in the folder it will live in
and renamed over the old one. rename(2) within one file system is atomic: a
reader that opens the name gets one inode or the other, and a reader that
already has the old file open keeps reading the old inode until it closes it.
That is what lets BI tools read the serving copy while a run publishes
(duckdb#17158: they cannot read the warehouse itself while it is written).
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

TMP_SUFFIX = ".tmp"


def temp_path(final: Path) -> Path:
    """A hidden name beside `final`, unique per call (same folder, so same file system)."""
    return final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}{TMP_SUFFIX}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace(tmp: Path, final: Path) -> None:
    """Flush tmp to disk, rename it over final, flush the folder entry.

    Without the first fsync a crash could leave the new name pointing at a
    file whose data never reached the disk.
    """
    _fsync(tmp)
    os.replace(tmp, final)
    _fsync(final.parent)


class Staging:
    """Collect temporary files, then put them all in place at the end, or remove them all on failure.

        with Staging() as stage:
            tmp = stage.add(serving / "indikatorer.csv")
            ...write tmp...
        # all renamed here; on an exception none is, and the temporaries are gone

    Each file is replaced atomically, one after another; a reader who needs
    several files from the same publication compares their publication ids.
    """

    def __init__(self) -> None:
        self.files: list[tuple[Path, Path]] = []
        self.last: list[tuple[Path, Path]] = []

    def add(self, final: Path, last: bool = False) -> Path:
        """A temporary for final; `last` ones are renamed after all others."""
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_path(final)
        (self.last if last else self.files).append((tmp, final))
        return tmp

    def staged(self) -> list[Path]:
        """The temporaries written so far, under their hidden names."""
        return [tmp for tmp, _ in self.files + self.last if tmp.exists()]

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.discard()
            return
        try:
            for tmp, final in self.files + self.last:
                replace(tmp, final)
        except BaseException:
            self.discard()  # the ones not yet renamed; those renamed are whole files of the new version
            raise

    def discard(self) -> None:
        for tmp, _ in self.files + self.last:
            tmp.unlink(missing_ok=True)
            tmp.with_name(tmp.name + ".wal").unlink(missing_ok=True)


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Temporaries a crashed publish left behind (hidden, ending in .tmp or .tmp.wal)."""
    removed = []
    if folder.is_dir():
        for p in folder.iterdir():
            if p.is_file() and p.name.startswith(".") and (p.name.endswith(TMP_SUFFIX) or p.name.endswith(".tmp.wal")):
                p.unlink(missing_ok=True)
                removed.append(p)
    return removed
