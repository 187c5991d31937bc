"""Another fediverse server on loopback, for the inbox and delivery tests: it
serves one actor (with a key made by http_signatures.new_key_pair) and
records what is POSTed to its inbox, answering with the status it is told.
The interoperability test uses a real implementation instead (bovine)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ist_flask.http_signatures import new_key_pair, signed_headers


class Peer:
    def __init__(self, base: str) -> None:
        self.base = base
        self.private_pem, self.public_pem = new_key_pair()
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.inbox_status = 202
        self.fetched: list[str] = []

    @property
    def actor_id(self) -> str:
        return f"{self.base}/users/alice"

    @property
    def key_id(self) -> str:
        return f"{self.actor_id}#main-key"

    def actor(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams"],
            "id": self.actor_id,
            "type": "Person",
            "preferredUsername": "alice",
            "inbox": f"{self.actor_id}/inbox",
            "endpoints": {"sharedInbox": f"{self.base}/inbox"},
            "publicKey": {
                "id": self.key_id,
                "owner": self.actor_id,
                "publicKeyPem": self.public_pem,
            },
        }

    def follow(self, target: str, number: int = 1) -> dict[str, Any]:
        return {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{self.actor_id}/follows/{number}",
            "type": "Follow",
            "actor": self.actor_id,
            "object": target,
        }

    def undo(self, follow: dict[str, Any]) -> dict[str, Any]:
        return {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": follow["id"] + "/undo",
            "type": "Undo",
            "actor": self.actor_id,
            "object": follow,
        }

    def signed(self, url: str, body: bytes, private_pem: str | None = None) -> dict[str, str]:
        """Headers for POSTing ``body`` to ``url``, signed as this peer (or
        with another key under this peer's keyId: a forgery)."""
        headers = signed_headers(
            "POST", url, self.key_id, private_pem or self.private_pem, body, datetime.now(UTC)
        )
        return {**headers, "Content-Type": "application/activity+json"}


@contextmanager
def running_peer() -> Iterator[Peer]:
    peer: Peer

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            peer.fetched.append(self.path)
            if self.path != "/users/alice":
                self.send_error(404)
                return
            body = json.dumps(peer.actor()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/activity+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            peer.received.append((self.path, headers, body))
            self.send_response(peer.inbox_status)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    peer = Peer(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()
