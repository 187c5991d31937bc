"""Time `flask statements import` of a generated file into a new database,
on SQLite and on PostgreSQL, and print a table of seconds and peak memory.

    python bench/import_time.py [--sizes 10000,100000] [--databases sqlite,postgresql]
                                [--postgresql postgresql+psycopg://postgres@127.0.0.1:5432]
                                [--data bench/data]

Each run creates its database (an SQLite file under --data, or a PostgreSQL
database of its own, dropped afterwards), migrates it, then times the
import command alone. Files are generated as bench/run.py generates them
(bench/generate.py) and kept in --data for the next run. The peak memory is
the largest resident set of the import's processes (the command and the
child that prepares its batches), as the kernel reports it for children.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import psycopg

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import write_file  # noqa: E402

FLASK = [sys.executable, "-m", "flask", "--app", "ist_flask"]


def source_of(size: int, data: Path) -> Path:
    source = data / f"statements-{size}.json"
    if not source.exists():  # the same size always makes the same file
        print(f"generating {size} statements…", file=sys.stderr, flush=True)
        write_file(source, size)
    return source


def timed_import(source: Path, uri: str) -> tuple[float, float]:
    """Seconds the import took into the database at ``uri``, and the peak MB."""
    env = {
        **os.environ,
        "IST_SQLALCHEMY_DATABASE_URI": uri,
        "IST_SECRET_KEY": "benchmark-only-secret-key-0123456789abcdef",
    }
    subprocess.run([*FLASK, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    # Through a Python of its own, whose children are the import's alone:
    # ru_maxrss of children is the largest of any this process waited for.
    measured = subprocess.run(
        [sys.executable, "-c", MEASURE, *FLASK, "statements", "import", str(source)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
    )
    seconds, peak_kb = measured.stdout.decode().split()[-2:]
    return float(seconds), float(peak_kb) / 1024


# Runs the command given after it; prints its seconds and the peak KB of its processes.
MEASURE = """
import resource, subprocess, sys, time
started = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=sys.stderr)
print(time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def on_sqlite(source: Path, data: Path, size: int) -> tuple[float, float]:
    database = data / f"import-{size}.sqlite3"
    for stale in data.glob(f"import-{size}.sqlite3*"):
        stale.unlink()
    try:
        return timed_import(source, f"sqlite:///{database}")
    finally:
        for made in data.glob(f"import-{size}.sqlite3*"):
            made.unlink()


def on_postgresql(source: Path, server: str, size: int) -> tuple[float, float]:
    name = f"ist_import_bench_{size}"
    admin = server.replace("postgresql+psycopg://", "postgresql://") + "/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    try:
        return timed_import(source, f"{server}/{name}")
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgresql", default="postgresql+psycopg://postgres@127.0.0.1:5432")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        source = source_of(size, args.data)
        for database in args.databases.split(","):
            if database == "sqlite":
                seconds, peak = on_sqlite(source, args.data, size)
            elif database == "postgresql":
                seconds, peak = on_postgresql(source, args.postgresql, size)
            else:
                raise SystemExit(f"unknown database {database!r}: sqlite or postgresql")
            mb = source.stat().st_size / 1e6
            rows.append(
                f"| {size:,} | {mb:,.0f} MB | {database} | {seconds:,.1f} s | {peak:,.0f} MB |"
            )
            print(rows[-1], file=sys.stderr, flush=True)
    print("| statements | file | database | import | peak memory |")
    print("| ---: | ---: | --- | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
