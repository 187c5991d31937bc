"""How crawlers find the statements: /sitemap.xml with hreflang alternates, and /robots.txt.

Front pages, about pages, topics' and organisations' pages come first, then
every statement page.

Past SITEMAP_MAX_URLS addresses (5,000 by default) /sitemap.xml becomes a
sitemap index of /sitemap-1.xml, /sitemap-2.xml and so on. Each file reads
only its own rows and stays small enough for the page cache to keep, so a
crawler (or anyone) asking again and again costs next to nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Response, abort, current_app

from . import group_queries, sitemap_queries
from .i18n import supported_languages
from .urls import absolute_url, statement_url

bp = Blueprint("discovery", __name__)

# The most parts an index can list (the protocol allows 50,000 files of 50,000).
MAX_SITEMAP_PART = 50_000
SITEMAP_NAMESPACES = (
    'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml"'
)


@dataclass
class SitemapURL:
    loc: str
    lastmod: datetime | None = None
    alternates: list[tuple[str, str]] = field(default_factory=list)

    def xml(self) -> str:
        parts = [f"<url><loc>{escape(self.loc)}</loc>"]
        if self.lastmod is not None:
            parts.append(f"<lastmod>{self.lastmod.isoformat()}</lastmod>")
        parts += [
            f'<xhtml:link rel="alternate" hreflang={quoteattr(code)} href={quoteattr(href)}/>'
            for code, href in self.alternates
        ]
        parts.append("</url>")
        return "".join(parts)


def _fixed_pages() -> list[SitemapURL]:
    """Every language's front page and about page, with their alternates,
    then every topic's and organisation's page in every language."""
    languages = supported_languages()
    newest = sitemap_queries.newest_update_by_language()
    urls = []
    for endpoint in ("site.index", "site.about"):
        alternates = [(code, absolute_url(endpoint, lang=code)) for code in languages]
        alternates.append(("x-default", absolute_url(endpoint, lang=None)))
        for code in languages:
            lastmod = newest.get(code) if endpoint == "site.index" else None
            urls.append(SitemapURL(absolute_url(endpoint, lang=code), lastmod, alternates))
    groups: list[tuple[str, list[Any]]] = [
        ("site.topic", list(group_queries.all_topics())),
        ("site.organisation", list(group_queries.all_organisations())),
    ]
    for endpoint, found in groups:
        for group in found:
            pages = [
                (code, absolute_url(endpoint, lang=code, slug=group.slug_in(code)))
                for code in languages
            ]
            urls += [SitemapURL(url, None, pages) for _code, url in pages]
    return urls


def _fixed_count() -> int:
    """How many addresses come before the statements' pages."""
    return (2 + group_queries.count_groups()) * len(supported_languages())


def _statement_url(language: str, slug: str) -> str:
    return statement_url(language, slug)


def _statement_pages(offset: int, limit: int) -> list[SitemapURL]:
    """The statement pages from position ``offset``, each with its translations."""
    rows = sitemap_queries.sitemap_rows(offset, limit)
    alternates = {
        statement_id: [(language, _statement_url(language, slug)) for language, slug in found]
        for statement_id, found in sitemap_queries.sitemap_alternates(
            {row[0] for row in rows}
        ).items()
    }
    return [
        SitemapURL(_statement_url(language, slug), updated, alternates.get(statement_id, []))
        for statement_id, language, slug, updated in rows
    ]


def _part(number: int, size: int) -> list[SitemapURL]:
    """Addresses ((number - 1) * size) up to (number * size) in the sitemap's
    order: the front and about pages first, then every statement page. Only
    the rows of this part are read, so a part costs the same whatever the site's size."""
    start = (number - 1) * size
    fixed_count = _fixed_count()
    urls = _fixed_pages()[start : start + size] if start < fixed_count else []
    wanted = size - len(urls)
    if wanted > 0:
        urls += _statement_pages(max(0, start - fixed_count), wanted)
    return urls


def _xml(body: str) -> Response:
    response = Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n",
        content_type="application/xml; charset=utf-8",
    )
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["FEED_MAX_AGE"]
    return response


def _urlset(urls: list[SitemapURL]) -> Response:
    return _xml(
        f"<urlset {SITEMAP_NAMESPACES}>\n" + "\n".join(u.xml() for u in urls) + "\n</urlset>"
    )


def _parts() -> int:
    """How many files the sitemap takes: 1 while it fits in one."""
    total = _fixed_count() + sitemap_queries.count_sitemap_translations()
    return math.ceil(total / int(current_app.config["SITEMAP_MAX_URLS"]))


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    parts = _parts()
    if parts <= 1:
        return _urlset(_part(1, current_app.config["SITEMAP_MAX_URLS"]))
    entries = "\n".join(
        f"<sitemap><loc>{escape(absolute_url('discovery.sitemap_part', number=n))}</loc></sitemap>"
        for n in range(1, parts + 1)
    )
    return _xml(
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}\n</sitemapindex>'
    )


@bp.get(f"/sitemap-<int(min=1, max={MAX_SITEMAP_PART}):number>.xml")
def sitemap_part(number: int) -> Response:
    parts = _parts()
    if parts <= 1 or number > parts:
        abort(404)
    return _urlset(_part(number, current_app.config["SITEMAP_MAX_URLS"]))


@bp.get("/robots.txt")
def robots() -> Response:
    # Previews are unpublished statements (preview_pages.py): never crawled.
    text = (
        "User-agent: *\nDisallow: /admin/\nDisallow: /preview/\n"
        f"Sitemap: {absolute_url('discovery.sitemap')}\n"
    )
    response = Response(text, content_type="text/plain; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["FEED_MAX_AGE"]
    return response
