"""Render the report again from a serving folder: python -m orchestration.report [SERVING_DIR]."""
from __future__ import annotations

import sys
from pathlib import Path

from orchestration.publish import SERVING_DB
from orchestration.report import REPORT_DIR, render


def main(argv: list[str]) -> int:
    if argv:
        serving = Path(argv[0])
    else:
        from orchestration.settings import Settings

        serving = Settings.from_env().serving_dir
    print(render(serving / SERVING_DB, serving / REPORT_DIR))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
