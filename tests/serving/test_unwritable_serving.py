"""A serving folder that cannot be written stops the publish with one line naming the folder and what is
missing (not "Error occurred while executing op" with "Permission denied" deep in a traceback).

The tests run as root, who may write anywhere: the check runs in a child process without
CAP_DAC_OVERRIDE (setpriv), for which a folder of mode 0555 really is not writable."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.publish import guard

ROOT = Path(__file__).resolve().parents[2]
WITHOUT_OVERRIDE = ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
                    "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
CHECK = ("import sys; from pathlib import Path; from orchestration.publish import guard\n"
         "try:\n    guard.writable(*map(Path, sys.argv[1:]))\n"
         "except guard.ServingUnwritable as e:\n    print(e); sys.exit(3)\n")


def test_a_folder_without_write_permission(tmp_path):
    serving = tmp_path / "serving"
    (serving / "parquet").mkdir(parents=True)
    serving.chmod(0o555)
    try:
        done = subprocess.run([*WITHOUT_OVERRIDE, sys.executable, "-c", CHECK, str(serving), str(serving / "parquet")],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        serving.chmod(0o755)
    assert done.returncode == 3, done.stderr[-2000:]
    # by hand: the first folder named is the first that fails; EACCES is the missing permission
    assert done.stdout.splitlines() == [
        f"cannot write the serving folder {serving}: the permission to create files in it (write and execute on "
        f"the folder) is missing for the user running naravard (Permission denied); nothing was "
        "published"]
    assert not list(serving.glob(".naravard-probe-*"))


def test_a_folder_whose_parent_is_a_file(tmp_path):
    (tmp_path / "data").write_text("a file where a folder should be")
    serving = tmp_path / "data" / "serving"
    with pytest.raises(guard.ServingUnwritable) as e:
        guard.writable(serving)
    assert str(e.value).startswith(f"cannot write the serving folder {serving}: a part of its path is a file, "
                                   "not a folder")
    assert "\n" not in str(e.value)


def test_a_writable_folder_is_left_as_it_was(tmp_path):
    serving = tmp_path / "serving"
    guard.writable(serving, serving / "parquet")
    assert [p.name for p in serving.iterdir()] == ["parquet"] and not list((serving / "parquet").iterdir())
