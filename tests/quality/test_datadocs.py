"""The Data Docs start page and its pruning, on folders made by hand."""
from __future__ import annotations

from pathlib import Path

from orchestration.quality import datadocs
from orchestration.quality.gx_bridge import FailedExpectation, Validation


def _validation(suite: str, success: bool, severity: str | None, page: Path | None) -> Validation:
    failed = [] if success else [FailedExpectation("expect_column_values_to_not_be_null", "hsa_id", severity or "",
                                                   3, 1.5, [("None", 3)])]
    return Validation(suite=suite, success=success, max_severity=severity, evaluated=4, successful=4 - len(failed),
                      rows=200, run_name="run-1", run_time="2024-03-01 10:00:00 UTC", failed=failed, page=page)


def test_start_page_lists_suites_with_status_and_relative_links(tmp_path):
    docs = tmp_path / "datadocs"
    suite_page = docs / "gx" / "expectations" / "raw" / "vhu_inbjudan.html"
    suite_page.parent.mkdir(parents=True)
    suite_page.write_text("suite")
    datadocs.register_suites(docs, {"raw.vhu_inbjudan": ("raw/vhu_inbjudan", "gx_kontrakt", suite_page),
                                    "raw.listning_lakare": ("raw/listning_lakare", "gx_kontrakt", None)})
    page = docs / "gx" / "validations" / "raw" / "vhu_inbjudan" / "run-1" / "20240301T100000Z" / "v.html"
    page.parent.mkdir(parents=True)
    page.write_text("validation")
    datadocs.record(docs, _validation("raw.vhu_inbjudan", False, "critical", page), asset="raw/vhu_inbjudan",
                    check="gx_kontrakt", suite_page=suite_page, keep=10)
    html = (docs / "index.html").read_text(encoding="utf-8")
    assert 'href="gx/expectations/raw/vhu_inbjudan.html"' in html
    assert 'href="gx/validations/raw/vhu_inbjudan/run-1/20240301T100000Z/v.html"' in html
    assert '<span class="fel">FEL</span> 3 av 4' in html
    assert "raw.listning_lakare" in html and "inte validerad ännu" in html
    assert "http" not in html.replace('lang="sv"', "")  # nothing fetched from the internet


def test_only_the_newest_validation_pages_are_kept(tmp_path):
    docs = tmp_path / "datadocs"
    root = docs / "gx" / "validations" / "marts" / "indikatorer"
    times = [f"202403{d:02d}T100000.000000Z" for d in range(1, 8)]
    for i, t in enumerate(times):
        (root / f"run-{i}" / t).mkdir(parents=True)
    datadocs.prune(docs, "marts.indikatorer", keep=3)
    kept = sorted(p.name for p in root.glob("*/*"))
    assert kept == times[-3:]
    assert sorted(p.name for p in root.iterdir()) == ["run-4", "run-5", "run-6"]  # empty run folders go too
