"""Search for clear personnummer of the input wherever the pipeline writes.

The needles are the personnummer actually delivered in the landing folder:
every token of 12 digits, with or without a separator before the last four,
in any column of any file. They are kept in a DuckDB table, not a Python set:
a national month is 10.5 million numbers. The haystacks are every VARCHAR
column of a DuckDB file, text files (CSV, HTML, JSON, logs), Parquet files and
Dagster's event log. A finding names the place and a count, never the number
itself: a report of a leak must not leak.

A token downstream is a whole run of digits and separators (a piece of a
longer number, such as the decimals of a float, is not one): 12 digits or 8 +
4 with a separator match a delivered number exactly, 6 + 4 with a separator
(the 10-digit form) match its last ten digits. A word of 32 or more hex
digits is a hash (a pseudonym, a run id) and is not searched: by chance some
of the 10.5 million 64-digit pseudonyms hold 12 decimal digits in a row that
equal a delivered number, and that is no leak.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from orchestration.progress import Progress
from orchestration.ingest import landing

# A whole run of digits and separators, trimmed of separators at its ends, is
# a token; these are its personnummer shapes (RE2 and Python alike).
RUN = r"[0-9+\-]+"
TWELVE = r"[0-9]{8}[-+]?[0-9]{4}"   # as delivered, and the 12-digit forms downstream
TEN = r"[0-9]{6}[-+][0-9]{4}"       # the 10-digit form with its separator
WORD = re.compile(r"[0-9A-Za-z+\-]+")
HASH_WORD = re.compile(r"[0-9a-fA-F]{32,}")
_RUN, _TWELVE, _TEN = re.compile(RUN), re.compile(TWELVE), re.compile(TEN)


@dataclass(frozen=True)
class Leak:
    where: str  # table.column, file path or "event log of run …"
    count: int

    def __str__(self) -> str:
        return f"{self.where}: {self.count} clear personnummer"


def _digits(token: str) -> str:
    return token.replace("-", "").replace("+", "")


def tokens_in_text(text: str) -> list[str]:
    """Personnummer-shaped tokens of free text (12 or 10 digits, see above), hash words left out."""
    out = []
    for w in WORD.findall(text):
        if HASH_WORD.fullmatch(w):
            continue
        for run in _RUN.findall(w):
            run = run.strip("+-")
            if _TWELVE.fullmatch(run) or _TEN.fullmatch(run):
                out.append(run)
    return out


def _read_lines(path: Path) -> pa.Table:
    """A file as one string column of lines, whatever its columns. latin-1
    decodes any byte, and the digits are ASCII in every encoding we accept."""
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="latin-1", column_names=["line"]),
        parse_options=pacsv.ParseOptions(delimiter="\x01", quote_char=False),
        convert_options=pacsv.ConvertOptions(column_types={"line": pa.string()}),
    )


class Needles:
    """The delivered personnummer, by their last ten digits, in an in-memory DuckDB."""

    def __init__(self) -> None:
        self.con = duckdb.connect()
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("CREATE TABLE needles (d12 VARCHAR)")

    @classmethod
    def from_tokens(cls, tokens: Iterable[str]) -> "Needles":
        n = cls()
        frame = pd.DataFrame({"d12": sorted({_digits(t) for t in tokens})}, dtype="string")
        n.con.register("frame", frame)
        n.con.execute("INSERT INTO needles SELECT d12 FROM frame")
        n.con.unregister("frame")
        n._index()
        return n

    @classmethod
    def from_landing(cls, landing_dir: Path, months: set[str] | None = None) -> "Needles":
        """Personnummer of every file in the landing folder (loadable or not). With
        months: of the files of those reporting months, and of every file that
        cannot be loaded (set aside whole, its message may quote it)."""
        n = cls()
        for f in landing.scan(landing_dir):
            wanted = months is None or f.problem is not None or f.month in months
            if not (wanted and f.path.stat().st_size):
                continue
            lines = _read_lines(f.path)  # noqa: F841 - read by name in the query below
            # Whole runs of digits and separators, as in the old split: a 12-digit
            # piece of a longer number (an HSA-id) is not a delivered personnummer.
            n.con.execute(
                "INSERT INTO needles SELECT DISTINCT regexp_replace(w, '[-+]', '', 'g') FROM "
                "(SELECT unnest(regexp_extract_all(line, $run)) AS w FROM lines) "
                "WHERE regexp_full_match(w, $twelve)", {"run": RUN, "twelve": TWELVE})
        n._index()
        return n

    def _index(self) -> None:
        self.con.execute("CREATE OR REPLACE TABLE needles AS SELECT DISTINCT d12 FROM needles")
        # The last ten digits, for tokens written in the 10-digit form.
        self.con.execute("CREATE OR REPLACE TABLE needles10 AS SELECT DISTINCT right(d12, 10) AS d10 FROM needles")

    # Inner joins, not IN (...): the few tokens are the build side, and the 10.5
    # million needles are only scanned (a mark join hashed them on every call).
    MATCHES = ("SELECT count(*) FROM (SELECT t.d FROM {tokens} t JOIN needles n ON t.d = n.d12 "
               "UNION ALL SELECT t.d FROM {tokens} t JOIN needles10 n ON t.d = n.d10)")

    def __len__(self) -> int:
        return self.con.execute("SELECT count(*) FROM needles").fetchone()[0]

    def count(self, tokens: Iterable[str]) -> int:
        """How many of the tokens (12- or 10-digit forms) are delivered personnummer."""
        digits = [_digits(t) for t in tokens]
        if not digits:
            return 0
        return self.con.execute(self.MATCHES.format(tokens="(SELECT unnest($d::VARCHAR[]) AS d)"),
                                {"d": digits}).fetchone()[0]

    def close(self) -> None:
        self.con.close()


def needles_from_landing(landing_dir: Path, months: set[str] | None = None) -> Needles:
    return Needles.from_landing(landing_dir, months)


def scan_text(text: str, needles: Needles) -> int:
    return needles.count(tokens_in_text(text))


# Written by HMAC-SHA256 as 64 hex digits: a delivered number cannot stand in it.
PSEUDONYM_COLUMNS = {"person_id"}


def scan_duckdb(path: Path, needles: Needles, months: set[str] | None = None,
                progress: Progress | None = None) -> list[Leak]:
    """Every VARCHAR column of every base table in the file (a distinct value
    holding a personnummer counts once). Views are left out: they only read
    tables scanned here. With months, tables with a `_reporting_month` (the raw
    extracts) are scanned for those months only, so a run scans what it loaded,
    not years of history."""
    con = needles.con
    con.execute("ATTACH ? AS hay (READ_ONLY)", [str(path)])
    try:
        cols = con.execute(
            "SELECT c.table_schema, c.table_name, c.column_name, "
            "  EXISTS (SELECT 1 FROM information_schema.columns m WHERE m.table_catalog = c.table_catalog "
            "    AND m.table_schema = c.table_schema AND m.table_name = c.table_name "
            "    AND m.column_name = '_reporting_month') "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "  ON t.table_catalog = c.table_catalog AND t.table_schema = c.table_schema "
            "  AND t.table_name = c.table_name "
            "WHERE t.table_type = 'BASE TABLE' AND c.table_catalog = 'hay' AND c.data_type = 'VARCHAR' "
            "ORDER BY 1, 2, 3"
        ).fetchall()
        leaks = []
        for schema, table, column, by_month in cols:
            if column in PSEUDONYM_COLUMNS:
                continue
            if progress:
                progress.step(f"{path.name}:{schema}.{table}.{column}")
            where, params = "", {"run": RUN, "twelve": TWELVE, "ten": TEN}
            if months is not None and by_month:
                where, params = "WHERE _reporting_month IN (SELECT unnest($months))", {**params, "months": sorted(months)}
            # Distinct values first (a column repeats each value per month), pure
            # pseudonyms dropped before the costlier split into words and runs.
            con.execute(
                "CREATE OR REPLACE TEMP TABLE tokens AS WITH runs AS ("
                "  SELECT trim(unnest(regexp_extract_all(w, $run)), '+-') AS r FROM ("
                "    SELECT unnest(regexp_extract_all(c, '[0-9A-Za-z+-]+')) AS w FROM ("
                f'      SELECT DISTINCT "{column}" AS c FROM hay."{schema}"."{table}" {where}) v'
                "    WHERE NOT regexp_full_match(c, '[0-9a-f]{64}')) words"
                "  WHERE NOT regexp_full_match(w, '[0-9a-fA-F]{32,}')) "
                "SELECT regexp_replace(r, '[-+]', '', 'g') AS d FROM runs "
                "WHERE regexp_full_match(r, $twelve) OR regexp_full_match(r, $ten)",
                params,
            )
            n = con.execute(needles.MATCHES.format(tokens="tokens")).fetchone()[0]
            if n:
                leaks.append(Leak(f"{path.name}:{schema}.{table}.{column}", n))
        return leaks
    finally:
        con.execute("DETACH hay")


def scan_files(root: Path, needles: Needles, progress: Progress | None = None) -> list[Leak]:
    """Text and Parquet files below root; DuckDB files through scan_duckdb."""
    leaks = []
    for p in sorted(root.rglob("*")):
        if not p.is_file():
            continue
        if progress:
            progress.step(str(p.relative_to(root.parent)))
        if p.suffix == ".duckdb":
            leaks.extend(scan_duckdb(p, needles, progress=progress))
            continue
        if p.suffix == ".parquet":
            frame = pd.read_parquet(p)
            text = frame.astype(str).to_csv(index=False)
        else:
            data = p.read_bytes()
            if b"\x00" in data[:4096]:
                continue
            text = data.decode("utf-8", errors="replace")
        n = scan_text(text, needles)
        if n:
            leaks.append(Leak(str(p), n))
    return leaks


def scan_event_log(instance, run_id: str, needles: Needles) -> list[Leak]:
    text = "\n".join(str(r) for r in instance.all_logs(run_id))
    n = scan_text(text, needles)
    return [Leak(f"event log of run {run_id}", n)] if n else []


def scan_run(settings, months: set[str] | None, instance=None, run_id: str | None = None) -> tuple[int, list[Leak]]:
    """What the end-of-run scan looks at (orchestration/privacy_asset.py): the
    personnummer delivered for months (None: all), searched in the warehouse,
    the serving folder, the Data Docs, the files of DAGSTER_HOME and the event
    log of run_id. Returns how many delivered numbers were searched for, and the finds."""
    needles = needles_from_landing(settings.landing_dir, months)
    try:
        searched = len(needles)
        if not searched:
            return 0, []
        progress = Progress(f"privacy scan for {searched} personnummer", unit="places")
        leaks = scan_duckdb(settings.warehouse, needles, months, progress) if settings.warehouse.exists() else []
        for root in (settings.serving_dir, settings.datadocs_dir, settings.dagster_home):
            if root.exists():
                leaks += scan_files(root, needles, progress)
        if instance is not None and run_id:
            progress.step("the run's event log")
            leaks += scan_event_log(instance, run_id, needles)
        progress.done(f"{len(leaks)} place(s) with a find")
        return searched, leaks
    finally:
        needles.close()
