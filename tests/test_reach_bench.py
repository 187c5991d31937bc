"""The reach benchmark runs end to end at a small size and writes its table
(not a timed test: its figures are not judged here, only that every row is
reported and that what was delivered is what was expected)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SERVER_DATABASE
from servers import ROOT

# Slow: a served site, sinks and deliveries. Left out of `pytest -m "not slow"`.
pytestmark = pytest.mark.slow


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="the benchmark builds an SQLite database")
def test_the_reach_benchmark_delivers_everything_and_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "reach.md"
    result = subprocess.run(
        [sys.executable, "bench/reach.py", "--subscribers", "50", "--followers", "10",
         "--servers", "3", "--saves", "2", "--data", str(tmp_path / "data"), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    # Subscribers 0..49 want their own language (n % 8), every fifth English
    # too; the two statements are in en+fr and en+es. English: 7 (n % 8 == 0)
    # + 10 (n % 5 == 0) - 2 (0 and 40, both) = 15; French 7; Spanish 6.
    assert "| emails delivered | 43 of 43 | all, once each | yes |" in table
    posts = re.search(r"^\| inbox POSTs delivered \| (\d+) of (\d+) \|", table, re.M)
    assert posts is not None and posts.group(1) == posts.group(2) != "0"
    save = re.search(
        r"^\| editor's save, median \(max\) \| (\d+) ms \((\d+) ms\); in order: (\d+), (\d+) \|",
        table,
        re.M,
    )
    assert save is not None and 0 < int(save.group(1)) <= int(save.group(2))
    assert int(save.group(2)) == max(int(save.group(3)), int(save.group(4)))
    memory = re.search(
        r"^\| server memory \(RSS\) at start, peak \| (\d+) MB, (\d+) MB", table, re.M
    )
    assert memory is not None and 0 < int(memory.group(1)) <= int(memory.group(2))
    assert "| emails per second achieved |" in table
    assert table.rstrip().splitlines()[-1].startswith("Targets missed: ")
