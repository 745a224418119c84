"""(a) A BI reader keeps reading the serving file, in its own process, while the pipeline runs and
publishes twice: neither side errors, and every answer is one whole publication, old or new."""
from __future__ import annotations

import duckdb

from tests.serving.reader import fingerprint


def _fingerprint_of(path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return fingerprint(con)
    finally:
        con.close()


def test_both_runs_succeed_and_the_content_changed(two_runs):
    assert [r.returncode for r in two_runs.runs] == [0, 0]
    assert two_runs.v1_id != two_runs.v2_id
    assert _fingerprint_of(two_runs.v1_copy) != _fingerprint_of(two_runs.serving_db)


def test_the_reader_never_failed(two_runs):
    errors = [r for r in two_runs.reads if "error" in r]
    assert not errors, f"{len(errors)} reads failed, first: {errors[0]['error']}"


def test_every_answer_is_a_whole_old_or_new_version(two_runs):
    versions = {two_runs.v1_id: _fingerprint_of(two_runs.v1_copy),
                two_runs.v2_id: _fingerprint_of(two_runs.serving_db)}
    answers = [r for r in two_runs.reads if "publication_id" in r]
    assert len(answers) > 100, "the reader read too rarely to show anything"
    for a in answers:
        assert a["publication_rows"] == 1
        assert a["consistent"], f"row counts differ from the file's own manifest in {a}"
        assert a["publication_id"] in versions, f"a version that was never published: {a['publication_id']}"
        assert a["fingerprint"] == versions[a["publication_id"]], "content differs from its publication"


def test_the_reader_saw_the_swap_while_the_pipeline_ran(two_runs):
    started, ended = two_runs.run2_window
    seen = [(r["t"], r.get("publication_id")) for r in two_runs.reads if "error" not in r]
    # absent until run 1 published, then v1 until run 2 published, then v2: never back
    order = [pid for _, pid in seen]
    first_v1 = order.index(two_runs.v1_id)
    first_v2 = order.index(two_runs.v2_id)
    assert all(p is None for p in order[:first_v1])
    assert all(p == two_runs.v1_id for p in order[first_v1:first_v2])
    assert all(p == two_runs.v2_id for p in order[first_v2:])
    # the old version was read during run 2, right up to the new one
    assert any(started < t and pid == two_runs.v1_id for t, pid in seen)
    assert started < seen[first_v2][0] < ended
