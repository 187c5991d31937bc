"""Loopback sinks for the reach benchmark: an SMTP server (aiosmtpd) and
fediverse "servers" (plain HTTP inboxes) that accept everything and count it.

They check nothing (no signature, no content): they stand for the far end,
so that what is measured is the site's side of delivery. Each keeps the
time of its first and last arrival, which give the achieved rate.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

# The largest body an inbox reads: an activity is a few KB.
MAX_BODY_BYTES = 1024 * 1024


@dataclass
class Tally:
    """Arrivals, counted under a lock (the sinks answer from many threads)."""

    count: int = 0
    first: float | None = None
    last: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self) -> None:
        now = time.monotonic()
        with self.lock:
            self.count += 1
            if self.first is None:
                self.first = now
            self.last = now

    def rate(self) -> float:
        """Arrivals per second between the first and the last, or 0."""
        with self.lock:
            if self.first is None or self.last is None or self.last <= self.first:
                return 0.0
            # n arrivals span n - 1 gaps.
            return (self.count - 1) / (self.last - self.first)


class _SmtpHandler:
    def __init__(self, tally: Tally) -> None:
        self.tally = tally

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.tally.add()
        return "250 Message accepted"


@contextmanager
def smtp_sink(port: int) -> Iterator[Tally]:
    """An SMTP server on 127.0.0.1:``port`` counting the messages it accepts."""
    tally = Tally()
    controller = Controller(_SmtpHandler(tally), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield tally
    finally:
        controller.stop()


def _inbox_handler(tally: Tally) -> type[BaseHTTPRequestHandler]:
    class Inbox(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self.send_response(413)
            else:
                self.rfile.read(length)
                tally.add()
                self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # tens of thousands of lines otherwise

    return Inbox


@contextmanager
def inbox_sinks(count: int) -> Iterator[tuple[list[int], Tally]]:
    """``count`` HTTP servers on 127.0.0.1, each a fediverse server whose every
    inbox answers 202; their ports and one tally of every POST."""
    tally = Tally()
    handler = _inbox_handler(tally)
    with ExitStack() as stack:
        ports = []
        for _ in range(count):
            server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
            server.daemon_threads = True
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
            ports.append(int(server.server_address[1]))
        yield ports, tally
