"""The per-process store of rendered pages and feeds, and how a kept answer
is given back: whole, or as a 304 when the client's copy is current.

No Flask here: caching.py fills the store from Flask, and cache_front.py
answers from it before Flask dispatches at all.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from werkzeug.http import (
    is_resource_modified,
    parse_accept_header,
    quote_etag,
    remove_entity_headers,
)
from werkzeug.wrappers import Response

# The longest address (scheme, host, path and the query a page reads) whose
# answer is kept: anything longer is served but never stored, so that no
# client can fill the cache with keys.
MAX_KEY_LENGTH = 1024
# Bytes of Python objects around each stored answer (the entry, its tuples and
# strings, the dictionary slot), counted with its body, headers and key so that
# PAGE_CACHE_BYTES bounds real memory. Measured with tracemalloc: about 1.3 KB
# for an answer with the site's eleven headers (tests/test_page_cache.py).
ENTRY_OVERHEAD = 1536

Key = tuple[str, ...]
# The content version and the next scheduled publication (caching.py).
VersionKey = tuple[int, datetime | None]
WSGIAnswer = tuple[str, list[tuple[str, str]], bytes]

# Kept text answers are also kept gzipped, for the clients that ask (browsers
# and feed readers do): a feed of twenty statements weighs a sixth as much,
# and it is compressed once per content version, not once per request.
# Level 4: within a few per cent of level 6's size, in a third of its time
# (a 160 KB feed: about 1 ms), which the first reader after a change waits.
GZIP_LEVEL = 4
# Below this, gzip's header and the Vary it needs outweigh what it saves.
GZIP_FROM_BYTES = 1024
_TEXT_TYPES = ("application/xml", "application/json", "application/javascript")
GZIP_ETAG_SUFFIX = "-gzip"


def compressible(content_type: str, size: int) -> bool:
    """Whether an answer of this type and size is worth keeping gzipped too."""
    mimetype = content_type.split(";", 1)[0].strip().lower()
    textual = (
        mimetype.startswith("text/")
        or mimetype in _TEXT_TYPES
        or mimetype.endswith(("+xml", "+json"))
    )
    return textual and size >= GZIP_FROM_BYTES


def accepts_gzip(environ: dict[str, Any]) -> bool:
    """Whether the client takes gzip (named, and not with q=0)."""
    value = environ.get("HTTP_ACCEPT_ENCODING", "")
    if "gzip" not in value:
        return False  # "*" alone: identity is as welcome, and costs nothing
    if ";" not in value:
        return True
    return parse_accept_header(value)["gzip"] > 0


def key_size(key: Key) -> int:
    return sum(len(part) for part in key)


@dataclass(frozen=True)
class StoredResponse:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: datetime | None
    # Whether this answer may be given gzipped (compressible), and once
    # asked for, its gzipped body and that variant's headers.
    compressible: bool = False
    gzip_body: bytes | None = None
    gzip_headers: tuple[tuple[str, str], ...] = ()

    @property
    def size(self) -> int:
        """Bytes this answer holds in memory, objects included."""
        headers = sum(len(name) + len(value) for name, value in (*self.headers, *self.gzip_headers))
        gzipped = len(self.gzip_body) if self.gzip_body is not None else 0
        return len(self.body) + gzipped + headers + len(self.etag) + ENTRY_OVERHEAD

    def wants_gzip(self, environ: dict[str, Any]) -> bool:
        """Whether ``environ`` should get this answer gzipped but it is not
        compressed yet (with_gzip)."""
        return self.compressible and self.gzip_body is None and accepts_gzip(environ)

    def with_gzip(self) -> StoredResponse:
        """This answer with its gzipped variant: the same headers but for its
        length and encoding, and an ETag of its own (a strong ETag names one
        representation's bytes, so a cache never mixes the two up)."""
        body = gzip.compress(self.body, GZIP_LEVEL, mtime=0)
        etag = self.etag + GZIP_ETAG_SUFFIX
        headers: list[tuple[str, str]] = []
        for name, value in self.headers:
            lowered = name.lower()
            if lowered == "content-length":
                value = str(len(body))
            elif lowered == "etag":
                value = quote_etag(etag)
            headers.append((name, value))
        headers.append(("Content-Encoding", "gzip"))
        return replace(self, gzip_body=body, gzip_headers=tuple(headers))

    @classmethod
    def of(cls, response: Response) -> StoredResponse:
        body = response.get_data()
        return cls(
            body=body,
            headers=tuple(response.headers.items()),
            etag=response.get_etag()[0] or "",
            last_modified=response.last_modified,
            compressible=compressible(response.content_type or "", len(body)),
        )

    def wsgi_answer(self, environ: dict[str, Any]) -> WSGIAnswer:
        """Status, headers and body for ``environ``: a bodiless 304 when the
        client's copy is current (werkzeug decides, as make_conditional
        would), no body for HEAD, else the whole answer.

        Every answer the cache has anything to do with is made here, whether
        rendered just now or kept, so they are the same bytes either way. The
        gzipped variant goes to clients that take gzip, once it is made.
        """
        body, headers, etag = self.body, self.headers, self.etag
        if self.gzip_body is not None and accepts_gzip(environ):
            body, headers, etag = self.gzip_body, self.gzip_headers, etag + GZIP_ETAG_SUFFIX
        if not is_resource_modified(environ, etag, last_modified=self.last_modified):
            # What werkzeug sends of a 304: every header but the body's own.
            kept = list(headers)
            remove_entity_headers(kept)
            return "304 NOT MODIFIED", kept, b""
        body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else body
        return "200 OK", list(headers), body

    def response(self, environ: dict[str, Any]) -> Response:
        """wsgi_answer as a werkzeug Response, for Flask."""
        status, headers, body = self.wsgi_answer(environ)
        return Response(body, status=status, headers=headers)


class PageCache:
    """Rendered responses of one content version, least recently used first out.

    Its size counts every byte an entry holds (body, headers, key and the
    objects around them), so ``max_bytes`` bounds the memory it takes.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[Key, StoredResponse] = OrderedDict()
        self._size = 0
        self._version: VersionKey | None = None

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held now, never more than ``max_bytes``."""
        return self._size

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def get(self, key: Key, version: VersionKey) -> StoredResponse | None:
        with self._lock:
            if version != self._version:
                return None
            stored = self._entries.get(key)
            if stored is not None:
                self._entries.move_to_end(key)
            return stored

    def answer(
        self, key: Key, version: VersionKey, environ: dict[str, Any]
    ) -> StoredResponse | None:
        """The kept answer for ``environ``: gzipped (and kept so) the first
        time a client that takes gzip asks for it."""
        stored = self.get(key, version)
        if stored is not None and stored.wants_gzip(environ):
            # Two threads may both compress it: the same bytes, kept once.
            stored = stored.with_gzip()
            self.put(key, version, stored)
        return stored

    def put(self, key: Key, version: VersionKey, stored: StoredResponse) -> None:
        size = stored.size + key_size(key)
        # One answer may take a quarter of the cache, so a few large feeds or
        # sitemaps never push out everything else.
        if size > self.max_bytes // 4:
            return
        with self._lock:
            if version != self._version:
                # A new version: everything rendered before may be stale.
                self._entries.clear()
                self._size = 0
                self._version = version
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= old.size + key_size(key)
            self._entries[key] = stored
            self._size += size
            while self._size > self.max_bytes:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._size -= dropped.size + key_size(dropped_key)
