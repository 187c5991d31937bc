"""huey, the job queue's library (jobs.py), imported without psycopg.

huey's storage module imports psycopg, when installed, for its PostgresHuey,
which the site never uses: 9 MB in every process, when most (SQLite sites)
never load psycopg otherwise. An entry of None in sys.modules makes that one
import fail as if psycopg were not installed, which huey allows for; the
entry is gone afterwards, and SQLAlchemy imports psycopg normally when the
database needs it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def _hidden(name: str) -> Iterator[None]:
    """Module ``name`` made unimportable for a moment, unless it is loaded already."""
    if name in sys.modules:
        yield
        return
    sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        del sys.modules[name]


with _hidden("psycopg"):
    from huey import Huey, MemoryHuey, PriorityRedisHuey, SqliteHuey, crontab
    from huey.api import TaskWrapper
    from huey.consumer import Consumer

__all__ = [
    "Consumer",
    "Huey",
    "MemoryHuey",
    "PriorityRedisHuey",
    "SqliteHuey",
    "TaskWrapper",
    "crontab",
]
