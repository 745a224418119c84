"""Every SQL and Python snippet of docs/bi.md and the README runs against a real serving folder.

A snippet is a fenced ```sql or ```python block; the paths in it (the docs'
examples /srv/naravard/serving, /data/serving and data/serving) are pointed at
the serving folder of the two-run scenario. Other blocks are shell commands or
folder listings, and connection strings for other tools (ODBC, Power Query,
SQLAlchemy URIs) are inline settings those tools read, not code to run here.
SQL that reads Parquet runs in an in-memory DuckDB session, as the docs say
(Superset, Metabase, the command line); the rest on the database, read-only.
"""
from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DOCS = {"docs/bi.md": (4, 2), "README.md": (0, 1)}  # at least this many (sql, python) snippets
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
DOC_PATHS = re.compile(r"""(['"])(?:/srv/naravard/serving|/data/serving|data/serving)""")


def snippets() -> list[tuple[str, int, str, str]]:
    out = []
    for doc in DOCS:
        blocks = [(lang, code) for lang, code in FENCE.findall((PROJECT_ROOT / doc).read_text(encoding="utf-8"))
                  if lang in ("sql", "python")]
        out += [(doc, i, lang, code) for i, (lang, code) in enumerate(blocks, 1)]
    return out


SNIPPETS = snippets()


def _pointed(code: str, serving: Path) -> str:
    return DOC_PATHS.sub(lambda m: m.group(1) + str(serving), code)


def test_the_docs_have_the_snippets_this_test_runs():
    for doc, (sql, python) in DOCS.items():
        langs = [lang for d, _, lang, _ in SNIPPETS if d == doc]
        assert langs.count("sql") >= sql and langs.count("python") >= python, (doc, langs)


@pytest.mark.parametrize(("doc", "number", "lang", "code"), SNIPPETS,
                         ids=[f"{d}#{n}-{lang}" for d, n, lang, _ in SNIPPETS])
def test_snippet_runs_on_the_serving_folder(two_runs, doc, number, lang, code):
    code = _pointed(code, two_runs.serving)
    if lang == "python":
        out, namespace = io.StringIO(), {}
        with contextlib.redirect_stdout(out):
            exec(compile(code, f"{doc}#{number}", "exec"), namespace)  # noqa: S102 - the docs' own code
        assert out.getvalue().strip(), "the snippet prints what it read"
        if "publication_id" in namespace:  # it read the newest publication, the one of run 2
            assert namespace["publication_id"] == two_runs.v2_id
        return
    on_parquet = "read_parquet" in code or "parquet_kv_metadata" in code
    con = duckdb.connect() if on_parquet else duckdb.connect(str(two_runs.serving_db), read_only=True)
    with con:
        for statement in (s.strip() for s in code.split(";")):
            if not statement:
                continue
            if statement.upper().startswith("CREATE"):
                con.execute(statement)
                if " VIEW " in statement.upper():  # the view reads the file
                    view = statement.split()[2]
                    assert con.sql(f"SELECT count(*) FROM {view}").fetchall()[0][0] > 0
                continue
            rows = con.sql(statement).fetchall()
            assert rows, f"{doc}#{number}: no rows from {statement}"
        if "naravard_publication_id" in code:
            assert rows == [(two_runs.v2_id,)]
