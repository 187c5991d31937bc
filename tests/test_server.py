"""The real thing: `python wsgi.py` under waitress, fetched over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"server exited: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "IST_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'served.sqlite3'}"}
    if os.environ.get("IST_TEST_DATABASE_URI"):
        env["IST_SQLALCHEMY_DATABASE_URI"] = os.environ["IST_TEST_DATABASE_URI"]
    process = subprocess.Popen(
        [sys.executable, "wsgi.py", "--host", "127.0.0.1", "--port", str(port), "--threads", "2"],
        cwd=ROOT,
        env=env,
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


def test_waitress_serves_the_seed_front_page_from_a_fresh_database(server: str) -> None:
    with urllib.request.urlopen(server + "/", timeout=5) as response:
        assert response.status == 200
        html = response.read().decode("utf-8")
    assert "Socialism From Below" in html
    assert "Release Frank García Hernández And His Comrades" in html
    assert "Tuesday 13th July 2021" in html
    with urllib.request.urlopen(
        server + "/en/statements/release-frank-garcia-hernandez-and-his-comrades", timeout=5
    ) as response:
        assert "democratic rights of" in response.read().decode("utf-8")
