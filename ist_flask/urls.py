"""Absolute URLs, for feeds, canonical and hreflang links."""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, current_app, request, url_for


def absolute(path: str) -> str:
    """``path`` on this site as a full URL: under IST_SITE_URL when set, else the request's host."""
    base = current_app.config.get("SITE_URL") or request.host_url
    return base.rstrip("/") + path


def absolute_url(endpoint: str, **values: Any) -> str:
    """The full URL of ``endpoint``."""
    return absolute(url_for(endpoint, **values))


def statement_path(language: str, slug: str) -> str:
    """The address of a statement in ``language``: the one rule, for pages,
    feeds, sitemaps, cards and the editor."""
    return url_for("site.statement", lang=language, slug=slug)


def statement_url(language: str, slug: str) -> str:
    """statement_path as a full URL."""
    return absolute(statement_path(language, slug))


def page_number() -> int:
    """The ?page= number; anything but a positive integer is a 404, not an error."""
    raw = request.args.get("page", "1")
    if not raw.isdecimal() or len(raw) > 9 or int(raw) < 1:
        abort(404)
    return int(raw)


def canonical_path() -> str:
    """The current page's path, keeping only the query that names a different page."""
    page = request.args.get("page")
    return f"{request.path}?page={page}" if page and page != "1" else request.path


def init_app(app: Flask) -> None:
    app.add_template_global(absolute)
    app.add_template_global(canonical_path)
    app.add_template_global(statement_path)
