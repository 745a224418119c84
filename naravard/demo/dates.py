"""Days as integers (days since 1970-01-01), months as indices, and their text.

The generator works on integer day numbers in numpy arrays and turns them into
text only when a file is written, through lookup tables built once.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

# Sentinel for "no date" (an empty field in the file).
NO_DATE = np.int32(-(2**31))

# Range of the lookup tables: every birth, listing and event date lies in it.
_TABLE_FIRST = int(np.datetime64("1900-01-01", "D").astype(np.int64))
_TABLE_LAST = int(np.datetime64("2099-12-31", "D").astype(np.int64))

# Fixed-date Swedish public holidays (MM-DD) and the eves that primary care
# treats like them. Moving feasts (Easter, Midsummer) are left out: the
# telephone and contact volumes only need "fewer calls on days off".
_HOLIDAY_MMDD = np.array([101, 106, 501, 606, 1224, 1225, 1226, 1231])


def month_list(end_month: str, months: int) -> list[str]:
    """`months` reporting months (YYYY-MM) ending at end_month, oldest first."""
    if months < 1:
        raise ValueError("months must be at least 1")
    end = np.datetime64(end_month, "M")
    return [str(end - (months - 1 - i)) for i in range(months)]


def month_first_day(month: str) -> int:
    return int(np.datetime64(month, "M").astype("datetime64[D]").astype(np.int64))


def month_last_day(month: str) -> int:
    return int((np.datetime64(month, "M") + 1).astype("datetime64[D]").astype(np.int64)) - 1


@lru_cache(maxsize=1)
def _ymd_table() -> np.ndarray:
    d = np.arange(_TABLE_FIRST, _TABLE_LAST + 1).astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    dd = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return (y * 10000 + m * 100 + dd).astype(np.int32)


def ymd_of(days: np.ndarray) -> np.ndarray:
    """Day numbers as YYYYMMDD integers (a table lookup: fast on 10 million)."""
    return _ymd_table()[np.asarray(days, dtype=np.int64) - _TABLE_FIRST]


def year_of(days: np.ndarray) -> np.ndarray:
    return ymd_of(days) // 10000


def month_of(days: np.ndarray) -> np.ndarray:
    """Calendar month 1..12."""
    return ymd_of(days) // 100 % 100


def weekday(days: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday (1970-01-01 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def is_workday(days: np.ndarray) -> np.ndarray:
    days = np.asarray(days, dtype=np.int64)
    holiday = np.isin(ymd_of(days) % 10000, _HOLIDAY_MMDD)
    return (weekday(days) < 5) & ~holiday


@lru_cache(maxsize=4)
def _table(style: str) -> np.ndarray:
    days = np.arange(_TABLE_FIRST, _TABLE_LAST + 1).astype("datetime64[D]")
    text = np.datetime_as_string(days).astype("S10")
    if style == "compact":
        text = np.char.replace(text, b"-", b"")
    elif style != "iso":
        raise ValueError(f"unknown date style {style!r}")
    # The last entry is the empty field for NO_DATE.
    return np.append(text, np.array([b""], dtype=text.dtype))


def render(days: np.ndarray, style: str) -> np.ndarray:
    """Day numbers as text: 'iso' YYYY-MM-DD or 'compact' YYYYMMDD; NO_DATE -> b''."""
    table = _table(style)
    days = np.asarray(days, dtype=np.int64)
    idx = days - _TABLE_FIRST
    idx[days == NO_DATE] = len(table) - 1
    if len(idx) and (idx.min() < 0 or idx.max() >= len(table)):
        raise ValueError("date outside the generator's table range")
    return table[idx]


@lru_cache(maxsize=2)
def clock_table(seconds: bool) -> np.ndarray:
    """Minute (or second) of the day -> ' HH:MM' / ' HH:MM:SS', leading space included."""
    if seconds:
        return np.array([b" %02d:%02d:%02d" % (s // 3600, s // 60 % 60, s % 60) for s in range(86400)])
    return np.array([b" %02d:%02d" % (m // 60, m % 60) for m in range(1440)])
