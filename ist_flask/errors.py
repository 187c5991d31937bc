"""Error pages in the site's layout; no traceback ever reaches a visitor."""

from __future__ import annotations

from flask import Flask, render_template, request, url_for
from werkzeug.exceptions import HTTPException, InternalServerError

from .i18n import is_supported, supported_languages


def _render(error: HTTPException) -> tuple[str, int]:
    language = (request.view_args or {}).get("lang")
    lang = language if isinstance(language, str) and is_supported(language) else None
    return render_template(
        "error.html",
        error=error,
        lang=lang,
        language_pages={code: url_for("site.index", lang=code) for code in supported_languages()},
    ), error.code or 500


def _unexpected_error(error: Exception) -> tuple[str, int]:
    # Flask has logged the traceback; the visitor sees only the short page.
    return _render(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _render)
    app.register_error_handler(InternalServerError, _unexpected_error)
