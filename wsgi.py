"""Serve ist_flask with waitress.

    python wsgi.py [--host H] [--port P] [--threads N] [--connection-limit N]
                   [--trusted-proxy ADDR] [--no-access-log] [--no-demo]

On start the database is upgraded to the latest migration and, when it holds
no statements, filled with the demo content. Debug mode is never on here.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import resource
import signal
import sys
import time
import traceback
from typing import Any

from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server

from ist_flask import create_app, init_migrations, jobs, store
from ist_flask.access_log import AccessLog
from ist_flask.config_checks import ConfigurationError
from ist_flask.extensions import db
from ist_flask.i18n import supported_languages
from ist_flask.keep_alive import keep_alive_after_304
from ist_flask.statement_file import StatementFileError

try:
    # Without Flask-Migrate: upgrade_database runs the migrations in a child.
    app = create_app(migrations=False)
except ConfigurationError as error:
    # A setting to fix, not a bug: say so plainly, without a traceback.
    sys.exit(f"ist_flask cannot start: {error}")

# The headers nginx sets (see docs/deploy.md); waitress trusts them only from --trusted-proxy.
PROXY_HEADERS = {"x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"}
# A slow client holds a connection, not a thread (waitress reads requests
# whole before a thread takes them), so many connections cost little: about
# the request headers each, at most MAX_HEADER_BYTES.
DEFAULT_CONNECTION_LIMIT = 1000
# The request line and headers of one request: addresses of up to ~30,000
# characters and the cookie, well under waitress's own 256 KiB.
MAX_HEADER_BYTES = 64 * 1024
# Seconds a connection may stay silent before it is closed (waitress: 120).
CHANNEL_TIMEOUT = 20


class DatabaseUnavailable(Exception):
    """The database refused or did not answer while it was being upgraded."""


# The exit code of a migrating child whose database did not answer.
_UNAVAILABLE = 3


def upgrade_database() -> None:
    """Bring the schema to the latest migration in a forked child process, so
    that alembic and what it loads (about 11 MB) never stay in the server."""
    if not hasattr(os, "fork"):
        _upgrade_here()
        return
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        code = 0
        try:
            with app.app_context():
                # The parent's pooled connections are not the child's to use or close.
                db.engine.dispose(close=False)
            _upgrade_here()
        except (OperationalError, InterfaceError) as error:
            os.write(write_end, _first_line(error).encode("utf-8", "replace"))
            code = _UNAVAILABLE
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reasons:
        reason = reasons.read().decode("utf-8", "replace")
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    if code == _UNAVAILABLE:
        raise DatabaseUnavailable(reason)
    if code != 0:
        sys.exit("ist_flask cannot start: the database could not be upgraded (see above)")


def _upgrade_here() -> None:
    # alembic says which of its plugins it loads, at INFO, as it is imported:
    # noise before the one line that says the server is ready (or why not).
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    from flask_migrate import upgrade

    init_migrations(app)
    with app.app_context():
        upgrade()


def _first_line(error: OperationalError | InterfaceError) -> str:
    return str(error.orig or error).strip().splitlines()[0]


def prepare_database(load_demo: bool) -> None:
    """Upgrade the schema, then load the demo statements into an empty site."""
    upgrade_database()
    with app.app_context():
        if load_demo and not store.has_statements():
            try:
                count = store.load_demo(supported_languages())
            except (IntegrityError, StatementFileError):
                # Another process starting at the same time loaded it first.
                db.session.rollback()
                return
            logging.getLogger("ist_flask").info(
                "Loaded the demo content: %d statements in %d translations",
                count,
                store.count_translations(),
            )


def allow_open_files(connections: int) -> None:
    """Raise this process's limit on open files (up to the hard limit) so that
    every allowed connection, with the database's and a margin, can be open."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = connections + 100
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(
            resource.RLIMIT_NOFILE,
            (wanted if hard == resource.RLIM_INFINITY else min(wanted, hard), hard),
        )


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Serve the ist_flask site with waitress.")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on")
    parser.add_argument("--threads", type=int, default=4, help="worker threads (default 4)")
    parser.add_argument(
        "--connection-limit",
        type=int,
        default=DEFAULT_CONNECTION_LIMIT,
        help=f"most simultaneous connections before new ones wait (default {DEFAULT_CONNECTION_LIMIT})",
    )
    parser.add_argument(
        "--trusted-proxy",
        metavar="ADDR",
        help="address of the reverse proxy (nginx) whose X-Forwarded-* headers are believed",
    )
    parser.add_argument(
        "--no-access-log", action="store_true", help="do not log one line per request"
    )
    parser.add_argument(
        "--no-demo", action="store_true", help="do not load the demo statements into an empty site"
    )
    return parser.parse_args(argv)


def server_options(args: argparse.Namespace) -> dict[str, object]:
    options: dict[str, object] = {
        "host": args.host,
        "port": args.port,
        "threads": args.threads,
        "connection_limit": args.connection_limit,
        # poll(), not select(): select() cannot watch a descriptor past 1024.
        "asyncore_use_poll": True,
        "channel_timeout": CHANNEL_TIMEOUT,
        "max_request_header_size": MAX_HEADER_BYTES,
        # The editor's largest legitimate form (config_checks.bound_request_bodies):
        # a larger body is refused with 413 from its Content-Length, unread.
        "max_request_body_size": app.config["MAX_CONTENT_LENGTH"],
        "ident": "ist_flask",
    }
    if args.trusted_proxy:
        options.update(
            trusted_proxy=args.trusted_proxy,
            trusted_proxy_headers=PROXY_HEADERS,
            trusted_proxy_count=1,
            clear_untrusted_proxy_headers=True,
        )
    return options


def make_server(wsgi_app: Any, options: dict[str, Any]) -> MultiSocketServer | BaseWSGIServer:
    """waitress's server with the options above, keeping connections open after a 304."""
    servers: dict[int, Any] = {}
    server = create_server(wsgi_app, map=servers, **options)
    keep_alive_after_304(servers)
    return server


def _interrupt(_signal: int, _frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    started = time.monotonic()
    args = parse_arguments()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if app.debug:
        sys.exit("ist_flask: debug mode is never used under wsgi.py; unset FLASK_DEBUG/IST_DEBUG")
    allow_open_files(args.connection_limit)
    wsgi_app = app if args.no_access_log else AccessLog(app)
    # Bound first, so that a busy port is said at once, before any migration;
    # requests wait in the socket's queue until the database is ready.
    try:
        server = make_server(wsgi_app, server_options(args))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            sys.exit(
                f"ist_flask cannot start: {args.host}:{args.port} is already in use; "
                "stop what listens there or choose another --port"
            )
        sys.exit(f"ist_flask cannot start: cannot listen on {args.host}:{args.port} ({error})")
    try:
        prepare_database(load_demo=not args.no_demo)
    except (OperationalError, InterfaceError, DatabaseUnavailable) as error:
        # Refused, or silent past IST_DATABASE_TIMEOUT: one line, no traceback.
        reason = str(error) if isinstance(error, DatabaseUnavailable) else _first_line(error)
        sys.exit(
            f"ist_flask cannot start: the database does not answer ({reason}); "
            "check IST_SQLALCHEMY_DATABASE_URI and that the database server is running"
        )
    logging.getLogger("ist_flask").info(
        "Serving on http://%s:%s (ready in %.2fs)",
        server.effective_host,  # type: ignore[union-attr]
        server.effective_port,  # type: ignore[union-attr]
        time.monotonic() - started,
    )
    # The job queue's consumer, in threads of this process unless another
    # process (`flask worker`) runs it (jobs.consumer_mode).
    # Its every task run is noise in the server's log: retries and drops,
    # at WARNING, stay.
    logging.getLogger("huey").setLevel(logging.WARNING)
    consumer = jobs.start_consumer(app) if jobs.consumer_mode(app.config) == "embedded" else None
    if consumer is not None:
        # A delivery under way finishes before the process ends (a queued
        # one waits in the queue): SIGTERM stops the server like Ctrl-C.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.run()
    finally:
        if consumer is not None:
            consumer.stop(graceful=True)


if __name__ == "__main__":
    main()
