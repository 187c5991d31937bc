"""Answers from the page cache before Flask dispatches at all.

A kept page needs no template, no query and no locale, yet going through
Flask costs its routing, its request hooks and its response object, about
twice a bare Flask route. This thin WSGI layer answers such requests itself:
it finds the page's key as caching.py does (the route it learnt when the page
was rendered gives the query parameters the page reads and its interface
language, or says to negotiate it), checks the content version this process
trusts, and gives back the kept answer, 304 included, with the very bytes and
headers Flask would. Whatever it cannot answer so — any other method, a path
not rendered yet, a stale version, an outage — goes to Flask unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any

from flask import Flask
from werkzeug.wrappers import Request

from .caching import Caches, page_key, query_key
from .i18n import negotiated_language
from .outage import Outage
from .page_cache import MAX_KEY_LENGTH, key_size

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# Bodies larger than this are handed to the server as a file
# (wsgi.file_wrapper). waitress copies a larger plain body into a buffer and,
# after each partial send, copies what is left again; a file it reads in
# place. A 157 KB feed went from about 1,900 to 2,350 answers a second; at
# and below this size (waitress's STRBUF_LIMIT, which it keeps as a string)
# the two cost the same.
FILE_FROM_BYTES = 8192


class CacheFront:
    """Wraps Flask's WSGI app; answers kept pages, passes on the rest."""

    def __init__(self, app: WSGIApp, flask_app: Flask) -> None:
        self.app = app
        self.caches: Caches = flask_app.extensions["ist_caches"]
        self.outage: Outage = flask_app.extensions["ist_outage"]
        self.languages: list[str] = list(flask_app.config["LANGUAGES"])

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        answer = self._kept_answer(environ)
        if answer is None:
            return self.app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if file_wrapper is not None and len(body) > FILE_FROM_BYTES:
            return file_wrapper(BytesIO(body))  # type: ignore[no-any-return]
        return [body]

    def _kept_answer(
        self, environ: dict[str, Any]
    ) -> tuple[str, list[tuple[str, str]], bytes] | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        request = Request(environ)
        route = self.caches.routes.get(request.path)
        if route is None or self.outage.ongoing():
            return None
        version = self.caches.version.fresh()
        if version is None:
            return None  # Flask reads the version from the database
        _kept, query = query_key(request.args, route.query_parameters)
        language = route.language or negotiated_language(request.accept_languages, self.languages)
        key = page_key(request, query, language)
        if key_size(key) > MAX_KEY_LENGTH:
            return None
        stored = self.caches.pages.answer(key, version, environ)
        if stored is None:
            return None
        return stored.wsgi_answer(environ)
