"""A 304 keeps its HTTP/1.1 connection open under `python wsgi.py` (ist_flask/keep_alive.py).

waitress 3.0.2 alone closes after every 304; the last test here shows it
still does, so that the day it stops, keep_alive.py can go.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from servers import running_site, waitress_in_a_thread

# Slow: the real server. `pytest -m "not slow"` leaves it out of the quick loop.
pytestmark = pytest.mark.slow

# Cached by the front (a feed), and rendered by Flask on a miss (a statement).
PATHS = ("/fr/feed.atom", "/en/statements/release-frank-garcia-hernandez-and-his-comrades")


def revalidations(connection: http.client.HTTPConnection, path: str, times: int) -> list[Any]:
    """Fetch `path`, then revalidate it `times` times; the socket under each answer."""
    connection.request("GET", path)
    first = connection.getresponse()
    first.read()
    assert first.status == 200, path
    etag = first.getheader("ETag")
    sockets = []
    for _ in range(times):
        connection.request("GET", path, headers={"If-None-Match": etag or ""})
        answer = connection.getresponse()
        assert answer.read() == b""
        assert answer.status == 304, path
        assert answer.getheader("Connection") is None, path
        assert not answer.will_close, path
        sockets.append(connection.sock)
    return sockets


def test_a_304_keeps_the_connection_for_the_next_request(tmp_path: Path, database_uri: str) -> None:
    with running_site(tmp_path, database_uri) as site:
        connection = http.client.HTTPConnection("127.0.0.1", int(site.rsplit(":", 1)[1]), timeout=5)
        sockets = [revalidations(connection, path, 3) for path in PATHS]
        # One socket for all eight requests: http.client opens a new one
        # whenever the server closed the last.
        assert len({id(sock) for row in sockets for sock in row}) == 1
        # And the connection still serves a body after the 304s.
        connection.request("GET", "/fr/")
        answer = connection.getresponse()
        assert answer.status == 200
        assert '<html lang="fr"' in answer.read().decode("utf-8")
        assert connection.sock is sockets[0][0]
        connection.close()


def raw_exchange(address: tuple[str, int], request: bytes) -> tuple[bytes, bytes]:
    """Send one request; return the answer's head and what follows it before
    the server closes (b"" when it closes at once; a timeout when it does not)."""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = sock.recv(65536)
            assert chunk, "closed before the answer's head"
            received += chunk
        head, _, rest = received.partition(b"\r\n\r\n")
        sock.settimeout(2)
        try:
            rest += sock.recv(65536)
        except TimeoutError:
            return head, b"<still open>"
        return head, rest


def test_a_client_that_asks_to_close_still_gets_its_connection_closed(
    tmp_path: Path, database_uri: str
) -> None:
    with running_site(tmp_path, database_uri) as site:
        address = ("127.0.0.1", int(site.rsplit(":", 1)[1]))
        connection = http.client.HTTPConnection(*address, timeout=5)
        connection.request("GET", "/fr/feed.atom")
        first = connection.getresponse()
        first.read()
        etag = (first.getheader("ETag") or "").encode()
        connection.close()
        asked = (
            b"If-None-Match: " + etag + b"\r\nHost: %s:%d\r\n" % (address[0].encode(), address[1])
        )
        for request, closes in (
            (b"GET /fr/feed.atom HTTP/1.1\r\n" + asked + b"Connection: close\r\n\r\n", True),
            (b"GET /fr/feed.atom HTTP/1.0\r\n" + asked + b"\r\n", True),
            (b"GET /fr/feed.atom HTTP/1.1\r\n" + asked + b"\r\n", False),
        ):
            head, after = raw_exchange(address, request)
            assert head.split(b" ")[1] == b"304", request
            assert (b"connection: close" in head.lower()) is closes, request
            assert after == (b"" if closes else b"<still open>"), request


def test_waitress_alone_still_closes_after_a_304() -> None:
    """When this fails, waitress keeps the connection itself: delete
    ist_flask/keep_alive.py and its use in wsgi.py, and the upstream report."""

    def not_modified(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response("304 Not Modified", [("ETag", '"x"')])
        return [b""]

    with waitress_in_a_thread(not_modified, host="127.0.0.1", port=0) as server:
        address = ("127.0.0.1", int(server.effective_port))
        head, after = raw_exchange(address, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    assert b"connection: close" in head.lower()
    assert after == b""
