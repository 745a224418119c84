"""Progress of long work (ingestion file by file, the privacy scan place by place).

    progress = Progress("ingest raw.listning_listning", total=24, unit="files")
    progress.step("listning_2024-03.csv: 281 204 rows")
    progress.done()

On a terminal one line is redrawn in place (`label  3/24 files  ▕███   ▏ detail`);
elsewhere (a log file, a scheduler, the Dagster UI's captured output, tests)
it writes plain lines, at most one every `seconds` (NARAVARD_PROGRESS_SECONDS,
default 10) plus the last, so a log says how far the work came without a line
per row. Both go to stderr: stdout keeps the run's result lines. `off`
(NARAVARD_PROGRESS=off) silences it; the settings come from the `progress`
resource (orchestration/resources.py).

Details name files, tables and counts only: never a value of the data.
"""
from __future__ import annotations

import sys
import time
from typing import TextIO

BAR = 20


class Progress:
    def __init__(self, label: str, total: int | None = None, unit: str = "", stream: TextIO | None = None,
                 interval: float | None = None, off: bool = False, seconds: float = 10.0) -> None:
        self.label, self.total, self.unit = label, total, unit
        self.stream = stream if stream is not None else sys.stderr
        self.off = off
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if interval is not None else (
            0.1 if self.tty else seconds)
        self.count = 0
        self.started = self.shown = time.monotonic()
        self.detail = ""

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.done()

    def step(self, detail: str = "", n: int = 1) -> None:
        self.count += n
        self.detail = detail
        now = time.monotonic()
        if now - self.shown >= self.interval:
            self.shown = now
            self._show(final=False)

    def done(self, detail: str | None = None) -> None:
        if detail is not None:
            self.detail = detail
        self._show(final=True)
        self.off = True  # said once

    def line(self) -> str:
        of = f"/{self.total}" if self.total is not None else ""
        unit = f" {self.unit}" if self.unit else ""
        bar = ""
        if self.tty and self.total:
            filled = round(BAR * min(self.count, self.total) / self.total)
            bar = f"  ▕{'█' * filled}{' ' * (BAR - filled)}▏"
        took = f" ({time.monotonic() - self.started:.0f} s)"
        return f"naravard: {self.label}  {self.count}{of}{unit}{bar}{took}" + (f"  {self.detail}" if self.detail else "")

    def _show(self, final: bool) -> None:
        if self.off:
            return
        if self.tty:
            self.stream.write("\r\x1b[2K" + self.line() + ("\n" if final else ""))
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()
