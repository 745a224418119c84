"""Column renderers: numpy arrays -> text pieces for one chunk of rows.

Each factory returns `render(start, stop, fmt)`; the file format decides the
date style, the decimal separator, the encoding of unit names and the share
of personnummer written with a hyphen.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from orchestration.ingest.schemas import JN

from . import dates, personnummer
from .csvbytes import decimal_text, encode_table, int_text
from .formats import FileFormat
from .region import Region

JN_TEXT = np.array([c.encode() for c in (JN[1], JN[0])] + [b""])  # False -> N, True -> J, 2 -> blank


def text(values: np.ndarray):
    return lambda s, e, fmt: [values[s:e]]


def lookup(table: np.ndarray, codes: np.ndarray):
    return lambda s, e, fmt: [table[codes[s:e]]]


def hsa(region: Region, unit: np.ndarray):
    table = np.array([h.encode() for h in region.hsa_id])
    return lookup(table, unit)


@lru_cache(maxsize=8)
def _names(region_key: tuple, encoding: str) -> np.ndarray:
    return encode_table(region_key, encoding)


def unit_name(region: Region, unit: np.ndarray):
    key = tuple(str(x) for x in region.unit_name)
    return lambda s, e, fmt: [_names(key, fmt.encoding)[unit[s:e]]]


def date(days: np.ndarray):
    return lambda s, e, fmt: [dates.render(days[s:e], fmt.dates)]


def timestamp(days: np.ndarray, second_of_day: np.ndarray):
    """'YYYY-MM-DD HH:MM', or with ':SS' when the format says so."""
    def render(s, e, fmt: FileFormat):
        sec = second_of_day[s:e].astype(np.int64)
        clock = dates.clock_table(True)[sec] if fmt.seconds else dates.clock_table(False)[sec // 60]
        return [dates.render(days[s:e], "iso"), clock]
    return render


def integer(values: np.ndarray, empty: np.ndarray | None = None):
    return lambda s, e, fmt: [int_text(values[s:e], None if empty is None else empty[s:e])]


def decimal(scaled: np.ndarray, decimals: int, empty: np.ndarray | None = None):
    """Values stored as integers × 10**decimals."""
    return lambda s, e, fmt: [decimal_text(scaled[s:e], decimals, fmt.decimal,
                                           None if empty is None else empty[s:e])]


@lru_cache(maxsize=4)
def _fte_table(sep: str) -> np.ndarray:
    out = []
    for v in range(101):
        t = f"{v // 100}{sep}{v % 100:02d}".rstrip("0")
        out.append((t + "0" if t.endswith(sep) else t).encode())
    return np.array(out)


def share(hundredths: np.ndarray):
    """A share 0–1 in hundredths, written as short as it goes: 1,0 0,8 0,75."""
    return lambda s, e, fmt: [_fte_table(fmt.decimal)[hundredths[s:e]]]


def jn(flags: np.ndarray):
    """int8 codes: 0 = N, 1 = J, 2 = blank."""
    return lookup(JN_TEXT, flags)


def pnr(ymd: np.ndarray, tail: np.ndarray, u_form: np.ndarray):
    """Valid personnummer; written with the hyphen where u_form < the file's share."""
    return lambda s, e, fmt: personnummer.pieces(ymd[s:e], tail[s:e], u_form[s:e] < fmt.hyphen_share)
