"""Small helpers for writing SQL text in Python: literals, identifiers, trimming like str.strip."""
from __future__ import annotations

# What Python's str.strip() removes (all Unicode white space up to U+3000),
# so trimming in SQL keeps the meaning of a "blank" value it always had.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
# The same set as an RE2 class. trim() with a set of characters costs ten
# times a regular expression that finds the few values that need it.
_WS_CLASS = "[" + "".join("\\" + c if c in "\\]^-[" else c for c in WHITESPACE) + "]"
_WS_ENDS = f"^{_WS_CLASS}|{_WS_CLASS}$"


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier (header names come from the file)."""
    return '"' + name.replace('"', '""') + '"'


def strip_sql(expr: str) -> str:
    """SQL: `expr` trimmed as str.strip() trims, and NULL when nothing is left."""
    return (f"nullif(CASE WHEN regexp_matches({expr}, {lit(_WS_ENDS)}) THEN trim({expr}, {lit(WHITESPACE)}) "
            f"ELSE {expr} END, '')")
