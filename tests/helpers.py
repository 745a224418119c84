"""Helpers for tests that write small hand-made extracts."""
from __future__ import annotations

from pathlib import Path


def write_file(folder: Path, name: str, text: str, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    """Write a CSV as a source system would: CRLF, the given encoding."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    body = text.strip("\n").replace("\n", newline) + newline
    path.write_bytes(body.encode(encoding))
    return path
