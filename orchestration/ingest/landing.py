"""What lies in the landing folder: which extract and month each file is, or why it is neither."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orchestration.ingest.reading import parse_file_name
from orchestration.ingest.schemas import EXTRACTS, SOURCES, Extract
from orchestration.partitions import valid_months

_BY_FOLDER_AND_NAME = {(e.folder, e.name): e for e in EXTRACTS}


@dataclass(frozen=True)
class LandingFile:
    path: Path
    source: str
    extract: Extract | None
    month: str | None
    problem: str | None = None


def classify(path: Path, months: set[str] | None = None) -> LandingFile:
    source = path.parent.name
    months = set(valid_months()) if months is None else months
    parsed = parse_file_name(path.name)
    expected = ", ".join(f"{e.name}_YYYY-MM.csv" for e in EXTRACTS if e.folder == source)
    if parsed is None:
        return LandingFile(path, source, None, None,
                           f"{path.name}: the file name does not carry a reporting month; expected {expected}")
    name, month = parsed
    extract = _BY_FOLDER_AND_NAME.get((source, name))
    if extract is None:
        return LandingFile(path, source, None, month,
                           f"{path.name}: no extract '{name}' is delivered to {source}/; expected {expected}")
    if month not in months:
        first, last = min(months), max(months)
        why = "is not complete yet" if month > last else f"is before the first month {first} (NARAVARD_FIRST_MONTH)"
        return LandingFile(path, source, extract, month,
                           f"{path.name}: reporting month {month} {why}; it was not loaded")
    return LandingFile(path, source, extract, month)


def scan(landing_dir: Path) -> list[LandingFile]:
    """Every file in the source folders. Files elsewhere (README, DEFECTS.json) are not deliveries."""
    months = set(valid_months())
    out = []
    for source in SOURCES:
        folder = landing_dir / source
        if folder.is_dir():
            out.extend(classify(p, months) for p in sorted(folder.iterdir()) if p.is_file() and not p.name.startswith("."))
    return out


def file_for(landing_dir: Path, extract: Extract, month: str) -> Path:
    return landing_dir / extract.folder / extract.file_name(month)
