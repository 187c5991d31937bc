"""Channels made for the tests, a WebSub hub on loopback, and running the
queue's tasks by hand.

The channels are real implementations of channel_types.Channel, registered
like any other; the hub is a real HTTP server the site pings over TCP.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from flask import Flask

from ist_flask import channels, jobs
from ist_flask.channel_types import Delivery, Event, Undeliverable


class RecordingChannel:
    """Hears every event once per name in ``recipients``, and keeps what it was delivered."""

    def __init__(self, name: str = "record", recipients: tuple[str, ...] = ("reader",)) -> None:
        self.name = name
        self.recipients = recipients
        self.delivered: list[dict[str, Any]] = []
        # Failures still to give, before deliveries succeed.
        self.failures = 0
        self.refuse = False
        self.attempts = 0

    def deliveries(self, event: Event) -> Iterator[Delivery]:
        for recipient in self.recipients:
            yield Delivery(
                key=f"{self.name}:{recipient}:{event.kind}:{event.statement_id}:{event.language}:{event.at.isoformat()}",
                payload={
                    "kind": event.kind,
                    "statement_id": event.statement_id,
                    "language": event.language,
                    "recipient": recipient,
                },
            )

    def deliver(self, delivery: Delivery) -> None:
        self.attempts += 1
        if self.refuse:
            raise Undeliverable("this recipient is gone")
        if self.failures:
            self.failures -= 1
            raise ConnectionError("the recipient is away")
        self.delivered.append(delivery.payload)

    def heard(self) -> list[tuple[str, int, str]]:
        """(kind, statement id, language) of each delivery, in order."""
        return [(d["kind"], d["statement_id"], d["language"]) for d in self.delivered]


def recording(app: Flask, **options: Any) -> RecordingChannel:
    channel = RecordingChannel(**options)
    channels.register(app, channel)
    return channel


def run_queued(app: Flask, timestamp: datetime | None = None) -> int:
    """Run every task waiting in ``app``'s queue, and those they queue, as a
    consumer's worker would (huey's own dequeue and execute); the number run.
    A task not due by ``timestamp`` (now by default) goes to the schedule."""
    huey = jobs.queue_of(app).huey
    count = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task, timestamp)
        count += 1
    return count


def wait_until(condition: Callable[[], object], seconds: float = 90) -> None:
    """Poll until ``condition`` holds; a bound, not a measure: the test fails
    only when it never happens."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "it did not happen"
        time.sleep(0.1)


@contextmanager
def consuming(app: Flask) -> Iterator[None]:
    """The queue's real consumer (huey's threads, as wsgi.py starts them)
    running ``app``'s tasks while the block runs; stopped gracefully after,
    its workers having finished what they had begun."""
    consumer = jobs.start_consumer(app)
    try:
        yield
    finally:
        consumer.stop(graceful=True)


class Hub:
    """A WebSub hub on loopback that keeps each ping's form and answers ``status``."""

    def __init__(self) -> None:
        self.pings: list[dict[str, str]] = []
        self.status = 202
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode("ascii"))
                hub.pings.append({name: values[0] for name, values in form.items()})
                self.send_response(hub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Hub:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def pinged_feeds(self) -> set[str]:
        assert all(p["hub.mode"] == "publish" for p in self.pings)
        return {p["hub.url"] for p in self.pings}
