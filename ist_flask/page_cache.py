"""The per-process store of rendered pages and feeds, and how a kept answer
is given back: whole, or as a 304 when the client's copy is current.

No Flask here: caching.py fills the store from Flask, and cache_front.py
answers from it before Flask dispatches at all.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from werkzeug.http import is_resource_modified, remove_entity_headers
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


def key_size(key: Key) -> int:
    return sum(len(part) for part in key)


@dataclass(frozen=True)
class StoredResponse:
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: datetime | None

    @property
    def size(self) -> int:
        """Bytes this answer holds in memory, objects included."""
        headers = sum(len(name) + len(value) for name, value in self.headers)
        return len(self.body) + headers + len(self.etag) + ENTRY_OVERHEAD

    @classmethod
    def of(cls, response: Response) -> StoredResponse:
        return cls(
            body=response.get_data(),
            headers=tuple(response.headers.items()),
            etag=response.get_etag()[0] or "",
            last_modified=response.last_modified,
        )

    def wsgi_answer(self, environ: dict[str, Any]) -> WSGIAnswer:
        """Status, headers and body for ``environ``: a bodiless 304 when the
        client's copy is current (werkzeug decides, as make_conditional
        would), no body for HEAD, else the whole answer.

        Every answer the cache has anything to do with is made here, whether
        rendered just now or kept, so they are the same bytes either way.
        """
        if not is_resource_modified(environ, self.etag, last_modified=self.last_modified):
            # What werkzeug sends of a 304: every header but the body's own.
            kept = list(self.headers)
            remove_entity_headers(kept)
            return "304 NOT MODIFIED", kept, b""
        body = b"" if environ.get("REQUEST_METHOD") == "HEAD" else self.body
        return "200 OK", list(self.headers), body

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
