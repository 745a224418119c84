"""Type the strings of a read file by its contract and set aside rows that break it.

Vectorised per column: each rule yields a boolean "broken" mask and a reason;
a row with any broken rule is set aside whole with the first broken column and
every reason. Values quoted in reasons are masked if they look like a
personnummer, so a shifted column cannot leak one into the set-aside table.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orchestration.ingest import identity
from orchestration.ingest.schemas import Column, Extract


@dataclass
class Validated:
    typed: pd.DataFrame  # raw table columns (without load metadata) for the kept rows
    kept_lines: np.ndarray
    extra_json: pd.Series  # JSON of extra columns for the kept rows (masked)
    rejected: pd.DataFrame  # line, column, reason, row_json (masked) for set-aside rows


class _Problems:
    """Collects (broken mask, column, reason) in rule order.

    A reason is a string or a function of the broken row positions, so the
    (masked) values quoted in reasons are formatted for broken rows only:
    a clean national file costs nothing here."""

    def __init__(self, n: int):
        self.n = n
        self.first_column = np.full(n, None, dtype=object)
        self.reasons: list[tuple[np.ndarray, str | Callable[[np.ndarray], pd.Series]]] = []

    def add(self, broken, column: str, reason: str | Callable[[np.ndarray], pd.Series]) -> None:
        broken = np.asarray(broken, dtype=bool)
        if not broken.any():
            return
        unset = broken & pd.isna(self.first_column)
        self.first_column[unset] = column
        self.reasons.append((broken, reason))

    @property
    def broken(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for m, _ in self.reasons:
            out |= m
        return out

    def reason_text(self, rows: np.ndarray) -> list[str]:
        """Every reason of each broken row, in rule order, joined by '; '. One
        vectorised concatenation per rule (a file can have many broken rows)."""
        out = pd.Series(pd.NA, index=rows, dtype="string")
        for mask, reason in self.reasons:
            idx = np.flatnonzero(mask)
            values = reason if isinstance(reason, str) else np.asarray(reason(idx), dtype=object)
            piece = pd.Series(values, index=idx, dtype="string").reindex(rows)
            out = (out + "; " + piece).fillna(out).fillna(piece)
        return out.fillna("").tolist()


def _quoted(values: pd.Series) -> pd.Series:
    return "'" + identity.mask_series(values).fillna("") + "'"


def _value_reason(name: str, values: pd.Series, text) -> Callable[[np.ndarray], pd.Series]:
    """`name: '<value>' text` for the broken rows; text may be a Series too."""
    def build(idx: np.ndarray) -> pd.Series:
        tail = text.iloc[idx].to_numpy() if isinstance(text, pd.Series) else text
        return f"{name}: " + _quoted(values.iloc[idx]).to_numpy() + tail
    return build


def parse_date(s: pd.Series) -> pd.Series:
    """YYYY-MM-DD or YYYYMMDD -> datetime64; anything else -> NaT."""
    ok = s.str.fullmatch(r"\d{4}-\d{2}-\d{2}|\d{8}").fillna(False)
    compact = s.str.replace("-", "", regex=False).where(ok)
    return pd.to_datetime(compact, format="%Y%m%d", errors="coerce")


def parse_timestamp(s: pd.Series) -> pd.Series:
    """YYYY-MM-DD HH:MM[:SS] (date part also compact) -> datetime64; else NaT."""
    parts = s.str.extract(r"^(\d{4})-?(\d{2})-?(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$")
    sec = parts[5].fillna("00")
    norm = parts[0] + parts[1] + parts[2] + parts[3] + parts[4] + sec
    return pd.to_datetime(norm, format="%Y%m%d%H%M%S", errors="coerce")


def parse_number(s: pd.Series, integer: bool) -> pd.Series:
    pattern = r"[-+]?\d+" if integer else r"[-+]?\d+(?:[.,]\d+)?"
    ok = s.str.fullmatch(pattern).fillna(False)
    return pd.to_numeric(s.str.replace(",", ".", regex=False).where(ok), errors="coerce")


def _month_bounds(month: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = pd.Timestamp(f"{month}-01")
    return start, start + pd.offsets.MonthBegin(1)


def _column(col: Column, s: pd.Series, month: str, problems: _Problems) -> pd.Series | pd.DataFrame:
    present = s.notna()
    name = col.name
    if col.required and col.kind != "personnummer":
        problems.add(~present, name, f"{name}: required value missing")
    if col.kind == "personnummer":
        return None  # handled by identity, never a reason to set a row aside
    if col.kind in ("text", "kommunkod"):
        out = s
        if col.hsa:
            # A personnummer where an HSA-id belongs: the columns are shifted or
            # swapped. Stored, it would sit in clear in raw; set aside (masked).
            problems.add(present.to_numpy(dtype=bool) & identity.contains_personnummer(s), name,
                         _value_reason(name, s, " looks like a personnummer, not an HSA-id (columns shifted?)"))
        if col.kind == "kommunkod":
            bad = present & ~s.str.fullmatch(r"\d{4}").fillna(False)
            problems.add(bad, name, _value_reason(name, s, " is not a 4-digit kommunkod"))
        if col.choices:
            canon = {c.lower(): c for c in col.choices}
            out = s.str.lower().map(canon).astype("string")
            bad = present & out.isna()
            problems.add(bad, name, _value_reason(name, s, f" is not one of {', '.join(col.choices)}"))
        return out
    if col.kind == "jn":
        up = s.str.upper()
        bad = present & ~up.isin(["J", "N"])
        problems.add(bad, name, _value_reason(name, s, " is not J or N"))
        return up.map({"J": True, "N": False}).astype("boolean")
    if col.kind in ("date", "timestamp"):
        parsed = parse_date(s) if col.kind == "date" else parse_timestamp(s)
        fmt = "YYYY-MM-DD or YYYYMMDD" if col.kind == "date" else "YYYY-MM-DD HH:MM[:SS]"
        bad = present & parsed.isna()
        problems.add(bad, name, _value_reason(name, s, f" is not a valid {col.kind} ({fmt})"))
        if col.in_month:
            start, end = _month_bounds(month)
            outside = parsed.notna() & ((parsed < start) | (parsed >= end))
            problems.add(outside, name, _value_reason(name, s, f" lies outside the reporting month {month}"))
        tomorrow = pd.Timestamp(dt.date.today() + dt.timedelta(days=1))
        problems.add(parsed.notna() & (parsed >= tomorrow), name, _value_reason(name, s, " lies in the future"))
        return parsed  # dates stay datetime64 here; the INSERT casts to DATE
    if col.kind in ("int", "decimal"):
        parsed = parse_number(s, integer=col.kind == "int")
        word = "an integer" if col.kind == "int" else "a number (decimal comma or point)"
        bad = present & parsed.isna()
        problems.add(bad, name, _value_reason(name, s, f" is not {word}"))
        if col.min is not None:
            problems.add(parsed.notna() & (parsed < col.min), name, _value_reason(name, s, f" is below {col.min:g}"))
        if col.max is not None:
            problems.add(parsed.notna() & (parsed > col.max), name, _value_reason(name, s, f" is above {col.max:g}"))
        return parsed.astype("Int64") if col.kind == "int" else parsed.astype("Float64")
    raise ValueError(f"unknown column kind {col.kind}")


def _cross_rules(extract: Extract, typed: dict, problems: _Problems) -> None:
    rules = set(extract.cross_rules)
    if "besvarade_le_inkommande" in rules:
        b, i = typed["besvarade_samma_dag"], typed["inkommande_samtal"]
        bad = (b > i).fillna(False).to_numpy()
        problems.add(bad, "besvarade_samma_dag", "besvarade_samma_dag is greater than inkommande_samtal")
    if "bedomning_not_before_kontakt" in rules:
        k = pd.to_datetime(typed["kontaktdatum"])
        b = pd.to_datetime(typed["bedomningsdatum"])
        bad = (b < k).fillna(False).to_numpy()
        problems.add(bad, "bedomningsdatum", "bedomningsdatum is before kontaktdatum")
    if "yrkesgrupp_code" in rules:
        y = typed["yrkesgrupp"]
        bad = (y.notna() & ~y.str.fullmatch(r"XS9\d\d").fillna(False)).to_numpy()
        problems.add(bad, "yrkesgrupp", _value_reason("yrkesgrupp", y, " is not an SKR code XS9nn"))


def _duplicates(extract: Extract, strings: pd.DataFrame, lines: np.ndarray, problems: _Problems) -> None:
    for name in extract.unique:
        s = strings[name]
        dup = (s.notna() & s.duplicated(keep="first")).to_numpy()
        if dup.any():
            first_line = pd.Series(lines, index=s.index).groupby(s.to_numpy()).transform("min")
            problems.add(dup, name, _value_reason(name, s, " repeats the value first given on line "
                                                  + first_line.astype(str)))


def _json_string(s: pd.Series) -> pd.Series:
    esc = (s.str.replace("\\", "\\\\", regex=False).str.replace('"', '\\"', regex=False)
           .str.replace(r"[\x00-\x1f]", " ", regex=True))
    return '"' + esc + '"'


def rows_as_json(frame: pd.DataFrame, personnummer_cols: list[str] = ()) -> pd.Series:
    """One JSON object per row, built column-wise (no per-row Python): values that
    look like a personnummer are masked, personnummer columns are masked whole."""
    body = pd.Series("", index=frame.index, dtype="string")
    for c in frame.columns:
        v = frame[c].astype("string")
        v = v.where(v.isna(), identity.MASK) if c in personnummer_cols else identity.mask_series(v)
        piece = json.dumps(c, ensure_ascii=False) + ":" + _json_string(v) + ","
        body = body + piece.fillna("")
    return "{" + body.str.removesuffix(",") + "}"


def validate(extract: Extract, frame: pd.DataFrame, lines: np.ndarray, month: str, key: str,
             extra_columns: list[str]) -> Validated:
    frame = frame.reset_index(drop=True)
    strings = frame.apply(lambda s: s.astype("string").str.strip().replace("", pd.NA))
    # Only the trimmed strings are used from here; the caller hands the frame
    # over (loading.load_file), so dropping it frees the file's first copy.
    del frame
    n = len(strings)
    problems = _Problems(n)
    typed: dict[str, pd.Series] = {}
    person_cols = [c.name for c in extract.columns if c.kind == "personnummer"]
    for col in extract.columns:
        out = _column(col, strings[col.name], month, problems)
        if out is not None:
            typed[col.name] = out
    _cross_rules(extract, typed, problems)
    _duplicates(extract, strings, lines, problems)

    broken = problems.broken
    keep = ~broken
    parts = []
    for col in extract.columns:
        if col.kind == "personnummer":
            ids = identity.identify(strings[col.name][keep].reset_index(drop=True), key)
            parts.append(ids)
        else:
            parts.append(typed[col.name][keep].reset_index(drop=True).rename(col.name).to_frame())
    typed_frame = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=range(int(keep.sum())))

    if extra_columns:
        extras = strings.loc[keep, extra_columns].reset_index(drop=True)
        extra_json = rows_as_json(extras)
    else:
        extra_json = pd.Series([None] * int(keep.sum()), dtype="string")

    rej_rows = np.flatnonzero(broken)
    rejected = pd.DataFrame(
        {
            "line": lines[rej_rows].astype(np.int64),
            "column_name": problems.first_column[rej_rows],
            "reason": problems.reason_text(rej_rows),
            "row_json": rows_as_json(strings.iloc[rej_rows], person_cols).to_numpy() if len(rej_rows) else [],
        }
    )
    return Validated(typed_frame, lines[keep], extra_json, rejected)
