"""Keep an HTTP/1.1 connection open after a 304 or 204, which waitress 3.0.2 closes.

waitress ends every HTTP/1.1 answer that has no Content-Length with
`Connection: close`, and it drops the Content-Length of an answer without a
body, as it must. So every 304 Not Modified closed its connection, and a feed
reader or nginx (upstream keep-alive) revalidating paid a new TCP connection
each time. A 304 or 204 ends with its header fields (RFC 9112, section 6.3):
nothing requires the close. The report for waitress, with this same change
as a patch, is docs/upstream/waitress-304-keep-alive.md; once waitress ships
it, this module goes (tests/test_keep_alive.py says when).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.task import WSGITask

# The answers whose length their header ends (1xx are never final here).
_ENDED_BY_HEADER = ("204", "304")


class KeepAliveTask(WSGITask):
    """waitress's task, but a 204 or 304 keeps the connection for the next request."""

    _ended_by_header = False

    def build_response_header(self) -> bytes:
        # waitress closes such an answer inside build_response_header, by
        # calling set_close_on_finish for want of a Content-Length; only that
        # call is declined. A client's `Connection: close`, HTTP/1.0 and any
        # close decided before or after still close.
        # (types-waitress gives Task.request as an Error; here it is the parsed request.)
        connection = self.request.headers.get("CONNECTION", "")  # type: ignore[attr-defined]
        self._ended_by_header = (
            self.version == "1.1"
            and self.status.startswith(_ENDED_BY_HEADER)
            and not self.close_on_finish
            and connection.lower() != "close"
        )
        try:
            return super().build_response_header()
        finally:
            self._ended_by_header = False

    def set_close_on_finish(self) -> None:
        if not self._ended_by_header:
            super().set_close_on_finish()


class KeepAliveChannel(HTTPChannel):
    task_class = KeepAliveTask


def keep_alive_after_304(servers: MutableMapping[Any, Any]) -> None:
    """Give each listening server of waitress's map (create_server's `map=`)
    the channel above; connections it accepts from then on use it."""
    for dispatcher in servers.values():
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = KeepAliveChannel
