"""A WSGI access log, one line per request through `logging`: waitress writes none.

203.0.113.9 "GET /fr/feed.atom HTTP/1.1" 304 0 1.2ms "Mozilla/5.0 …"
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

logger = logging.getLogger("ist_flask.access")

# Control characters, the quote that ends a field, and the backslash that
# starts an escape: written as \xNN, so that "%0a" in an address can never
# start a forged line of its own.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f"\\]')


def _escaped(value: str) -> str:
    """``value`` (a WSGI string: bytes as Latin-1) as readable UTF-8, with
    control characters, quotes and backslashes escaped."""
    try:
        text = value.encode("latin-1").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = value
    return _UNSAFE.sub(lambda found: f"\\x{ord(found.group()):02x}", text)


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AccessLog:
    """Wraps a WSGI app; logs when the response body has been sent."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterator[bytes]:
        started = time.perf_counter()
        status = ["-"]

        def recording_start_response(code: str, headers: list[Any], *rest: Any) -> Any:
            status[0] = code.split(" ", 1)[0]
            return start_response(code, headers, *rest)

        sent = 0
        body = self.app(environ, recording_start_response)
        try:
            for chunk in body:
                sent += len(chunk)
                yield chunk
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
            path = environ.get("PATH_INFO", "")
            if environ.get("QUERY_STRING"):
                path += "?" + environ["QUERY_STRING"]
            logger.info(
                '%s "%s %s %s" %s %d %.1fms "%s"',
                _escaped(environ.get("REMOTE_ADDR", "-")),
                _escaped(environ.get("REQUEST_METHOD", "-")),
                _escaped(path),
                _escaped(environ.get("SERVER_PROTOCOL", "-")),
                status[0],
                sent,
                (time.perf_counter() - started) * 1000,
                _escaped(environ.get("HTTP_USER_AGENT", "-")),
            )
