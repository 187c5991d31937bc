"""Starting the real site: `python wsgi.py` under waitress on a free local port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_environment(tmp_path: Path) -> dict[str, str]:
    """The environment of a served site: its own database, a test secret key."""
    database = os.environ.get("IST_TEST_DATABASE_URI") or f"sqlite:///{tmp_path / 'served.sqlite3'}"
    return {
        **os.environ,
        "IST_SQLALCHEMY_DATABASE_URI": database,
        "IST_SECRET_KEY": "served-test-secret-key-0123456789abcdef",
    }


def wait_for(url: str, process: subprocess.Popen[str], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the server exited: {output}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@contextmanager
def running_site(tmp_path: Path, *arguments: str) -> Iterator[str]:
    """Serve the site and yield its base URL; stop it afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "wsgi.py", "--host", "127.0.0.1", "--port", str(port), *arguments],
        cwd=ROOT,
        env=site_environment(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(url + "/", process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def flask_command(
    tmp_path: Path, *arguments: str, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run `flask --app ist_flask …` on the served site's database."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "ist_flask", *arguments],
        cwd=ROOT,
        env=site_environment(tmp_path),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
