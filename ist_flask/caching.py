"""HTTP caching for readers' pages and feeds.

Every public page and feed gets a strong ETag, Cache-Control and conditional
answers (304), so nginx or a CDN can cache and revalidate it. Each process also
keeps the rendered responses, keyed by URL, interface language and the content
version. Database triggers raise that version on any change to statements
(migration 0003), and each process reads it at most once per
CONTENT_VERSION_MAX_AGE seconds, or at once when a scheduled statement's time
comes: several processes on one database agree within that time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from flask import Flask, current_app, g, request
from flask import Response as FlaskResponse
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.http import is_resource_modified
from werkzeug.wrappers import Response

from .content import PUBLISHED
from .extensions import db
from .i18n import select_locale
from .models import SiteState, Statement

# Blueprints whose GET answers depend only on URL, language and content.
CACHED_BLUEPRINTS = {"site", "feeds", "discovery"}
# The longest address (scheme, host, path and the query a page reads) whose
# answer is kept: anything longer is served but never stored, so that no
# client can fill the cache with keys.
MAX_KEY_LENGTH = 1024
# Bytes of Python objects around each stored answer (the entry, its tuples and
# strings, the dictionary slot), counted with its body, headers and key so that
# PAGE_CACHE_BYTES bounds real memory. Measured with tracemalloc: about 1.3 KB
# for an answer with the site's eleven headers (tests/test_page_cache.py).
ENTRY_OVERHEAD = 1536

View = TypeVar("View", bound=Callable[..., Any])


def reads_query(*names: str) -> Callable[[View], View]:
    """Declare the query parameters a cached page reads.

    Only these reach the view (request.args holds nothing else) and only these
    are part of its cache key, so that `/robots.txt?n=<anything>` is one entry,
    not one per value. A page that reads none needs no declaration.
    """

    def declare(view: View) -> View:
        view.query_parameters = frozenset(names)  # type: ignore[attr-defined]
        return view

    return declare


VersionKey = tuple[int, datetime | None]


def read_content_version() -> VersionKey:
    """The content version and the next scheduled publication, in one query."""
    now = datetime.now(UTC)
    next_publication = (
        select(func.min(Statement.published_at))
        .where(Statement.status == PUBLISHED, Statement.published_at > now)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(SiteState.content_version, next_publication).where(SiteState.id == 1)
    ).one()
    return int(row[0]), row[1]


class ContentVersion:
    """The content version as this process last read it, re-read when stale."""

    def __init__(self, max_age: float) -> None:
        self.max_age = max_age
        self._lock = threading.Lock()
        self._key: VersionKey | None = None
        self._read_at = 0.0

    def current(self) -> VersionKey:
        with self._lock:
            key, read_at = self._key, self._read_at
        if key is not None and time.monotonic() - read_at < self.max_age:
            next_publication = key[1]
            if next_publication is None or datetime.now(UTC) < next_publication:
                return key
        key = read_content_version()
        with self._lock:
            self._key, self._read_at = key, time.monotonic()
        return key

    def forget(self) -> None:
        """Read the version again at the next request: this process changed it."""
        with self._lock:
            self._key = None


# What a 304 repeats of the full answer (RFC 9110, section 15.4.5).
NOT_MODIFIED_HEADERS = ("ETag", "Last-Modified", "Cache-Control", "Vary", "Expires")


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

    def answer(self) -> Response:
        """The stored response, or a bodiless 304 when the client's copy is current.

        werkzeug decides (is_resource_modified), as make_conditional would,
        without building the whole response first: revalidations are the most
        frequent requests feed readers make.
        """
        if not is_resource_modified(request.environ, self.etag, last_modified=self.last_modified):
            kept = [(name, value) for name, value in self.headers if name in NOT_MODIFIED_HEADERS]
            return Response(status=304, headers=kept)
        return Response(self.body, headers=list(self.headers))


def _key_size(key: tuple[str, ...]) -> int:
    return sum(len(part) for part in key)


class PageCache:
    """Rendered responses of one content version, least recently used first out.

    Its size counts every byte an entry holds (body, headers, key and the
    objects around them), so ``max_bytes`` bounds the memory it takes.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[tuple[str, ...], StoredResponse] = OrderedDict()
        self._size = 0
        self._version: VersionKey | None = None

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held now, never more than ``max_bytes``."""
        return self._size

    def get(self, key: tuple[str, ...], version: VersionKey) -> StoredResponse | None:
        with self._lock:
            if version != self._version:
                return None
            stored = self._entries.get(key)
            if stored is not None:
                self._entries.move_to_end(key)
            return stored

    def put(self, key: tuple[str, ...], version: VersionKey, stored: StoredResponse) -> None:
        size = stored.size + _key_size(key)
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
                self._size -= old.size + _key_size(key)
            self._entries[key] = stored
            self._size += size
            while self._size > self.max_bytes:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._size -= dropped.size + _key_size(dropped_key)


@dataclass
class Caches:
    version: ContentVersion
    pages: PageCache


def _caches() -> Caches:
    return cast(Caches, current_app.extensions["ist_caches"])


def content_changed() -> None:
    """Call after this process changed statements: its own next request sees
    the change at once (other processes within CONTENT_VERSION_MAX_AGE)."""
    _caches().version.forget()


def _cacheable() -> bool:
    return request.method in ("GET", "HEAD") and request.blueprint in CACHED_BLUEPRINTS


def _read_query() -> str:
    """Keep only the query parameters the page declared (reads_query), and
    give them back as the query part of its cache key."""
    view = current_app.view_functions.get(request.endpoint or "")
    names: frozenset[str] = getattr(view, "query_parameters", frozenset())
    kept = [(name, value) for name, value in request.args.items(multi=True) if name in names]
    request.args = ImmutableMultiDict(kept)
    return urlencode(kept)


def _serve_from_cache() -> Response | None:
    if not _cacheable():
        return None
    caches = _caches()
    query = _read_query()
    version = caches.version.current()
    # The host is part of the key: without IST_SITE_URL, absolute URLs follow it.
    key = (request.scheme, request.host, request.path, query, select_locale())
    if caches.pages.max_bytes <= 0 or _key_size(key) > MAX_KEY_LENGTH:
        return None
    g.page_cache_entry = (key, version)
    stored = caches.pages.get(key, version)
    if stored is None:
        return None
    g.page_cache_hit = True
    return stored.answer()


def _validate_and_store(response: Response) -> Response:
    if not _cacheable() or g.get("page_cache_hit") or response.status_code != 200:
        return response
    if response.direct_passthrough:  # static files manage their own validators
        return response
    if not response.get_etag()[0]:
        response.add_etag()
    if not response.cache_control.max_age:
        response.cache_control.public = True
        response.cache_control.max_age = current_app.config["PAGE_MAX_AGE"]
    entry = g.get("page_cache_entry")
    if entry is not None and _caches().pages.max_bytes > 0:
        key, version = entry
        _caches().pages.put(key, version, StoredResponse.of(response))
    return response.make_conditional(request)


class PublicSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, left alone on public pages and feeds.

    Flask-Login looks at the session after every request (for its remember-me
    cookie), and Flask then adds "Vary: Cookie", which would split nginx's or
    a CDN's cache in two for every signed-in maintainer, and refreshes the
    cookie. Public answers are the same with or without one (this process's
    cache ignores it too), so for them nothing is saved and nothing varies.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: FlaskResponse) -> None:
        if _cacheable() and not session.modified:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """The after_request hooks of the other modules run on answers from the
    cache too, so an answer is the same whichever order they were registered
    in (test_page_cache.py compares a kept answer with the rendered one)."""
    app.session_interface = PublicSessionInterface()
    app.extensions["ist_caches"] = Caches(
        ContentVersion(float(app.config["CONTENT_VERSION_MAX_AGE"])),
        PageCache(int(app.config["PAGE_CACHE_BYTES"])),
    )
    app.before_request(_serve_from_cache)
    app.after_request(_validate_and_store)
