"""The Data Docs folder (settings.datadocs_dir, NARAVARD_DATADOCS_DIR, default data/datadocs).

    <datadocs>/index.html      naravard's start page: every suite, its latest
                               validation and links (static, works offline)
    <datadocs>/senaste.json    the latest validation of each suite (feeds index.html)
    <datadocs>/gx/...          the pages Great Expectations renders: one per
                               suite (expectations/...) and per validation
                               (validations/<suite>/<dagster run id>/<time>/...)

Why our own index: GX's index.html fills its tables with JavaScript from
public CDNs, so offline (and on an analyst's locked-down PC) it shows empty
tables. Its suite and validation pages are plain HTML and read fine, so the
start page links to them. The validation pages of a suite are pruned to the
newest NARAVARD_DATADOCS_KEEP (10) so the folder does not grow without end.

Nothing here ever holds a personal identifier: the suites hand GX no such
column (expectations/), and this page shows names, counts and times only.
"""
from __future__ import annotations

import html
import json
import os
import shutil
from pathlib import Path

INDEX = "index.html"
STATE = "senaste.json"
GX_DIR = "gx"


def gx_site_dir(datadocs_dir: Path) -> Path:
    return datadocs_dir / GX_DIR


def _read_state(datadocs_dir: Path) -> dict:
    try:
        return json.loads((datadocs_dir / STATE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _rel(datadocs_dir: Path, page: Path | None) -> str | None:
    if page is None:
        return None
    try:
        return page.resolve().relative_to(datadocs_dir.resolve()).as_posix()
    except ValueError:
        return None


def record(datadocs_dir: Path, validation, *, asset: str, check: str, suite_page: Path | None,
           keep: int) -> None:
    """Remember a suite's latest validation, prune old pages, rewrite the start page."""
    state = _read_state(datadocs_dir)
    state[validation.suite] = {
        "asset": asset,
        "check": check,
        "success": validation.success,
        "severity": validation.max_severity,
        "run_time": validation.run_time,
        "run": validation.run_name,
        "rows": validation.rows,
        "evaluated": validation.evaluated,
        "successful": validation.successful,
        "failed": [f.summary() for f in validation.failed],
        "page": _rel(datadocs_dir, validation.page),
        "suite_page": _rel(datadocs_dir, suite_page),
    }
    _write_atomic(datadocs_dir / STATE, json.dumps(state, indent=1, ensure_ascii=False, sort_keys=True))
    prune(datadocs_dir, validation.suite, keep)
    write_index(datadocs_dir, state)


def register_suites(datadocs_dir: Path, suites: dict[str, tuple[str, str, Path | None]]) -> None:
    """List suites on the start page before their first validation: {suite: (asset, check, suite page)}."""
    state = _read_state(datadocs_dir)
    for name, (asset, check, page) in suites.items():
        entry = state.setdefault(name, {"asset": asset, "check": check})
        entry["suite_page"] = _rel(datadocs_dir, page) or entry.get("suite_page")
    _write_atomic(datadocs_dir / STATE, json.dumps(state, indent=1, ensure_ascii=False, sort_keys=True))
    write_index(datadocs_dir, state)


def prune(datadocs_dir: Path, suite: str, keep: int) -> None:
    """Keep the newest `keep` validation pages of a suite (GX: validations/<suite as dirs>/<run>/<time>/)."""
    root = gx_site_dir(datadocs_dir) / "validations" / Path(*suite.split("."))
    if not root.is_dir():
        return
    leaves = sorted((t for run in root.iterdir() if run.is_dir() for t in run.iterdir() if t.is_dir()),
                    key=lambda p: p.name, reverse=True)  # GX run times (20261123T183512.678Z) sort as text
    for old in leaves[keep:]:
        shutil.rmtree(old, ignore_errors=True)
        if old.parent.is_dir() and not any(old.parent.iterdir()):
            old.parent.rmdir()


_STATUS = {
    True: ("OK", "ok"),
    "warning": ("VARNING", "warn"),
    "critical": ("FEL", "fel"),
}

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d1d1d; max-width: 72rem; }
h1 { font-size: 1.5rem; } table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: .4rem .6rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } .ok { color: #11692c; font-weight: 600; } .warn { color: #8a5a00; font-weight: 600; }
.fel { color: #b00020; font-weight: 600; } .ingen { color: #666; } code { font-size: .9em; }
ul.fel-lista { margin: .2rem 0 0 1rem; padding: 0; font-size: .9em; }
"""


def _status(entry: dict) -> tuple[str, str]:
    if "success" not in entry:
        return "inte validerad ännu", "ingen"
    if entry["success"]:
        return _STATUS[True]
    return _STATUS.get(entry.get("severity") or "critical", _STATUS["critical"])


def write_index(datadocs_dir: Path, state: dict) -> None:
    rows = []
    for suite in sorted(state, key=lambda s: (not s.startswith("raw."), s)):
        e = state[suite]
        text, css = _status(e)
        name = html.escape(suite)
        suite_cell = f'<a href="{html.escape(e["suite_page"])}">{name}</a>' if e.get("suite_page") else name
        if "success" in e:
            result = f'<span class="{css}">{text}</span> {e.get("successful", 0)} av {e.get("evaluated", 0)} ' \
                     f'förväntningar uppfyllda på {e.get("rows", 0)} rader'
            if e.get("page"):
                result += f' · <a href="{html.escape(e["page"])}">valideringen</a>'
            if e.get("failed"):
                result += '<ul class="fel-lista">' + "".join(
                    f"<li>{html.escape(f)}</li>" for f in e["failed"][:8]) + "</ul>"
            when = html.escape(f'{e.get("run_time", "")}')
            run = html.escape(str(e.get("run", "")))
        else:
            result, when, run = f'<span class="{css}">{text}</span>', "", ""
        rows.append(f"<tr><td>{suite_cell}</td><td><code>{html.escape(e.get('asset', ''))}</code> · "
                    f"{html.escape(e.get('check', ''))}</td><td>{result}</td><td>{when}<br><code>{run}</code></td></tr>")
    body = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>naravard – datakvalitet (Data Docs)</title>
<style>{_CSS}</style></head><body>
<h1>Datakvalitet: Great Expectations-sviter</h1>
<p>En svit per rått extrakt (kontrakten i <code>orchestration/ingest/schemas.py</code>) och en för
<code>marts.indikatorer</code>. De körs som Dagster-kontroller (asset checks) vid varje körning; en
misslyckad kritisk förväntan (FEL) stoppar publiceringen, en varning (VARNING) gör det inte.
Registreringsluckorna står i tabellen <code>marts.dq_findings</code>. Se <code>docs/data_quality.md</code>.</p>
<table id="sviter"><thead><tr><th>Svit</th><th>Dagster-tillgång · kontroll</th><th>Senaste validering</th>
<th>Tid · körning</th></tr></thead><tbody>
{chr(10).join(rows)}
</tbody></table>
<p>Sidorna under <a href="{GX_DIR}/index.html"><code>{GX_DIR}/</code></a> är Great Expectations egna
(dess startsida behöver internet för sina tabeller; svit- och valideringssidorna fungerar utan).</p>
</body></html>
"""
    datadocs_dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(datadocs_dir / INDEX, body)
