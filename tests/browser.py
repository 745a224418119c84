"""Headless Debian Chromium for tests that look at pages (no browser download).

Without Chromium a local run skips those tests with the reason; in CI
(CI=true, where .ci/run installs it) a missing browser is a failure, so a
skipped check can never pass for a done one there.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars",
]


def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe:
        return exe
    if os.environ.get("CI"):
        pytest.fail("Debian's chromium is not installed; .ci/run installs it (apt-get install chromium)")
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


def _run(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout)


def dump_dom(url: str, wait_ms: int = 5000) -> str:
    """The DOM after scripts ran (charts drawn), as HTML."""
    r = _run([f"--virtual-time-budget={wait_ms}", "--dump-dom", url])
    return r.stdout


def screenshot(url: str, out: Path, size: str = "1280,2000", wait_ms: int = 5000) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    _run([f"--virtual-time-budget={wait_ms}", f"--window-size={size}", f"--screenshot={out}", url])
    assert out.exists() and out.stat().st_size > 0, f"no screenshot written to {out}"
    return out
