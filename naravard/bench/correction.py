"""The corrected old month of the benchmark: a month of the history delivered again, changed.

A region sends a corrected listing when the listing system is fixed, and a
corrected ambulance file when assignments were registered late. The benchmark
redelivers both for month T of the seeded history, made from the generated
month M0 (the history's rows are copies of M0's, history.py):

- listning_T.csv: M0's listing without every 50th person (a correction that
  moves 2 % of the listed);
- uppdrag_T.csv: M0's assignments with their dates moved to T (the text
  'YYYY-MM-' and 'YYYYMM' of M0 replaced by T's). Pick a T with at least as many
  days as M0, or the assignments of the missing days are set aside as invalid
  dates (the benchmark's default: M0 2024-12, T 2024-07).

The ambulance file makes the correction reach every published mångåkare window
that holds T, which is the widest rebuild a single old month causes.
"""
from __future__ import annotations

from pathlib import Path

# Every n-th data row of the listing is left out of the correction.
DROPPED_EVERY = 50


def _listing(src: Path, dst: Path) -> None:
    with open(src, "rb") as f, open(dst, "wb") as out:
        out.write(f.readline())
        for i, line in enumerate(f):
            if i % DROPPED_EVERY:
                out.write(line)


def _assignments(src: Path, dst: Path, m0: str, t: str) -> None:
    data = src.read_bytes()
    data = data.replace(f"{m0}-".encode(), f"{t}-".encode()).replace(m0.replace("-", "").encode(),
                                                                         t.replace("-", "").encode())
    dst.write_bytes(data)


def write_correction(gen: Path, landing: Path, m0: str, t: str) -> list[str]:
    """The corrected files of month t in landing (made from the generated month m0); their names."""
    written = []
    for folder, stem, make in (("listning", "listning", lambda s, d: _listing(s, d)),
                               ("ambulans", "uppdrag", lambda s, d: _assignments(s, d, m0, t))):
        src = gen / folder / f"{stem}_{m0}.csv"
        dst = landing / folder / f"{stem}_{t}.csv"
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            dst.unlink()  # a hard link to the generated file must not be written through
        make(src, dst)
        written.append(f"{folder}/{dst.name}")
    return written
