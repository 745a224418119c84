"""Reporting months as text ('YYYY-MM'): the month arithmetic of the code, in one place.

A month is counted as year * 12 + (month - 1), so adding k months, a range and
"consecutive" are integer operations. (The demo generator keeps its own numpy
month arithmetic, naravard/demo/dates.py: it works on arrays of day numbers.)
"""
from __future__ import annotations


def month_index(month: str) -> int:
    """'2024-03' -> 2024 * 12 + 2."""
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


def month_of_index(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_plus(month: str, k: int) -> str:
    """The month k months after `month` (before it for a negative k)."""
    return month_of_index(month_index(month) + k)


def months_between(first: str, last: str) -> list[str]:
    """first..last, both included, oldest first (empty if last is before first)."""
    return [month_of_index(i) for i in range(month_index(first), month_index(last) + 1)]
