"""How crawlers find the statements: /sitemap.xml with hreflang alternates, and /robots.txt.

Past SITEMAP_MAX_URLS addresses (50,000, the protocol's limit) /sitemap.xml
becomes a sitemap index of /sitemap-1.xml, /sitemap-2.xml and so on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from flask import Blueprint, Response, abort, current_app, url_for

from . import queries
from .i18n import supported_languages
from .urls import absolute, absolute_url

bp = Blueprint("discovery", __name__)

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


def sitemap_urls() -> list[SitemapURL]:
    """Every language front page, about page and published statement page."""
    languages = supported_languages()
    rows = queries.sitemap_rows()
    newest: dict[str, datetime] = {}
    for _statement, language, _slug, updated in rows:
        if language not in newest or updated > newest[language]:
            newest[language] = updated

    urls = []
    for endpoint in ("site.index", "site.about"):
        alternates = [(code, absolute_url(endpoint, lang=code)) for code in languages]
        alternates.append(("x-default", absolute_url(endpoint, lang=None)))
        for code in languages:
            lastmod = newest.get(code) if endpoint == "site.index" else None
            urls.append(SitemapURL(absolute_url(endpoint, lang=code), lastmod, alternates))
    for _statement, group in groupby(rows, key=lambda row: row[0]):
        translations = list(group)
        alternates = [
            (language, absolute(url_for("site.statement", lang=language, slug=slug)))
            for _s, language, slug, _u in translations
        ]
        for row, (_code, href) in zip(translations, alternates, strict=True):
            urls.append(SitemapURL(href, row[3], alternates))
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


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    urls = sitemap_urls()
    size = current_app.config["SITEMAP_MAX_URLS"]
    if len(urls) <= size:
        return _urlset(urls)
    parts = math.ceil(len(urls) / size)
    entries = "\n".join(
        f"<sitemap><loc>{escape(absolute_url('discovery.sitemap_part', number=n))}</loc></sitemap>"
        for n in range(1, parts + 1)
    )
    return _xml(
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}\n</sitemapindex>'
    )


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int) -> Response:
    urls = sitemap_urls()
    size = current_app.config["SITEMAP_MAX_URLS"]
    part = urls[(number - 1) * size : number * size]
    if number < 1 or not part or len(urls) <= size:
        abort(404)
    return _urlset(part)


@bp.get("/robots.txt")
def robots() -> Response:
    text = f"User-agent: *\nDisallow: /admin/\nSitemap: {absolute_url('discovery.sitemap')}\n"
    response = Response(text, content_type="text/plain; charset=utf-8")
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["FEED_MAX_AGE"]
    return response
