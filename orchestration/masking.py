"""Masking of personal data in text: one function for every name, message and finding.

Whatever the pipeline writes about a delivery (a file name in raw._load_log or
dq_findings.unit_id, an archive path, a log line, an alert, run metadata) can
carry what the sender put in it, and senders put personnummer in file names
(`6407023040.csv`). So text passes through `mask` before it leaves the
pipeline's hands, in the same way as values of the data do.

The pattern: 10 or 12 digits as a whole run, optionally with '-', '+' or ' '
before the last four, not preceded by a letter or digit. Deliberately wider
than a valid personnummer (no check digit, no date test): a masked number that
was not one costs nothing; a leaked one cannot be taken back. A run right after
a letter is left alone, because an HSA-id (SE2321000222-...) looks the same.
"""
from __future__ import annotations

import re

PNR_LIKE = re.compile(r"(?<![\dA-Za-z])(\d{6}|\d{8})[-+ ]?\d{4}(?!\d)")
MASK = "<personnummer>"


def mask(text: str) -> str:
    """`text` with everything that looks like a personnummer replaced by MASK."""
    return PNR_LIKE.sub(MASK, text)
