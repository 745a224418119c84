"""How each delivered file is written: the real-world quirks of CONTRACTS.md §2.

Each source system has its own habits, and two of them changed their export
half-way through the horizon (a "system upgrade" at month index n // 2):

- vardgaranti/telefoni  Windows-1252 with an extra column `enhetsnamn`
                        (unit name with å/ä/ö); ISO dates.
- vardgaranti/bedomning UTF-8 with BOM; compact dates (YYYYMMDD); its own
                        column order.
- listning/listning     before the upgrade: Windows-1252 with `Enhetsnamn`;
                        after: plain UTF-8, another column order.
- listning/lakare       before: decimal comma, lower-case header; after:
                        UPPER-CASE header (`HSA_ID`) and a decimal point.
- ambulans/uppdrag      before: 'YYYY-MM-DD HH:MM'; after: with seconds and
                        another column order.
- vhu/inbjudan          plain UTF-8.
- vhu/undersokning      UTF-8 with BOM, decimal comma, extra column
                        `Mottagning` (unit name, UTF-8 å/ä/ö).
- besok/besok           plain UTF-8; after the upgrade compact dates and
                        another column order.

Every file: ';' delimiter, CRLF line endings, personnummer with and without
the hyphen mixed within the file (share per extract below). Column orders are
permutations of the contract's columns (orchestration.ingest.schemas), drawn
from a fixed stream, so they do not change with the seed.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.ingest.schemas import Extract

from .rand import stream

UNIT_NAME = "enhetsnamn"  # key of the extra unit-name column


@dataclass(frozen=True)
class FileFormat:
    encoding: str  # 'utf-8', 'utf-8-sig' or 'cp1252'
    columns: tuple[str, ...]  # keys in file order: contract names, or UNIT_NAME
    header: tuple[str, ...]  # the header as written
    dates: str = "iso"  # 'iso' or 'compact'
    decimal: str = ","
    seconds: bool = False  # timestamps with seconds
    hyphen_share: float = 0.5  # personnummer written with '-'
    notes: tuple[str, ...] = field(default=())

    def header_line(self) -> bytes:
        return (";".join(self.header) + "\r\n").encode(self.encoding)


HYPHEN_SHARE = {
    "listning_listning": 0.3,
    "vardgaranti_bedomning": 0.5,
    "ambulans_uppdrag": 0.6,
    "vhu_inbjudan": 0.15,
    "vhu_undersokning": 0.85,
    "besok_besok": 0.4,
}


def _shuffled(extract: Extract) -> tuple[str, ...]:
    order = stream(0, "column-order", extract.key).permutation(len(extract.columns))
    return tuple(extract.column_names[i] for i in order)


def file_format(extract: Extract, index: int, n_months: int) -> FileFormat:
    """The format of `extract` for the month with this index (0 = oldest)."""
    upgraded = index >= n_months // 2
    cols = tuple(extract.column_names)
    extra: str | None = None
    kw: dict = {"hyphen_share": HYPHEN_SHARE.get(extract.key, 0.5)}
    notes: list[str] = []
    key = extract.key
    if key == "vardgaranti_telefoni":
        kw["encoding"], extra = "cp1252", "enhetsnamn"
    elif key == "vardgaranti_bedomning":
        kw["encoding"], kw["dates"], cols = "utf-8-sig", "compact", _shuffled(extract)
        notes.append("column_order")
    elif key == "listning_listning":
        extra = "Enhetsnamn"
        if upgraded:
            kw["encoding"], cols = "utf-8", _shuffled(extract)
            notes.append("column_order")
        else:
            kw["encoding"] = "cp1252"
    elif key == "listning_lakare":
        kw["encoding"] = "utf-8"
        if upgraded:
            kw["decimal"] = "."
            notes.append("upper_case_header")
    elif key == "ambulans_uppdrag":
        kw["encoding"] = "utf-8"
        if upgraded:
            kw["seconds"], cols = True, _shuffled(extract)
            notes.append("column_order")
    elif key == "vhu_inbjudan":
        kw["encoding"] = "utf-8"
    elif key == "vhu_undersokning":
        kw["encoding"], extra = "utf-8-sig", "Mottagning"
    elif key == "besok_besok":
        kw["encoding"] = "utf-8"
        if upgraded:
            kw["dates"], cols = "compact", _shuffled(extract)
            notes.append("column_order")
    else:
        raise KeyError(key)
    header = list(cols)
    if "upper_case_header" in notes:
        header = [h.upper() for h in header]
    if extra:
        cols += (UNIT_NAME,)
        header.append(extra)
        notes.append("extra_column")
    return FileFormat(columns=cols, header=tuple(header), notes=tuple(notes), **kw)
