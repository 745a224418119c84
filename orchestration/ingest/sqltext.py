"""Small helpers for writing SQL text in Python: literals, identifiers, trimming like str.strip."""
from __future__ import annotations

# What Python's str.strip() removes (all Unicode white space up to U+3000),
# so trimming in SQL keeps the meaning of a "blank" value it always had.
WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def lit(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier (header names come from the file)."""
    return '"' + name.replace('"', '""') + '"'


def strip_sql(expr: str) -> str:
    """SQL: `expr` trimmed as str.strip() trims, and NULL when nothing is left."""
    return f"nullif(trim({expr}, {lit(WHITESPACE)}), '')"
