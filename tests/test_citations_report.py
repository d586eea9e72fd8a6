"""`make citations-report`: the share of real source strings parsed exactly, and every miss."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import PROJECT

from fixtures.real_citations import load, measure


def test_make_citations_report_lists_every_miss_and_the_share():
    venv = Path(sys.executable).parent.parent
    result = subprocess.run(
        ["make", "-s", "citations-report", f"VENV={venv}"],
        cwd=PROJECT, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    sources = load()
    right, misses = measure(sources)
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(
        r"(\d+) of (\d+) real source strings parsed exactly as expected \(([\d.]+)%\)", last
    )
    assert match and (int(match[1]), int(match[2])) == (right, len(sources))
    for source, problems in misses:
        assert source.text in result.stdout
        assert all(problem in result.stdout for problem in problems)
