"""When the database does not answer: 503 at once, instead of every request waiting.
(And how to tell a database away from a full disk: both come as OperationalError.)

Each request that finds the database away (refused, cut, or silent past
DATABASE_TIMEOUT) starts a pause of OUTAGE_PAUSE seconds in this process.
During it, requests that need the database answer 503 with Retry-After
without trying, so that threads are not all held waiting and static files
keep answering; the first request after the pause tries again, so the site
recovers by itself. A locked SQLite file, a statement over its time limit or
a full disk are not outages: the database answered.
"""

from __future__ import annotations

import threading
import time
from typing import cast

from flask import Flask, current_app, request
from sqlalchemy.exc import DBAPIError, InterfaceError
from werkzeug.exceptions import ServiceUnavailable

# Seconds requests are answered 503 without trying, after one found the database away.
OUTAGE_PAUSE = 2.0
# Seconds a client is asked to wait before trying again.
RETRY_AFTER = 30
# Endpoints that never touch the database, or say themselves that it is away.
ANSWERING_ANYWAY = {"static", "health.healthz"}


class DatabaseUnavailable(ServiceUnavailable):
    """The database is away: a short 503 page (errors.py renders it)."""

    def __init__(self) -> None:
        super().__init__(retry_after=RETRY_AFTER)


def is_outage(error: BaseException) -> bool:
    """Whether ``error`` says the database could not be reached, as opposed to
    an answer from it (an SQL error carries an SQLSTATE; a lost connection none)."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    orig = error.orig
    module = type(orig).__module__ if orig is not None else ""
    return module.startswith("psycopg") and getattr(orig, "sqlstate", None) is None


# SQLite's "database or disk is full" and PostgreSQL's disk_full (SQLSTATE 53100).
SQLITE_FULL = 13
DISK_FULL_SQLSTATE = "53100"


def is_disk_full(error: BaseException) -> bool:
    """Whether ``error`` says the database could not write for want of space."""
    orig = getattr(error, "orig", None)
    return (
        getattr(orig, "sqlite_errorcode", None) == SQLITE_FULL
        or getattr(orig, "sqlstate", None) == DISK_FULL_SQLSTATE
    )


class Outage:
    """This process's memory of the last time the database was found away."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self._lock = threading.Lock()
        self._until = 0.0

    def begin(self) -> None:
        with self._lock:
            self._until = time.monotonic() + self.pause

    def ongoing(self) -> bool:
        return time.monotonic() < self._until


def outage() -> Outage:
    return cast(Outage, current_app.extensions["ist_outage"])


def record(error: BaseException) -> None:
    """Start a pause when ``error`` says the database is away."""
    if is_outage(error):
        outage().begin()


def _refuse_during_outage() -> None:
    if request.endpoint not in ANSWERING_ANYWAY and outage().ongoing():
        raise DatabaseUnavailable()


def init_app(app: Flask) -> None:
    """Register before every other before_request hook: during a pause,
    nothing may touch the database, the page cache's version check included."""
    app.extensions["ist_outage"] = Outage(OUTAGE_PAUSE)
    app.before_request(_refuse_during_outage)
