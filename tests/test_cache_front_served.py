"""The front's answers through the real server (waitress): a kept page,
large ones handed over as a file (cache_front.FILE_FROM_BYTES), has the bytes
and headers of the first answer Flask rendered, and the connection stays
usable after it, a HEAD and a 304 alike."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
from pages import CACHED

from ist_flask.cache_front import FILE_FROM_BYTES

pytestmark = pytest.mark.slow


def fetch(
    connection: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str]
) -> tuple[int, list[tuple[str, str]], bytes]:
    connection.request(method, path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    kept = sorted((name, value) for name, value in response.getheaders() if name != "Date")
    return response.status, kept, body


@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_kept_answers_equal_rendered_ones_on_one_connection(
    site: str, encoding: str | None
) -> None:
    address = urlsplit(site)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    headers = {"Accept-Encoding": encoding} if encoding else {}
    largest = 0
    try:
        for path in CACHED:
            rendered = fetch(connection, "GET", path, headers)
            assert rendered[0] == 200, path
            kept = fetch(connection, "GET", path, headers)
            assert kept == rendered, path
            largest = max(largest, len(kept[2]))
            status, head_headers, head_body = fetch(connection, "HEAD", path, headers)
            assert (status, head_headers, head_body) == (200, rendered[1], b""), path
            etag = {name.lower(): value for name, value in rendered[1]}["etag"]
            status, _, body = fetch(connection, "GET", path, {**headers, "If-None-Match": etag})
            assert (status, body) == (304, b""), path
    finally:
        connection.close()
    if encoding is None:
        assert largest > FILE_FROM_BYTES, "no page took the file path"
