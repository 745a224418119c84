"""orchestration/progress.py: a redrawn line on a terminal, plain throttled lines elsewhere."""
from __future__ import annotations

import io

from orchestration.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_off_a_terminal_at_most_one_per_interval_and_the_last():
    out = io.StringIO()
    p = Progress("ingest raw.vhu_inbjudan", total=3, unit="months", stream=out, interval=3600)
    p.step("inbjudan_2024-01.csv: 10 rows")
    p.step("inbjudan_2024-02.csv: 12 rows")
    p.done("22 rows read")
    p.done()  # said once
    # Nothing during the hour-long interval; one final line with the count and the detail.
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and "\r" not in out.getvalue() and "\x1b" not in out.getvalue()
    assert lines[0].startswith("naravard: ingest raw.vhu_inbjudan  2/3 months") and lines[0].endswith("22 rows read")


def test_every_step_is_a_line_with_a_zero_interval():
    out = io.StringIO()
    p = Progress("privacy scan", unit="places", stream=out, interval=0)
    for place in ("raw.a.x", "raw.a.y"):
        p.step(place)
    p.done()
    assert [line.split("  ")[1].split(" (")[0] for line in out.getvalue().splitlines()] == [
        "1 places", "2 places", "2 places"]


def test_a_terminal_gets_one_line_redrawn_with_a_bar():
    out = Terminal()
    p = Progress("ingest raw.listning_listning", total=4, unit="months", stream=out, interval=0)
    p.step("a")
    p.step("b")
    p.done()
    text = out.getvalue()
    assert text.count("\r\x1b[2K") == 3 and text.count("\n") == 1  # redrawn twice, ended once
    # 2 of 4 months: half of the 20-cell bar is filled.
    assert "▕" + "█" * 10 + " " * 10 + "▏" in text.rstrip("\n").split("\r")[-1]


def test_it_can_be_switched_off(naravard_env, monkeypatch):
    from orchestration.defs.resources import resources_from
    from orchestration.settings import Settings

    monkeypatch.setenv("NARAVARD_PROGRESS", "off")
    progress = resources_from(Settings.from_env())["progress"]
    out = io.StringIO()
    p = Progress("x", stream=out, interval=0, off=progress.off)
    p.step("y")
    p.done()
    assert out.getvalue() == ""
