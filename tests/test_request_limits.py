"""Request bodies are bounded, and slow clients cannot take the embedded server down.

The body limit comes from the largest form the editor can legitimately send
(every language at every text limit); anonymous clients and small forms get
64 KiB. Both Flask and waitress refuse a larger body with 413 from its
Content-Length, before reading it.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from admin_helpers import NEW, csrf_token, new_statement
from flask import Flask
from flask.testing import FlaskClient
from servers import resident_memory, running_site
from werkzeug.test import stream_encode_multipart

from ist_flask.i18n import DEFAULT_LANGUAGES
from ist_flask.security import SMALL_BODY_BYTES


def test_the_limit_fits_every_language_at_every_text_limit(app: Flask) -> None:
    per_language = 300 + 120 + 2_000 + 500_000
    assert app.config["MAX_CONTENT_LENGTH"] >= 7 * per_language * 4
    # The text, and one lead image.
    assert app.config["MAX_CONTENT_LENGTH"] < 16 * 2**20 + app.config["IMAGE_MAX_BYTES"]


def test_an_anonymous_large_post_is_refused_unread(client: FlaskClient) -> None:
    body = b"email=a%40b.org&password=" + b"x" * (SMALL_BODY_BYTES + 1)
    for path in ("/admin/login", NEW, "/admin/logout", "/"):
        response = client.post(path, data=body, content_type="application/x-www-form-urlencoded")
        assert response.status_code == 413, path
        assert "Traceback" not in response.get_data(as_text=True)


def post_multipart(client: FlaskClient, path: str, form: dict[str, str]):  # type: ignore[no-untyped-def]
    """Post ``form`` as a browser sends the editor's form. Encoded here in
    memory: the test client would spool a large body to a file it never closes."""
    stream, length, boundary = stream_encode_multipart(form, use_tempfile=False)
    return client.post(
        path,
        input_stream=stream,
        content_length=length,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.slow  # a 7 MB form
def test_a_maintainer_may_send_the_largest_legitimate_form(app: Flask, editor: FlaskClient) -> None:
    """Every language's text at the limit, in letters that take two bytes."""
    form = new_statement(**{"translation_en-title": "Long", "translation_fr-title": "Long"})
    for language in DEFAULT_LANGUAGES:
        form[f"translation_{language}-title"] = f"Long {language}"
        form[f"translation_{language}-body"] = "Ж" * 500_000
    form["csrf_token"] = csrf_token(editor, NEW)
    response = post_multipart(editor, NEW, form)
    assert response.status_code == 302, response.status_code


def test_a_maintainer_past_the_limit_gets_a_413(app: Flask, editor: FlaskClient) -> None:
    form = new_statement()
    form["csrf_token"] = csrf_token(editor, NEW)
    form["translation_en-body"] = "x" * app.config["MAX_CONTENT_LENGTH"]
    response = post_multipart(editor, NEW, form)
    assert response.status_code == 413


# The real server -------------------------------------------------------------


def raw_request(site: str, head: bytes, timeout: float = 5) -> bytes:
    """Send ``head`` (a request line and headers, no body) and read the answer."""
    parts = urlsplit(site)
    with closing(socket.create_connection((parts.hostname, parts.port), timeout=timeout)) as sock:
        sock.sendall(head)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


@pytest.mark.slow
def test_waitress_refuses_a_huge_body_from_its_length_before_reading_it(
    tmp_path: Path, database_uri: str
) -> None:
    spool = Path(tempfile.gettempdir())
    with running_site(tmp_path, database_uri, "--no-access-log") as site:
        before = resident_memory(site.pid)
        files_before = set(spool.iterdir())
        for length in (200 * 2**20, 899 * 2**20):
            started = time.monotonic()
            answer = raw_request(
                site,
                b"POST /admin/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\n"
                + f"Content-Length: {length}\r\n\r\n".encode(),
            )
            assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
            assert time.monotonic() - started < 2
        assert resident_memory(site.pid) - before < 20 * 2**20
        with urllib.request.urlopen(site + "/healthz", timeout=5) as response:
            assert response.status == 200
    assert not {p for p in set(spool.iterdir()) - files_before if p.stat().st_size > 2**20}


@contextmanager
def trickling_connections(site: str, count: int) -> Iterator[list[socket.socket]]:
    """``count`` connections that each send one more header line every 2 s and
    never finish their request: a slowloris."""
    parts = urlsplit(site)
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(sock)
    stop = threading.Event()

    def trickle() -> None:
        line = 0
        while not stop.wait(2):
            line += 1
            for sock in sockets:
                with suppress(OSError):
                    sock.sendall(f"X-Slow-{line}: a\r\n".encode())

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield sockets
    finally:
        stop.set()
        thread.join()
        for sock in sockets:
            sock.close()


@pytest.mark.slow
def test_150_slow_connections_leave_the_site_answering_within_a_second(
    tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri, "--no-access-log") as site:
        with trickling_connections(site, 150):
            waits = []
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                for path in ("/healthz", "/"):
                    started = time.monotonic()
                    with urllib.request.urlopen(site + path, timeout=5) as response:
                        assert response.status == 200
                    waits.append(time.monotonic() - started)
                time.sleep(0.5)
        assert max(waits) < 1.0, max(waits)
