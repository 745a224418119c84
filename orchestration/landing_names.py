"""What a path in the landing folder means: the one decision, asked by everything.

The landing scan, the ingest assets, the landing sensor, the late-delivery rule
and the `leverans` check all ask `meaning`; none of them builds or matches a
file name of its own. (Two answers once disagreed: the scan read
`vhu/Undersokning_2024-02.csv` case-insensitively, the ingest looked for the
lower-case name, and the file was neither loaded nor reported.)

Every file under the landing folder gets exactly one of three answers:
- DELIVERY: `<source>/<extract>_YYYY-MM.csv` for a known extract of that source
  and a reporting month that can be loaded. Letter case does not matter, in the
  folder nor the name (files named on Windows);
- SET_ASIDE: in a source folder, but the name carries no month, names no
  extract of that source, or a month that cannot be loaded (not complete yet,
  before NARAVARD_FIRST_MONTH). Archived and logged as set aside, so the sender
  can be told;
- IGNORED: not a delivery by where it lies or what it is (hidden or Office lock
  files, files outside the source folders or in subfolders of them). Not read,
  not archived; a finding names it (docs/decisions.md: the landing root's own
  notes, e.g. README.md or the demo's DEFECTS.json, are counted but not reported).

The reason always names the file, masked (orchestration.masking): a name can
carry a personnummer.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import PurePosixPath

from orchestration.ingest.schemas import EXTRACTS, SOURCES, Extract
from orchestration.masking import mask

DELIVERY = "delivery"
SET_ASIDE = "set_aside"
IGNORED = "ignored"

_BY_FOLDER_AND_NAME = {(e.folder, e.name): e for e in EXTRACTS}
_BY_NAME = {e.name: e for e in EXTRACTS}  # extract names are unique across sources
assert len(_BY_NAME) == len(EXTRACTS)
_NAME_RE = re.compile(r"^(?P<name>[a-z]+)_(?P<month>\d{4}-\d{2})\.csv$", re.IGNORECASE)


@dataclass(frozen=True)
class NameMeaning:
    kind: str                # DELIVERY, SET_ASIDE or IGNORED
    shown: str               # the relative path as it may be shown anywhere (masked)
    source: str | None       # the source folder, lower case; outside them the source the name points at, or None
    extract: Extract | None  # the extract the name names (also when it cannot be loaded)
    month: str | None        # the reporting month the name carries
    reason: str | None = None  # why it is set aside or ignored; starts with the (masked) file name
    reported: bool = True    # an ignored file is a finding, except the landing root's own notes


def parse_file_name(file_name: str) -> tuple[str, str] | None:
    """`telefoni_2024-03.csv` -> ('telefoni', '2024-03'), any letter case; None if it does not follow the pattern."""
    m = _NAME_RE.match(file_name)
    if not m:
        return None
    month = m.group("month")
    if not 1 <= int(month[5:]) <= 12:
        return None
    return m.group("name").lower(), month


def expected_names(source: str) -> str:
    return ", ".join(f"{e.name}_YYYY-MM.csv" for e in EXTRACTS if e.folder == source)


def meaning(relative: str | PurePosixPath, months: Collection[str]) -> NameMeaning:
    """What the file at `relative` (a path inside the landing folder) is; `months` are the loadable months."""
    parts = PurePosixPath(relative).parts
    shown = mask("/".join(parts))
    name = parts[-1]
    folder = parts[0].lower() if len(parts) > 1 else None
    source = folder if folder in SOURCES else None

    def ignored(why: str, reported: bool = True) -> NameMeaning:
        # A name that names an extract says whose file it is, wherever it lies: the finding goes to that
        # source (the findings' source is one of the four).
        parsed = parse_file_name(name.removeprefix("~$").lstrip("."))
        extract = _BY_NAME.get(parsed[0]) if parsed else None
        return NameMeaning(IGNORED, shown, source or (extract.source if extract else None), extract,
                           parsed[1] if extract else None, f"{shown}: {why}; it was not read", reported)

    if any(p.startswith(".") for p in parts):
        return ignored("a hidden file (a copy still in progress, or a file of the operating system)")
    if name.startswith("~$"):
        return ignored("an Office lock file (the file is open in Excel or Word)")
    if len(parts) == 1:
        # Notes beside the source folders (README, the demo's DEFECTS.json) are expected
        # there; a CSV file there is a delivery put in the wrong place.
        return ignored(f"it lies in the landing root, not in a source folder ({', '.join(SOURCES)})",
                       reported=name.lower().endswith(".csv"))
    if source is None:
        return ignored(f"{parts[0]}/ is not a source folder ({', '.join(SOURCES)})")
    if len(parts) > 2:
        return ignored(f"it lies in a subfolder of {source}/; deliveries lie directly in {source}/")

    # Set-aside messages start with the file name, like every message about a delivery
    # (raw._load_log has the folder in `source`).
    shown_name = mask(name)
    expected = expected_names(source)
    parsed = parse_file_name(name)
    if parsed is None:
        return NameMeaning(SET_ASIDE, shown, source, None, None,
                           f"{shown_name}: the file name does not carry a reporting month; expected {expected}")
    extract_name, month = parsed
    extract = _BY_FOLDER_AND_NAME.get((source, extract_name))
    if extract is None:
        return NameMeaning(SET_ASIDE, shown, source, None, month,
                           f"{shown_name}: no extract '{extract_name}' is delivered to {source}/; expected {expected}")
    if month not in months:
        first, last = min(months), max(months)
        why = "is not complete yet" if month > last else f"is before the first month {first} (NARAVARD_FIRST_MONTH)"
        return NameMeaning(SET_ASIDE, shown, source, extract, month,
                           f"{shown_name}: reporting month {month} {why}; it was not loaded")
    return NameMeaning(DELIVERY, shown, source, extract, month)
