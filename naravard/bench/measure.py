"""Wall time and peak memory of one stage, run as a child process.

Every stage runs in its own process, so its peak is its own (nothing left over
from an earlier stage in the same interpreter). Two memory figures:

- peak_rss: the largest sum of the resident set sizes of the child and all its
  descendants (dbt runs as a grandchild of a Dagster step), read from /proc
  every `interval` seconds. This is what the machine must hold at once.
- max_proc_rss: the kernel's high-water mark (ru_maxrss from wait4) of the
  largest single process in the tree; exact, catches spikes the sampling misses.

The reported peak is the larger of the two. No psutil: /proc only (Linux).
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")
GB = 1024 ** 3


@dataclass
class Measured:
    name: str
    wall_s: float
    peak_rss: int  # bytes, the tree's sampled peak or the largest process's high-water mark, whichever is larger
    sampled_tree_rss: int
    max_proc_rss: int
    returncode: int
    log: Path | None = None
    extra: dict = field(default_factory=dict)

    @property
    def peak_rss_gb(self) -> float:
        return self.peak_rss / GB


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces; split after the last ')'.
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def tree_rss(root: int) -> int:
    kids = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack.extend(kids.get(pid, ()))
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except (OSError, IndexError, ValueError):
            pass
    return total


def run_measured(name: str, cmd: list[str], env: dict[str, str] | None = None, log: Path | None = None,
                 cwd: Path | None = None, interval: float = 0.1) -> Measured:
    """Run cmd, sampling its process tree's memory; stdout and stderr go to `log`."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(proc.pid))
                done.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()
    max_proc = usage.ru_maxrss * 1024  # KiB on Linux; includes the child's reaped descendants
    return Measured(name, wall, max(peak, max_proc), peak, max_proc, proc.returncode, log)
