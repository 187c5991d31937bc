"""Large imports: written in batches, a progress bar on a terminal, flat memory."""

from __future__ import annotations

import json
import os
import pty
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from servers import ROOT, site_environment
from sqlalchemy import func, select, text

from ist_flask import import_pipeline, import_rows, statement_import
from ist_flask.extensions import SQLITE_BUSY_TIMEOUT_MS, db
from ist_flask.i18n import supported_languages
from ist_flask.models import Statement, Translation
from ist_flask.statement_file import StatementFileError

# Slow: large imports. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

WORDS = ["solidarity", "workers", "strike", "union", "democracy", "freedom", "struggle", "peace"]


def write_statements(
    path: Path, count: int, words: int, same_title: bool = False, slug_prefix: str = "declaration"
) -> None:
    """A file of ``count`` statements, written one at a time like the export."""
    with path.open("w", encoding="utf-8") as out:
        out.write('{"statements": [')
        for n in range(count):
            body = " ".join(WORDS[(n + i) % len(WORDS)] for i in range(words))
            title = "Same title" if same_title else f"Statement {n}"
            item = {
                "published": f"20{10 + n % 10}-0{1 + n % 9}-1{n % 10}T12:00:00Z",
                "translations": {
                    "en": {"title": title, "body": f"<p>{body}</p>"},
                    "fr": {
                        "title": f"Déclaration {n}",
                        "slug": f"{slug_prefix}-{n}",
                        "body": f"<p>{body}</p>",
                    },
                },
            }
            out.write(("," if n else "") + json.dumps(item, ensure_ascii=False))
        out.write("]}")


def test_a_file_larger_than_a_batch_goes_in_whole(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "many.json"
    write_statements(source, 2500, 20, same_title=True)
    result = runner.invoke(args=["statements", "import", str(source)])
    assert result.exit_code == 0, result.output
    assert "Imported 2500 statements" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Statement.id))).scalar_one() == 2502
        slugs = set(
            db.session.execute(
                select(Translation.slug).where(Translation.language == "en")
            ).scalars()
        )
    # Titles that clash across batches still get slugs of their own.
    assert {
        "same-title",
        "same-title-2",
        "same-title-1000",
        "same-title-1001",
        "same-title-2500",
    } <= slugs


def search_index_state(
    app: Flask,
) -> tuple[bool, list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """On SQLite: whether the search index's insert trigger is there, what the
    index holds, and what the trigger would have put in it for every row."""
    with app.app_context():
        trigger = db.session.execute(
            text("SELECT count(*) FROM sqlite_master WHERE name = 'translations_search_insert'")
        ).scalar_one()
        held = db.session.execute(
            text("SELECT rowid, title, body FROM translations_search ORDER BY rowid")
        ).all()
        wanted = db.session.execute(
            text(
                "SELECT id, ist_stems(language, title), ist_stems(language, search_text) "
                "FROM translations ORDER BY id"
            )
        ).all()
    return bool(trigger), [tuple(row) for row in held], [tuple(row) for row in wanted]


def test_a_large_import_fills_the_search_index_as_the_trigger_would(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    """A large import stems in a second process and fills SQLite's index
    itself; the index must hold what the trigger makes, and the trigger must
    be back for the editor's writes."""
    if db_dialect(app) != "sqlite":
        pytest.skip("PostgreSQL's search index is a generated column")
    source = tmp_path / "many.json"
    write_statements(source, 2500, 30)
    assert source.stat().st_size >= import_pipeline.PARALLEL_FROM
    result = runner.invoke(args=["statements", "import", str(source)])
    assert result.exit_code == 0, result.output
    trigger, held, wanted = search_index_state(app)
    assert trigger
    assert len(held) > 5000 and held == wanted
    # Found by another form of a word ("strikes" for "strike"), as searches do.
    page = app.test_client().get("/en/search?q=strikes").get_data(as_text=True)
    assert "2500 statements match." in page


# Statements of five words in a file that import_rows.JOURNAL_FROM calls large.
LARGE = 3000


def journal_mode(app: Flask) -> str:
    with app.app_context():
        return str(db.session.execute(text("PRAGMA journal_mode")).scalar_one())


def test_a_large_import_on_its_own_writes_sqlite_once_and_leaves_it_in_wal(
    app: Flask, tmp_path: Path
) -> None:
    """With no other connection, the import's pages go through a rollback
    journal (written once, not twice through the WAL), and the WAL is back
    after it, with every row and the search index as the trigger makes it."""
    if db_dialect(app) != "sqlite":
        pytest.skip("PostgreSQL has no journal mode")
    source = tmp_path / "many.json"
    write_statements(source, LARGE, 5)
    assert source.stat().st_size >= import_rows.JOURNAL_FROM
    modes: list[str] = []

    def seen(_done: int) -> None:
        modes.append(str(db.session.execute(text("PRAGMA journal_mode")).scalar_one()))

    with app.app_context():
        statement_import.import_statement_file(
            lambda: source.open("rb"), supported_languages(), progress=seen
        )
    assert set(modes) == {"delete"}
    assert journal_mode(app) == "wal"
    assert count_statements(app) == LARGE + 2
    trigger, held, wanted = search_index_state(app)
    assert trigger and held == wanted


def test_with_a_reader_open_a_large_import_stays_in_the_wal(app: Flask, tmp_path: Path) -> None:
    """A rollback journal would lock the reader (the server) out: with one
    open, the import keeps the WAL, and the reader reads on throughout."""
    if db_dialect(app) != "sqlite":
        pytest.skip("PostgreSQL has no journal mode")
    source = tmp_path / "many.json"
    write_statements(source, LARGE, 5)
    assert source.stat().st_size >= import_rows.JOURNAL_FROM
    with app.app_context():
        path = db.engine.url.database
    reader = sqlite3.connect(path)
    try:
        assert reader.execute("SELECT count(*) FROM statements").fetchone() == (2,)
        modes: list[str] = []
        read: list[int] = []
        timeouts: list[int] = []

        def seen(_done: int) -> None:
            modes.append(str(db.session.execute(text("PRAGMA journal_mode")).scalar_one()))
            read.append(reader.execute("SELECT count(*) FROM statements").fetchone()[0])
            timeouts.append(db.session.execute(text("PRAGMA busy_timeout")).scalar_one())

        with app.app_context():
            statement_import.import_statement_file(
                lambda: source.open("rb"), supported_languages(), progress=seen
            )
        assert set(modes) == {"wal"}
        # Asking did not cost the import's connection its patience with locks.
        assert set(timeouts) == {SQLITE_BUSY_TIMEOUT_MS}
        # The reader saw the database as it was until the import committed.
        assert set(read) == {2}
        assert reader.execute("SELECT count(*) FROM statements").fetchone()[0] == (LARGE + 2)
    finally:
        reader.close()


def db_dialect(app: Flask) -> str:
    with app.app_context():
        return db.engine.dialect.name


def test_a_bad_statement_late_in_a_large_file_writes_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "late.json"
    write_statements(source, 1500, 5)
    document = json.loads(source.read_text(encoding="utf-8"))
    document["statements"][1400]["translations"]["fr"]["slug"] = "declaration-3"
    source.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["statements", "import", str(source)])
    assert result.exit_code != 0
    assert (
        'statement 1401 ("Statement 1400"): translations.fr.slug: "declaration-3" is also used by statement 4'
        in result.output
    )
    with app.app_context():
        assert db.session.execute(select(func.count(Statement.id))).scalar_one() == 2


class Opener:
    """Opens the files given in turn, one per call, and keeps what it opened."""

    def __init__(self, *paths: Path) -> None:
        self.paths = list(paths)
        self.opened: list[BinaryIO] = []

    def __call__(self) -> BinaryIO:
        stream = self.paths.pop(0).open("rb")
        self.opened.append(stream)
        return stream


def count_statements(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Statement.id))).scalar_one()


def test_a_file_that_breaks_after_its_check_writes_nothing(app: Flask, tmp_path: Path) -> None:
    """Batches already written are rolled back when a later one turns out bad
    (here the file changes after its groups are read)."""
    good, broken = tmp_path / "good.json", tmp_path / "broken.json"
    write_statements(good, 2500, 5)
    document = json.loads(good.read_text(encoding="utf-8"))
    document["statements"][2200]["translations"]["fr"]["body"] = ""
    broken.write_text(json.dumps(document), encoding="utf-8")
    opener = Opener(good, broken)
    with app.app_context(), pytest.raises(StatementFileError, match="statement 2201"):
        statement_import.import_statement_file(opener, supported_languages())
    assert count_statements(app) == 2
    # Its groups read here; then read here or, given a second core, by a child process.
    assert all(stream.closed for stream in opener.opened)
    if db_dialect(app) == "sqlite":
        trigger, held, wanted = search_index_state(app)
        assert trigger and held == wanted, "a failed import must leave the index as it was"
        assert journal_mode(app) == "wal"


def test_an_import_stopped_midway_writes_nothing_and_closes_its_file(
    app: Flask, tmp_path: Path
) -> None:
    """Ctrl-C after the first batch: nothing stays, and the file is closed."""
    source = tmp_path / "many.json"
    write_statements(source, 5000, 5)
    opener = Opener(source, source)
    written: list[int] = []

    def interrupt(done: int) -> None:
        written.append(done)
        raise KeyboardInterrupt

    with app.app_context(), pytest.raises(KeyboardInterrupt):
        statement_import.import_statement_file(opener, supported_languages(), progress=interrupt)
    # One batch, then the interruption: progress counts the file's bytes read.
    assert len(written) == 1 and 0 < written[0] < source.stat().st_size
    assert count_statements(app) == 2
    if db_dialect(app) == "sqlite":
        assert journal_mode(app) == "wal"
    assert all(stream.closed for stream in opener.opened)


def run_on_a_terminal(arguments: list[str], database_uri: str) -> str:
    """Run a command with its output on a pseudo-terminal, as a maintainer sees it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "ist_flask", *arguments],
        cwd=ROOT, env=site_environment(database_uri), stdout=follower, stderr=follower,
    )  # fmt: skip
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=120)
    os.close(leader)
    assert process.returncode == 0, output
    return output.decode("utf-8", "replace")


def test_import_and_export_show_a_progress_bar_on_a_terminal(
    app: Flask, database_uri: str, tmp_path: Path
) -> None:
    source = tmp_path / "bar.json"
    write_statements(source, 3000, 5)
    shown = run_on_a_terminal(["statements", "import", str(source)], database_uri)
    assert "Importing" in shown and "100%" in shown and "#" in shown
    shown = run_on_a_terminal(["statements", "export", str(tmp_path / "out.json")], database_uri)
    assert "Exporting" in shown and "100%" in shown


PEAK_MEMORY = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True, capture_output=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
"""


def peak_memory_of_import(source: Path, database_uri: str) -> int:
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, sys.executable, "-m", "flask", "--app", "ist_flask",
         "statements", "import", str(source)],
        cwd=ROOT, env=site_environment(database_uri), capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(result.stdout.strip())


def test_memory_stays_flat_however_large_the_file(
    app: Flask, database_uri: str, tmp_path: Path
) -> None:
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    write_statements(small, 10, 700, slug_prefix="small")
    write_statements(large, 6000, 700, slug_prefix="large")
    size = large.stat().st_size
    assert size > 40_000_000
    baseline = peak_memory_of_import(small, database_uri)
    growth = peak_memory_of_import(large, database_uri) - baseline
    # Reading the whole file would cost its size at least once, and its
    # parsed objects again; streaming it costs about one batch.
    assert growth < size * 0.5, (growth, size)
