"""A LibreTranslate server on a loopback port, speaking its POST /translate:
the site's real client code runs against it, with no network and no model.
It "translates" by tagging each text with the target language."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class _Handler(BaseHTTPRequestHandler):
    server: _Peer

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        asked = json.loads(self.rfile.read(length))
        self.server.requests.append({"path": self.path, **asked})
        if self.server.failing:
            self.send_response(500)
            self.end_headers()
            return
        texts = asked["q"] if isinstance(asked["q"], list) else [asked["q"]]
        answer = {"translatedText": [f"[{asked['target']}] {text}" for text in texts]}
        body = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Peer(ThreadingHTTPServer):
    requests: list[dict[str, Any]]
    failing: bool


@contextmanager
def libretranslate() -> Iterator[_Peer]:
    """The server, with ``url`` and the ``requests`` it received."""
    server = _Peer(("127.0.0.1", 0), _Handler)
    server.requests, server.failing = [], False
    server.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
