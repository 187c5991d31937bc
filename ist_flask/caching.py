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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from flask import Flask, current_app, g, request
from flask import Response as FlaskResponse
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.wrappers import Request, Response

from .content import PUBLISHED
from .extensions import db
from .i18n import select_locale
from .models import SiteState, Statement
from .negotiation import representation
from .page_cache import (
    MAX_KEY_LENGTH,
    Key,
    PageCache,
    StoredResponse,
    VersionKey,
    compressible,
    key_size,
)

# Blueprints whose GET answers depend only on URL, language and content.
CACHED_BLUEPRINTS = {"site", "feeds", "discovery"}
# Public answers kept out of this cache: images are large, and every proxy
# and browser keeps them for a year by themselves (pictures.py).
UNCACHED_PUBLIC_BLUEPRINTS = {"images"}

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
        key = self.fresh()
        if key is not None:
            return key
        key = read_content_version()
        with self._lock:
            self._key, self._read_at = key, time.monotonic()
        return key

    def forget(self) -> None:
        """Read the version again at the next request: this process changed it."""
        with self._lock:
            self._key = None

    def fresh(self) -> VersionKey | None:
        """The version if this process may still trust it, without reading it:
        for answers given before Flask dispatches (cache_front.py)."""
        with self._lock:
            key, read_at = self._key, self._read_at
        if key is None or time.monotonic() - read_at >= self.max_age:
            return None
        next_publication = key[1]
        if next_publication is not None and datetime.now(UTC) >= next_publication:
            return None
        return key


@dataclass(frozen=True)
class Route:
    """What a kept page's address needs for its cache key, learnt when it was
    rendered: the query parameters its view reads, and its interface language
    (None: negotiated from Accept-Language)."""

    query_parameters: frozenset[str]
    language: str | None


# Kept page addresses whose route is remembered; past this the memory starts over.
MAX_ROUTES = 100_000


@dataclass
class Caches:
    version: ContentVersion
    pages: PageCache
    # By path: the routes of pages that were rendered and kept.
    routes: dict[str, Route] = field(default_factory=dict)

    def learn_route(self, path: str, route: Route) -> None:
        if len(self.routes) >= MAX_ROUTES:
            self.routes.clear()
        self.routes[path] = route


def _caches() -> Caches:
    return cast(Caches, current_app.extensions["ist_caches"])


def content_changed() -> None:
    """Call after this process changed statements: its own next request sees
    the change at once (other processes within CONTENT_VERSION_MAX_AGE)."""
    _caches().version.forget()


def _cacheable() -> bool:
    return request.method in ("GET", "HEAD") and request.blueprint in CACHED_BLUEPRINTS


def query_key(
    args: MultiDict[str, str], names: frozenset[str]
) -> tuple[list[tuple[str, str]], str]:
    """The query parameters among ``names``, and the query part of a cache key:
    the one rule for Flask's path here and cache_front.py's."""
    kept = [(name, value) for name, value in args.items(multi=True) if name in names]
    return kept, urlencode(kept)


def page_key(asked: Request, query: str, language: str) -> Key:
    """A kept page's key: the one rule for Flask's path here and
    cache_front.py's. The host is in it because without IST_SITE_URL absolute
    URLs follow it; the representation because a statement's address also
    answers ActivityPub JSON (negotiation.py)."""
    return (
        asked.scheme,
        asked.host,
        asked.path,
        query,
        language,
        representation(asked.headers.get("Accept")),
    )


def _read_query() -> str:
    """Keep only the query parameters the page declared (reads_query), and
    give them back as the query part of its cache key."""
    view = current_app.view_functions.get(request.endpoint or "")
    names: frozenset[str] = getattr(view, "query_parameters", frozenset())
    kept, query = query_key(request.args, names)
    request.args = ImmutableMultiDict(kept)
    g.page_query_parameters = names
    return query


def _serve_from_cache() -> Response | None:
    if not _cacheable():
        return None
    caches = _caches()
    query = _read_query()
    version = caches.version.current()
    key = page_key(request, query, select_locale())
    if caches.pages.max_bytes <= 0 or key_size(key) > MAX_KEY_LENGTH:
        return None
    g.page_cache_entry = (key, version)
    stored = caches.pages.answer(key, version, request.environ)
    if stored is None:
        return None
    g.page_cache_hit = True
    return stored.response(request.environ)


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
    if compressible(response.content_type or "", response.calculate_content_length() or 0):
        # Kept answers of this kind are given gzipped to the clients that
        # ask (page_cache.py): a proxy must keep the two apart.
        response.vary.add("Accept-Encoding")
    stored = StoredResponse.of(response)
    entry = g.get("page_cache_entry")
    if entry is not None:
        key, version = entry
        caches = _caches()
        if stored.wants_gzip(request.environ):
            stored = stored.with_gzip()
        caches.pages.put(key, version, stored)
        language = None if g.get("language_negotiated") else key[4]
        caches.learn_route(request.path, Route(g.page_query_parameters, language))
    # Conditional answers are made as answers from the cache are: the same bytes.
    return stored.response(request.environ)


class PublicSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, left alone on public pages and feeds.

    Flask-Login looks at the session after every request (for its remember-me
    cookie), and Flask then adds "Vary: Cookie", which would split nginx's or
    a CDN's cache in two for every signed-in maintainer, and refreshes the
    cookie. Public answers are the same with or without one (this process's
    cache ignores it too), so for them nothing is saved and nothing varies.
    """

    def save_session(self, app: Flask, session: SessionMixin, response: FlaskResponse) -> None:
        public = _cacheable() or request.blueprint in UNCACHED_PUBLIC_BLUEPRINTS
        if public and not session.modified:
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
