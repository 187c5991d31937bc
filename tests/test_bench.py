"""The benchmark runs end to end and writes its table (not a timed test: its
figures are not judged here, only that every row and target is reported)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from conftest import SERVER_DATABASE
from servers import ROOT

# Slow: the benchmark, end to end. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

ROWS = [
    "bare Flask route",
    "trivial route",
    "`/`",
    "`/fr/`",
    "statement page",
    "`/fr/feed.atom`",
    "`/fr/feed.atom`, gzip",
    "feed 304 revalidation, new connections",
    "feed 304 revalidation, kept-alive",
    "page 50 (`?older=`)",
]


@pytest.mark.skipif(bool(SERVER_DATABASE), reason="the benchmark builds SQLite databases")
def test_the_benchmark_writes_its_table(tmp_path: Path) -> None:
    out = tmp_path / "table.md"
    result = subprocess.run(
        [sys.executable, "bench/run.py", "--sizes", "400,420", "--rounds", "1", "--duration", "1",
         "--data", str(tmp_path / "data"), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    table = out.read_text(encoding="utf-8")
    for size in ("400", "420"):
        for row in ROWS:
            assert f"| {size} | {row} |" in table, (size, row)
    # The larger size is held to the smaller one's figures, and to every target.
    assert "| 420 | `/` |" in table
    assert "≥ 100% of bare; ≥ 70% of trivial; at most 15% under 400 |" in table
    assert "≥ 100% of bare; ≥ 85% of trivial; at most 15% under 400 |" in table
    # The kept-alive 304 is held to the bare route too.
    kept_alive = re.findall(
        r"^\| 4[02]0 \| feed 304 revalidation, kept-alive \|.*\| ≥ 100% of bare \| (.*) \|$",
        table,
        re.M,
    )
    assert len(kept_alive) == 2, table
    # A slow machine may miss a target; the row then says so beside the figure.
    over = r"(?: \(\*\*over [\d.]+ (?:s|MB)\*\*\))?"
    row = rf"^\| 420 \| \d+ s{over} \| [\d.]+ s{over} \| \d+ MB{over} \|$"
    assert re.search(row, table, re.M), table
    assert table.rstrip().splitlines()[-1].startswith("Targets missed: ")
    # nginx (tests/run.sh installs it) in front, against its own static file.
    for size in ("400", "420"):
        assert re.search(rf"^\| {size} \| `/fr/` behind nginx \| [\d,]+ \| \d+% \|", table, re.M)
    # Pages rendered afresh, a deep one among them, each held to its target.
    assert (
        "| statements | `/` | `/fr/` | statement page | `/fr/feed.atom` | page 50 | deep page | met |"
        in table
    )
    assert "| target | < 3 | < 3 | < 3 | < 6 | — | within 25% of page 50 | |" in table
    # Each page's lowest round, then its highest in brackets.
    timed = r"[\d.]+ \([\d.]+\)"
    for size in ("400", "420"):
        assert re.search(
            rf"^\| {size} \|(?: {timed} \|){{6}} (?:yes|\*\*no\*\*: .*) \|$", table, re.M
        )
    # Every figure came from real answers: no load run saw an error.
    rows = [
        line.split("|") for line in table.splitlines() if line.startswith(("| 400 |", "| 420 |"))
    ]
    loads = [cells for cells in rows if len(cells) == 14]
    assert len(loads) == 2 * len(ROWS)
    assert all(cells[10].strip() == "0" for cells in loads), loads


@pytest.mark.skipif(not SERVER_DATABASE, reason="it times the import on PostgreSQL too")
def test_the_import_timer_times_both_databases(tmp_path: Path) -> None:
    """bench/import_time.py: one row a database, each import whole (the
    statements are there), and the PostgreSQL database it made dropped."""
    server = SERVER_DATABASE.rsplit("/", 1)[0] if SERVER_DATABASE else ""
    result = subprocess.run(
        [sys.executable, "bench/import_time.py", "--sizes", "150", "--postgresql", server,
         "--data", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("Imported 150 statements") == 2
    for database in ("sqlite", "postgresql"):
        assert re.search(rf"^\| 150 \| \d+ MB \| {database} \| [\d.]+ s \| \d+ MB \|$",
                         result.stdout, re.M), result.stdout  # fmt: skip
    assert not list(tmp_path.glob("import-150.sqlite3*"))
    admin = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin) as connection:
        left = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname = 'ist_import_bench_150'"
        ).fetchone()
    assert left == (0,)
