"""Starting the real site: `python wsgi.py` under waitress on a free local port,
or a WSGI app under waitress in a thread of the test's own process."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from waitress import wasyncore
from waitress.server import BaseWSGIServer, create_server

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(database_uri: str) -> dict[str, str]:
    """The environment of a served site: the test's database, a test secret key."""
    return {
        **os.environ,
        "IST_SQLALCHEMY_DATABASE_URI": database_uri,
        "IST_SECRET_KEY": "served-test-secret-key-0123456789abcdef",
    }


def wait_for(url: str, process: subprocess.Popen[str], log_path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def resident_memory(pid: int) -> int:
    """Bytes of memory the process ``pid`` holds now (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class SiteURL(str):
    """The base URL of a running site, which also knows the server's pid."""

    pid: int


@contextmanager
def running_site(
    tmp_path: Path,
    database_uri: str,
    *arguments: str,
    log_name: str = "server.log",
    extra_environment: dict[str, str] | None = None,
) -> Iterator[SiteURL]:
    """Serve the site and yield its base URL; stop it afterwards. What the
    server prints (its access log too) goes to ``tmp_path / log_name``."""
    port = free_port()
    log_path = tmp_path / log_name
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "wsgi.py", "--host", "127.0.0.1", "--port", str(port), *arguments],
            cwd=ROOT,
            env={
                **site_environment(database_uri),
                # Its own job queue, not the checkout's instance/queue.sqlite3.
                "IST_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
                **(extra_environment or {}),
            },
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
    url = SiteURL(f"http://127.0.0.1:{port}")
    url.pid = process.pid
    try:
        wait_for(url + "/", process, log_path)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def flask_command(
    database_uri: str, *arguments: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `flask --app ist_flask …` on the served site's database."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ist_flask", *arguments],
        cwd=ROOT,
        env=site_environment(database_uri),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@contextmanager
def waitress_in_a_thread(app: Any, **options: Any) -> Iterator[BaseWSGIServer]:
    """waitress serving ``app`` (one address: host and port in ``options``)
    from a thread, until the block ends.

    The serving thread closes its sockets itself: closed from another thread
    while it waits in select(), they make it fail there with EBADF, an error
    pytest then pins on whichever test is running."""
    server = create_server(app, **options)
    assert isinstance(server, BaseWSGIServer), "one address, one server"
    stop = threading.Event()

    def serve() -> None:
        try:
            while not stop.is_set():
                wasyncore.loop(timeout=0.05, map=server._map, count=1)
        finally:
            wasyncore.close_all(server._map)
            server.task_dispatcher.shutdown()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join(timeout=10)
