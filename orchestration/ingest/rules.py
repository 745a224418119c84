"""Type the values of a staged file by its contract, and say which rows break it: in SQL.

Every rule is a (broken, column, reason) triple of SQL expressions over the
trimmed strings of a row. A row with any broken rule is set aside whole, with
the column of the first broken rule and every reason, in rule order, joined
by '; '. Values quoted in reasons are masked where they look like a
personnummer, so a shifted column cannot leak one into the set-aside table.

`ingest_sql` builds the one statement that reads the staged file (see
`staging.py`) and writes every record, typed and judged, to a temporary
table: DuckDB does it in parallel and in its memory limit (spilling to its
temp directory), whatever the size of the file.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from orchestration.ingest import identity
from orchestration.ingest.reading import UNIT_SEPARATOR
from orchestration.ingest.schemas import SQL_TYPES, Column, Extract
from orchestration.ingest.sqltext import ident, lit, strip_sql

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # the INTEGER of the raw tables
TIMESTAMP_RE = r"^(\d{4})-?(\d{2})-?(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$"


@dataclass(frozen=True)
class Rule:
    broken: str  # SQL, true where the rule is broken
    column: str
    reason: str  # SQL text of the reason


def quoted_value(name: str, value: str, text: str) -> str:
    """SQL of `name: '<value, masked>' text`."""
    return f"{lit(name + ': ' + chr(39))} || {identity.mask_sql(value)} || {lit(chr(39) + text)}"


def parse_date_sql(v: str) -> str:
    """YYYY-MM-DD or YYYYMMDD -> TIMESTAMP; anything else (30 February too) -> NULL."""
    return (f"CASE WHEN regexp_full_match({v}, '\\d{{4}}-\\d{{2}}-\\d{{2}}|\\d{{8}}') "
            f"THEN try_strptime(replace({v}, '-', ''), '%Y%m%d') END")


def parse_timestamp_sql(v: str) -> str:
    """YYYY-MM-DD HH:MM[:SS] (date part also compact) -> TIMESTAMP; else NULL."""
    digits = f"rpad(regexp_replace({v}, {lit(TIMESTAMP_RE)}, '\\1\\2\\3\\4\\5\\6'), 14, '0')"
    return f"CASE WHEN regexp_full_match({v}, {lit(TIMESTAMP_RE)}) THEN try_strptime({digits}, '%Y%m%d%H%M%S') END"


def parse_number_sql(v: str, integer: bool) -> str:
    """Digits with an optional sign (and for a decimal a comma or point) -> DOUBLE; else NULL."""
    pattern = r"[-+]?\d+" if integer else r"[-+]?\d+(?:[.,]\d+)?"
    return f"CASE WHEN regexp_full_match({v}, {lit(pattern)}) THEN TRY_CAST(replace({v}, ',', '.') AS DOUBLE) END"


def parsed_sql(col: Column, v: str) -> str | None:
    """The parsed value of a column, or None for columns kept as text."""
    if col.kind == "date":
        return parse_date_sql(v)
    if col.kind == "timestamp":
        return parse_timestamp_sql(v)
    if col.kind in ("int", "decimal"):
        return parse_number_sql(v, integer=col.kind == "int")
    if col.kind == "jn":
        return f"CASE upper({v}) WHEN 'J' THEN true WHEN 'N' THEN false END"
    if col.choices:
        return "CASE lower(" + v + ") " + " ".join(f"WHEN {lit(c.lower())} THEN {lit(c)}" for c in col.choices) \
            + " END"
    return None


def typed_sql(col: Column, v: str, p: str | None) -> str:
    """The value as stored in raw (the parsed value cast to the column type)."""
    if col.kind == "int":
        return f"CAST(CASE WHEN {p} BETWEEN {INT_MIN} AND {INT_MAX} THEN {p} END AS INTEGER)"
    if p is None:
        return v
    return f"CAST({p} AS {SQL_TYPES[col.kind]})"


def column_rules(col: Column, v: str, p: str | None, month: str, today: dt.date) -> list[Rule]:
    name = col.name
    present = f"{v} IS NOT NULL"
    rules: list[Rule] = []
    if col.kind == "personnummer":
        return rules  # handled by identity, never a reason to set a row aside
    if col.required:
        rules.append(Rule(f"{v} IS NULL", name, lit(f"{name}: required value missing")))
    if col.kind in ("text", "kommunkod"):
        if col.hsa:
            # A personnummer where an HSA-id belongs: the columns are shifted or
            # swapped. Stored, it would sit in clear in raw; set aside (masked).
            rules.append(Rule(f"{present} AND {identity.contains_sql(v)}", name,
                              quoted_value(name, v, " looks like a personnummer, not an HSA-id (columns shifted?)")))
        if col.kind == "kommunkod":
            rules.append(Rule(f"{present} AND NOT regexp_full_match({v}, '\\d{{4}}')", name,
                              quoted_value(name, v, " is not a 4-digit kommunkod")))
        if col.choices:
            rules.append(Rule(f"{present} AND {p} IS NULL", name,
                              quoted_value(name, v, f" is not one of {', '.join(col.choices)}")))
        return rules
    if col.kind == "jn":
        rules.append(Rule(f"{present} AND {p} IS NULL", name, quoted_value(name, v, " is not J or N")))
        return rules
    if col.kind in ("date", "timestamp"):
        fmt = "YYYY-MM-DD or YYYYMMDD" if col.kind == "date" else "YYYY-MM-DD HH:MM[:SS]"
        rules.append(Rule(f"{present} AND {p} IS NULL", name, quoted_value(name, v, f" is not a valid {col.kind} ({fmt})")))
        if col.in_month:
            start = dt.date.fromisoformat(f"{month}-01")
            end = (start + dt.timedelta(days=32)).replace(day=1)
            rules.append(Rule(f"({p} < TIMESTAMP '{start}' OR {p} >= TIMESTAMP '{end}')", name,
                              quoted_value(name, v, f" lies outside the reporting month {month}")))
        tomorrow = today + dt.timedelta(days=1)
        rules.append(Rule(f"{p} >= TIMESTAMP '{tomorrow}'", name, quoted_value(name, v, " lies in the future")))
        return rules
    if col.kind in ("int", "decimal"):
        word = "an integer" if col.kind == "int" else "a number (decimal comma or point)"
        rules.append(Rule(f"{present} AND {p} IS NULL", name, quoted_value(name, v, f" is not {word}")))
        if col.min is not None:
            rules.append(Rule(f"{p} < {col.min!r}", name, quoted_value(name, v, f" is below {col.min:g}")))
        if col.max is not None:
            rules.append(Rule(f"{p} > {col.max!r}", name, quoted_value(name, v, f" is above {col.max:g}")))
        # A value the column type cannot hold is a bad value like any other,
        # not an error of the load (issue 16): INTEGER for counts, a finite
        # DOUBLE for measurements.
        if col.kind == "int":
            rules.append(Rule(f"NOT ({p} BETWEEN {INT_MIN} AND {INT_MAX})", name, quoted_value(
                name, v, f" is out of range for an integer column ({INT_MIN} to {INT_MAX})")))
        else:
            rules.append(Rule(f"NOT isfinite({p})", name, quoted_value(name, v, " is too large for a number column")))
        return rules
    raise ValueError(f"unknown column kind {col.kind}")


def cross_rules(extract: Extract, v: dict[str, str], p: dict[str, str]) -> list[Rule]:
    rules = set(extract.cross_rules)
    out: list[Rule] = []
    if "besvarade_le_inkommande" in rules:
        out.append(Rule(f"{p['besvarade_samma_dag']} > {p['inkommande_samtal']}", "besvarade_samma_dag",
                        lit("besvarade_samma_dag is greater than inkommande_samtal")))
    if "bedomning_not_before_kontakt" in rules:
        out.append(Rule(f"{p['bedomningsdatum']} < {p['kontaktdatum']}", "bedomningsdatum",
                        lit("bedomningsdatum is before kontaktdatum")))
    if "yrkesgrupp_code" in rules:
        y = v["yrkesgrupp"]
        out.append(Rule(f"{y} IS NOT NULL AND NOT regexp_full_match({y}, 'XS9\\d\\d')", "yrkesgrupp",
                        quoted_value("yrkesgrupp", y, " is not an SKR code XS9nn")))
    return out


def json_object_sql(pairs: list[tuple[str, str]], masked_whole: set[str] = frozenset()) -> str:
    """SQL: a JSON object of the non-NULL values (names in order), values masked
    where they look like a personnummer, columns in `masked_whole` masked whole.
    Control characters become spaces (as the rows were always written)."""
    parts = []
    for name, v in pairs:
        value = lit(identity.MASK) if name in masked_whole else identity.mask_sql(v)
        escaped = (f"CASE WHEN regexp_matches({value}, '[\\\\\"\\x00-\\x1f]') THEN regexp_replace(replace(replace("
                   f"{value}, '\\', '\\\\'), '\"', '\\\"'), '[\\x00-\\x1f]', ' ', 'g') ELSE {value} END")
        key = lit(json.dumps(name, ensure_ascii=False) + ':"')
        parts.append(f"CASE WHEN {v} IS NOT NULL THEN {key} || {escaped} || '\"' END")
    return "'{' || concat_ws(',', " + ", ".join(parts) + ") || '}'" if parts else "'{}'"


def records_sql(staged_path: str, quoted: bool, n: int, numbered: bool = True) -> str:
    """SQL: the records of a staged file (its three forms: staging.py): line, nf (fields
    found), c0 .. c<n-1> (the fields by position, trimmed, NULL when empty). Plain lines
    are numbered in the file's order, so the connection must preserve insertion order
    (DuckDB's default; the loader sets it for this statement)."""
    fields = "from_json(payload, '[\"VARCHAR\"]')" if quoted else "string_split(payload, ';')"
    if numbered:
        source = (f"read_csv({lit(staged_path)}, delim=';', quote='\"', escape='\"', header=false, "
                  "auto_detect=false, columns={'line': 'BIGINT', 'payload': 'VARCHAR'}, allow_quoted_nulls=false, "
                  "new_line='\\n', max_line_size=1073741824)")
    else:
        # Line 1 is the header; an empty line reads as NULL and keeps its number, but is no record.
        lines = (f"read_csv({lit(staged_path)}, delim={lit(UNIT_SEPARATOR.decode())}, quote='', escape='', "
                 "header=false, skip=1, auto_detect=false, columns={'payload': 'VARCHAR'}, new_line='\\n', "
                 "max_line_size=1073741824)")
        source = (f"(SELECT * FROM (SELECT row_number() OVER () + 1 AS line, payload FROM {lines}) "
                  "WHERE payload IS NOT NULL)")
    strings = ", ".join(f"{strip_sql(f'f[{i + 1}]')} AS c{i}" for i in range(n))
    return f"SELECT line, len(f) AS nf, {strings} FROM (SELECT line, {fields} AS f FROM {source})"


@dataclass
class IngestSQL:
    create: str  # CREATE TEMP TABLE <table> AS ... (line, column_name, reason, row_json, typed columns)
    table: str
    typed: list[tuple[str, str]]  # (raw column, SQL over the table) of the contract columns, in raw order
    extra_json: str  # SQL over the table; NULL when the file has no extra columns


def ingest_sql(extract: Extract, staged_path: str, quoted: bool, header: list[str], month: str,
               cut_line: int | None, table: str = "_ingest_rows", today: dt.date | None = None,
               numbered: bool = True) -> IngestSQL:
    today = today or dt.date.today()
    n = len(header)
    pos = {h: i for i, h in enumerate(header)}
    cut = "NULL" if cut_line is None else str(int(cut_line))
    v = {c.name: (f"c{pos[c.name]}" if c.name in pos else "CAST(NULL AS VARCHAR)") for c in extract.columns}
    parsed = {c.name: parsed_sql(c, v[c.name]) for c in extract.columns}
    p = {name: (f"p_{i}" if sql is not None else None) for i, (name, sql) in enumerate(parsed.items())}
    parsed_cols = "".join(f", {sql} AS {p[name]}" for name, sql in parsed.items() if sql is not None)

    rules: list[Rule] = []
    for c in extract.columns:
        rules.extend(column_rules(c, v[c.name], p[c.name], month, today))
    rules.extend(cross_rules(extract, v, p))
    windows = []
    for i, name in enumerate(extract.unique):
        # The first occurrence (by line) loads; a repeat names the line of the
        # first. Rows that could not be read take no part.
        windows.append(f"row_number() OVER (PARTITION BY {v[name]}, ok ORDER BY line) AS dup_n{i}, "
                       f"min(line) OVER (PARTITION BY {v[name]}, ok) AS dup_first{i}")
        rules.append(Rule(f"{v[name]} IS NOT NULL AND dup_n{i} > 1", name, quoted_value(
            name, v[name], " repeats the value first given on line ") + f" || dup_first{i}"))

    hdr = "[" + ", ".join(lit(h) for h in header) + "]"
    read_column = f"CASE WHEN nf < {n} THEN {hdr}[nf + 1] WHEN nf = {n} THEN {lit(header[-1])} END"
    read_reason = (f"CASE WHEN nf < {n} THEN nf || {lit(f' fields, expected {n} (line cut short?): no value for ' + chr(39))}"
                   f" || {hdr}[nf + 1] || '''' WHEN nf > {n} THEN nf || "
                   f"{lit(f' fields, expected {n}: a ' + chr(39) + ';' + chr(39) + ' too many inside a value?')} "
                   f"ELSE {lit('the file ends inside a character: this line was cut off (truncated delivery?)')} END")
    # Each rule is judged once, into a column b<k>; reason and column read those.
    flags = "".join(f", coalesce({r.broken}, false) AS b{k}" for k, r in enumerate(rules))
    broken = [f"b{k}" for k in range(len(rules))]
    first_column = ("CASE " + " ".join(f"WHEN {b} THEN {lit(r.column)}" for b, r in zip(broken, rules))
                    + " END") if rules else "NULL"
    reason = ("nullif(concat_ws('; ', " + ", ".join(f"CASE WHEN {b} THEN {r.reason} END"
                                                    for b, r in zip(broken, rules)) + "), '')") if rules else "NULL"
    persons = {c.name for c in extract.columns if c.kind == "personnummer"}
    contract = [c.name for c in extract.columns]
    extras = [h for h in header if h not in contract]
    row_json = json_object_sql([(name, v[name]) for name in contract] + [(h, f"c{pos[h]}") for h in extras],
                               masked_whole=persons)

    typed_cols = []
    for c in extract.columns:
        if c.kind != "personnummer":
            typed_cols.append((c.name, typed_sql(c, v[c.name], p[c.name])))
    typed_select = "".join(f", {sql} AS {ident('t_' + name)}" for name, sql in typed_cols)
    person_select = "".join(f", {v[name]} AS {ident('pnr_' + name)}" for name in contract if name in persons)
    extra_select = f", {json_object_sql([(h, f'c{pos[h]}') for h in extras])} AS _extra" if extras else \
        ", CAST(NULL AS VARCHAR) AS _extra"

    create = f"""CREATE OR REPLACE TEMP TABLE {table} AS
WITH s AS (SELECT *, (nf = {n} AND line IS DISTINCT FROM {cut}) AS ok
           FROM ({records_sql(staged_path, quoted, n, numbered)})),
p AS (SELECT *{parsed_cols} FROM s),
w AS (SELECT *{''.join(', ' + x for x in windows)} FROM p),
b AS (SELECT *{flags} FROM w),
j AS (SELECT *, CASE WHEN ok THEN {reason} ELSE {read_reason} END AS reason FROM b)
SELECT line, reason,
  CASE WHEN NOT ok THEN {read_column} ELSE {first_column} END AS column_name,
  CASE WHEN ok AND reason IS NOT NULL THEN {row_json} END AS row_json
  {typed_select}{person_select}{extra_select}
FROM j"""
    return IngestSQL(create, table, [(name, ident("t_" + name)) for name, _ in typed_cols], "_extra")
