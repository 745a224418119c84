"""The figures of a bench run: the summary (and its JSON line), and the results section of docs/benchmarks.md."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from naravard.bench import machine
from naravard.bench.measure import Measured
from naravard.bench.stage import STAGES

BEGIN = "<!-- bench:results:begin scale={scale} (written by `naravard bench`; edit outside the markers) -->"
END = "<!-- bench:results:end scale={scale} -->"
# The open targets of a national month (issue 14: 90 s, 5 GB; issue 15: the marts and checks within
# 2 × the bare SQL, a month added within 1.3 × the first, a corrected one within 1.6 ×).
TARGETS = {"total_s": 90.0, "peak_rss_gb": 5.0, "ratio": 2.0, "incremental_ratio": 1.3, "correction_ratio": 1.6}


def _work(m: Measured | None) -> float | None:
    if m is None:
        return None
    if "work_s" in m.extra:
        return float(m.extra["work_s"])
    return m.wall_s


def _r(x: float | None, n: int = 2) -> float | None:
    return None if x is None else round(x, n)


def summarise(scale, results: dict[str, Measured], comparison: dict, incremental: dict, info: dict,
              volumes: dict, m0: str, m1: str, months: int, first_files: list[str], new_files: list[str],
              memory_limit: str, profiles: dict | None = None, steps: dict | None = None,
              floor_comparison: dict | None = None) -> dict:
    baseline = results.get("baseline")
    baseline_s = baseline.wall_s if baseline else None
    whole = results.get("whole_run")
    inc = results.get("incremental")
    ingest = [m for s, m in results.items() if s.startswith("ingest")]
    checks = [results[s] for s in ("checks_raw", "checks_marts") if s in results]
    marts_checks = sum(_work(m) for m in [results["dbt_build"], *checks]) if "dbt_build" in results else None
    if len(checks) < 2:
        marts_checks = None  # not comparable without the checks
    ratio = marts_checks / baseline_s if marts_checks is not None and baseline_s else None
    # The same sum inside the whole run, where a monthly run pays it: each stage run alone also
    # pays a process start with the imports of Dagster, GX and dbt (GX alone about 12 s here).
    in_run = (steps or {}).get("whole_run") or {}
    in_run_parts = [in_run.get(k) for k in ("dbt_build", "checks_raw", "checks_marts")]
    marts_checks_in_run = sum(in_run_parts) if all(p is not None for p in in_run_parts) else None
    ratio_in_run = marts_checks_in_run / baseline_s if marts_checks_in_run is not None and baseline_s else None
    total_s = whole.wall_s if whole else None
    floor = results.get("floor")
    floor_s = floor.wall_s if floor and floor.returncode == 0 else None
    floor_comparison = floor_comparison or {}
    rows = []
    for name, m in results.items():
        w = _work(m)
        rows.append({"stage": name, "wall_s": _r(m.wall_s, 1), "work_s": _r(w, 1),
                     "peak_rss_gb": _r(m.peak_rss_gb), "sampled_tree_gb": _r(m.sampled_tree_rss / 2 ** 30),
                     "max_process_gb": _r(m.max_proc_rss / 2 ** 30),
                     "ratio_to_baseline": _r(w / baseline_s) if baseline_s and w is not None else None,
                     "ok": m.returncode == 0})
    groups = {
        "ingestion (all sources)": (sum(m.wall_s for m in ingest), sum(_work(m) for m in ingest),
                                    max((m.peak_rss_gb for m in ingest), default=0)),
        "checks (raw + marts)": (sum(m.wall_s for m in checks), sum(_work(m) for m in checks),
                                 max((m.peak_rss_gb for m in checks), default=0)),
        "marts and checks (dbt build + checks)": (
            sum(m.wall_s for m in [results["dbt_build"], *checks]) if "dbt_build" in results else 0,
            marts_checks or 0, max((m.peak_rss_gb for m in [results.get("dbt_build"), *checks] if m), default=0)),
    }
    incremental_s = inc.wall_s if inc else None
    corr = results.get("correction")
    correction_s = corr.wall_s if corr and corr.returncode == 0 else None
    out_json = {
        "scale": scale, "first_month": m0, "new_month": m1,
        "total_s": _r(total_s, 1), "baseline_s": _r(baseline_s, 1), "ratio": _r(ratio),
        "ratio_in_run": _r(ratio_in_run),
        "peak_rss_gb": _r(whole.peak_rss_gb if whole else None),
        "incremental_s": _r(incremental_s, 1),
        "incremental_ratio": _r(incremental_s / total_s) if incremental_s and total_s else None,
        "history_months": months if incremental.get("measured") else 0,
        "only_new_month_ingested": incremental.get("only_new_month_ingested"),
        "correction_s": _r(correction_s, 1),
        "correction_ratio": _r(correction_s / total_s) if correction_s and total_s else None,
        "corrected_month": incremental.get("corrected_month"),
        "ingest_s": _r(groups["ingestion (all sources)"][1], 1), "dbt_build_s": _r(_work(results.get("dbt_build")), 1),
        "checks_s": _r(groups["checks (raw + marts)"][1], 1),
        "publish_s": _r(_work(results.get("publish")), 1),
        "baseline_equal": comparison.get("equal"),
        # The whole run over the floor: bare DuckDB reading the same files and running baseline.sql.
        "floor_s": _r(floor_s, 1), "floor_ratio": _r(total_s / floor_s) if total_s and floor_s else None,
        "floor_equal": floor_comparison.get("equal"),
        "max_stage_peak_rss_gb": _r(max((m.peak_rss_gb for k, m in results.items() if k in STAGES), default=0)),
    }
    # A run that failed did not do all the work: its time is kept, but no target is judged on it.
    out_json["total_ok"] = whole.returncode == 0 if whole else None
    out_json["incremental_ok"] = inc.returncode == 0 if inc else None
    if inc and inc.returncode != 0:
        out_json["incremental_ratio"] = None
    if whole and whole.returncode != 0:
        out_json["ratio_note"] = "the whole run failed"
    targets = {
        "total_s": (out_json["total_s"], TARGETS["total_s"]),
        "peak_rss_gb": (out_json["peak_rss_gb"], TARGETS["peak_rss_gb"]),
        "ratio": (out_json["ratio"], TARGETS["ratio"]),
        "ratio_in_run": (out_json["ratio_in_run"], TARGETS["ratio"]),
        "incremental_ratio": (out_json["incremental_ratio"], TARGETS["incremental_ratio"]),
        "correction_ratio": (out_json["correction_ratio"], TARGETS["correction_ratio"]),
    }
    ok = all(m.returncode == 0 for m in results.values()) and bool(comparison.get("equal"))
    ok = ok and (floor is None or bool(floor_comparison.get("equal")))
    ok = ok and incremental.get("only_new_month_ingested") is not False
    ok = ok and incremental.get("only_corrected_month_ingested") is not False
    return {"json": out_json, "ok": ok, "rows": rows, "groups": groups, "targets": targets,
            "comparison": comparison, "floor_comparison": floor_comparison, "incremental": incremental, "machine": info | {
                "load_average_end": machine.load_average()},
            "volumes": volumes, "first_files": first_files, "new_files": new_files, "memory_limit": memory_limit,
            "when": dt.datetime.now().strftime("%Y-%m-%d %H:%M"), "profiles": profiles or {}, "steps": steps or {}}


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.2f}" if abs(x) < 10 else f"{x:.1f}"
    return str(x)


def markdown(s: dict) -> str:
    j, mach = s["json"], s["machine"]
    begin, end = BEGIN.format(scale=j["scale"]), END.format(scale=j["scale"])
    lines = [begin, "", f"### Scale {j['scale']}", "", f"Measured {s['when']} with `naravard bench --scale {j['scale']}` "
             f"(first month {j['first_month']}, added month {j['new_month']}).", "",
             "Machine: " + f"{mach['nproc']} cores ({mach['cpu_model']}), {mach['mem_total_gb']} GB memory, "
             f"Linux {mach['kernel']}, Python {mach['python']}; load average {mach['load_average_start']} at the "
             f"start, {mach['load_average_end']} at the end.", "",
             "Versions: " + ", ".join(f"{k} {v}" for k, v in mach["versions"].items()) + f"; DuckDB memory limit "
             f"for dbt and the baseline: {s['memory_limit']}.", ""]
    v = s["volumes"]
    if v:
        lines += ["Volumes of the first month: " + ", ".join(
            f"{k} {list(d.values())[0]:,}" if isinstance(d, dict) else f"{k} {d:,}" for k, d in v.items()) + ".", ""]
    lines += ["| stage | wall s | in-run s | peak GB | ratio to baseline | ok |", "|---|---:|---:|---:|---:|---|"]
    for r in s["rows"]:
        lines.append(f"| {r['stage']} | {_fmt(r['wall_s'])} | {_fmt(r['work_s'])} | {_fmt(r['peak_rss_gb'])} | "
                     f"{_fmt(r['ratio_to_baseline'])} | {'yes' if r['ok'] else 'FAILED'} |")
    lines += ["", "| group | wall s | in-run s | peak GB |", "|---|---:|---:|---:|"]
    for name, (wall, work, peak) in s["groups"].items():
        lines.append(f"| {name} | {_fmt(wall)} | {_fmt(work)} | {_fmt(peak)} |")
    lines += ["", "| target | measured | limit | met |", "|---|---:|---:|---|"]
    for name, (got, limit) in s["targets"].items():
        met = "-" if got is None else ("yes" if got <= limit else f"no ({got / limit:.1f} ×)")
        if name == "incremental_ratio" and j.get("incremental_ok") is False:
            met = "no: the increment failed (see its log)"
        if name in ("total_s", "peak_rss_gb") and j.get("total_ok") is False:
            met += "; the whole run failed"
        lines.append(f"| {name} | {_fmt(got)} | {limit:g} | {met} |")
    c = s["comparison"]
    lines += ["", f"Baseline against dbt: equal = {c.get('equal')}; matched rows {c.get('matched_rows')}, only in dbt "
              f"{c.get('only_dbt')}, only in the baseline {c.get('only_baseline')}, differing {c.get('differ')}; "
              f"indicators: {', '.join(c.get('indicators', []))}.", ""]
    f = s.get("floor_comparison") or {}
    if f:
        lines += [f"Floor (the month's files read by bare DuckDB, then the baseline SQL) against dbt: equal = "
                  f"{f.get('equal')}; matched rows {f.get('matched_rows')}, only in dbt {f.get('only_dbt')}, only in "
                  f"the floor {f.get('only_baseline')}, differing {f.get('differ')}. The whole run took "
                  f"{_fmt(j.get('floor_ratio'))} × the floor ({_fmt(j.get('floor_s'))} s).", ""]
    inc = s["incremental"]
    if inc.get("measured"):
        lines += [f"Increment: {inc['history_months']} months of history, then one month added; months in raw "
                  f"afterwards {inc['months_in_raw_after']}; load-log rows written by the increment "
                  f"{inc['ingested_by_increment']} (only the new month: {inc['only_new_month_ingested']}).", ""]
        if inc.get("corrected_month"):
            lines += [f"Correction: {inc['corrected_month']} redelivered ({', '.join(inc['corrected_files'])}); "
                      f"load-log rows written {inc['ingested_by_correction']} (only that month: "
                      f"{inc['only_corrected_month_ingested']}).", ""]
    for name, st in s.get("steps", {}).items():
        if st:
            lines += [f"Inside {name} (Dagster event log, seconds per stage): "
                      + ", ".join(f"{k} {v}" for k, v in st.items()) + ".", ""]
    for name, prof in s.get("profiles", {}).items():
        if prof:
            lines += [f"dbt in {name}: {prof['nodes']} nodes, {prof['elapsed_s']} s elapsed; models "
                      f"{prof['models_s']} s, data tests {prof['tests_s']} s, unit tests {prof['unit_tests_s']} s; "
                      "slowest: " + ", ".join(f"{n} {t} s" for n, t in prof["top"]) + ".", ""]
    lines += ["JSON line:", "", "```json", __import__("json").dumps(j), "```", "", end]
    return "\n".join(lines)


def write_markdown(path: Path, summary: dict) -> None:
    section = markdown(summary)
    scale = summary["json"]["scale"]
    begin, end = BEGIN.format(scale=scale), END.format(scale=scale)
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    if begin in text and end in text:
        text = re.sub(re.escape(begin) + r".*?" + re.escape(end), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
