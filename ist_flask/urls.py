"""Absolute URLs, for feeds, canonical and hreflang links."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, abort, current_app, g, request, url_for

from .content import is_valid_slug
from .listings import Cursor
from .models import ID_MAX

_PLACEHOLDER = "slug"


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
    # Built once per language and request, then completed with the slug: a
    # listing asks for dozens, and url_for costs more than the rest of an
    # entry. Slugs are lower-case letters, digits and hyphens (content.
    # is_valid_slug), which a URL carries as they are.
    prefixes: dict[str, str] | None = g.get("statement_prefixes")
    if prefixes is None:
        prefixes = g.statement_prefixes = {}
    prefix = prefixes.get(language)
    if prefix is None:
        prefix = url_for("site.statement", lang=language, slug=_PLACEHOLDER)
        prefix = prefixes[language] = prefix[: -len(_PLACEHOLDER)]
        assert prefix.endswith("/"), "a statement's slug ends its address"
    if not is_valid_slug(slug):
        return url_for("site.statement", lang=language, slug=slug)
    return prefix + slug


def statement_url(language: str, slug: str) -> str:
    """statement_path as a full URL."""
    return absolute(statement_path(language, slug))


def page_number() -> int:
    """The ?page= number; anything but a positive integer is a 404, not an error."""
    raw = request.args.get("page", "1")
    if not raw.isdecimal() or len(raw) > 9 or int(raw) < 1:
        abort(404)
    return int(raw)


# A listing's place in its links (?older=, ?newer=): the statement's time in
# UTC, its id and the entry's language, "20210713T000000Z.12.fr". Readable,
# and whole: a link still leads somewhere after its statement is deleted.
_CURSOR = re.compile(
    r"(\d{8}T\d{6})(?:\.(\d{6}))?Z\.([1-9]\d{0,9})\.([a-z]{2,3}(?:-[a-z0-9]{1,8})*)"
)
LISTING_PLACES = ("older", "newer")


def cursor_value(cursor: Cursor) -> str:
    moment = cursor.published_at.astimezone(UTC)
    fraction = f".{moment.microsecond:06d}" if moment.microsecond else ""
    return f"{moment:%Y%m%dT%H%M%S}{fraction}Z.{cursor.statement_id}.{cursor.language}"


def listing_cursor(name: str) -> Cursor | None:
    """The ?older= or ?newer= place of a listing; anything malformed is a 404."""
    raw = request.args.get(name)
    if raw is None:
        return None
    found = _CURSOR.fullmatch(raw)
    if found is None:
        abort(404)
    stamp, fraction, statement_id, language = found.groups()
    try:
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S").replace(
            microsecond=int(fraction or 0), tzinfo=UTC
        )
    except ValueError:
        abort(404)
    if not (1 <= moment.year <= 9998 and int(statement_id) <= ID_MAX):
        abort(404)
    return Cursor(moment, int(statement_id), language)


def canonical_path() -> str:
    """The current page's path, keeping only the query that names a different page."""
    for name in ("page", *LISTING_PLACES):
        value = request.args.get(name)
        if value and (name, value) != ("page", "1"):
            return f"{request.path}?{urlencode({name: value})}"
    return request.path


def init_app(app: Flask) -> None:
    app.add_template_global(absolute)
    app.add_template_global(canonical_path)
    app.add_template_global(statement_path)
