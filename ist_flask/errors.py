"""Error pages in the site's layout; no traceback ever reaches a visitor."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request, url_for
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import BadHost, HTTPException, InternalServerError
from werkzeug.wrappers import Response

from . import outage
from .extensions import db
from .i18n import is_supported, supported_languages
from .outage import DatabaseUnavailable


def _render(error: HTTPException) -> tuple[str, int, dict[str, str]] | Response:
    if isinstance(error, BadHost):
        # No URL can be built for a host that cannot even be encoded, so the
        # page (whose links are all built) cannot be either: plain text.
        return Response("Bad host name\n", 400, mimetype="text/plain")
    language = (request.view_args or {}).get("lang")
    lang = language if isinstance(language, str) and is_supported(language) else None
    page = render_template(
        "error.html",
        error=error,
        # An error that says more than its code (a translatable `explanation`).
        explanation=getattr(error, "explanation", None),
        lang=lang,
        language_pages={code: url_for("site.index", lang=code) for code in supported_languages()},
    )
    # Keep what the error itself says to clients: Retry-After, Allow.
    kept = {name: value for name, value in error.get_headers() if name in ("Retry-After", "Allow")}
    return page, error.code or 500, kept


def _unexpected_error(error: Exception) -> tuple[str, int, dict[str, str]] | Response:
    # Flask has logged the traceback; the visitor sees only the short page.
    return _render(InternalServerError())


def _database_unavailable(error: Exception) -> Response:
    """The database is away or locked: a short 503 page, and the site recovers by
    itself once it answers again (the engine checks connections before use)."""
    if not isinstance(error, DatabaseUnavailable):
        current_app.logger.warning("database unavailable: %s", error.__class__.__name__)
        outage.record(error)
        db.session.rollback()
    response = current_app.make_response(_render(DatabaseUnavailable()))
    response.cache_control.no_store = True
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(InternalServerError, _unexpected_error)
    app.register_error_handler(DatabaseUnavailable, _database_unavailable)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
