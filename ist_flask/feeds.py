"""Atom and RSS feeds: one pair per language and one for all languages together.

A feed's bytes depend only on its own entries, so its ETag and Last-Modified
stay the same until one of those entries changes, whatever else is edited.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version

from feedgen.entry import FeedEntry
from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from flask import Blueprint, Response, current_app
from flask_babel import force_locale, gettext
from lxml import etree

from . import feed_queries, websub
from .content import clean_text
from .feed_entries import EMPTY_FEED_UPDATED, entry_id, entry_url
from .feed_links import (
    ATOM_TYPE,
    JSON_FEED_TYPE,
    RSS_TYPE,
    GroupFeed,
    feed_title,
    feed_url,
    group_feeds,
    page_feeds,
    page_url,
)
from .i18n import DEFAULT_LANGUAGE, supported_languages
from .json_feed import build_json_feed
from .models import Translation
from .pictures import enclosure
from .urls import absolute_url

bp = Blueprint("feeds", __name__)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The templates' lists of feeds (feed_links.py).
bp.add_app_template_global(group_feeds)
bp.add_app_template_global(page_feeds)


class EntryLanguage(BaseEntryExtension):  # type: ignore[misc]
    """Puts each entry's language and its translations' links into Atom.

    feedgen 1.0 drops rel, type and hreflang from entry links (its issue #135)
    and has no xml:lang for entries, so both are written here. The entry's
    own page is its only rel="alternate"; its translations are rel="related"
    with their hreflang: readers open an entry's last alternate link, which
    sent the English entry to the Spanish page.
    """

    def __init__(self) -> None:
        self.language = ""
        self.translations: list[tuple[str, str]] = []
        # The lead image: (URL, length, media type), written as an enclosure
        # link here, where feedgen would lose its rel (RSS has its own).
        self.enclosure: tuple[str, int, str] | None = None

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        entry.set(XML_LANG, self.language)
        for link in entry.findall("link"):
            link.set("rel", "alternate")
            link.set("type", "text/html")
            link.set("hreflang", self.language)
        for language, href in self.translations:
            etree.SubElement(
                entry, "link", rel="related", type="text/html", hreflang=language, href=href
            )
        if self.enclosure is not None:
            url, length, media_type = self.enclosure
            etree.SubElement(
                entry, "link", rel="enclosure", type=media_type, length=str(length), href=url
            )
        return entry


def build_feed(
    lang: str | None,
    kind: str,
    clean: Callable[[str], str] = str,
    group: GroupFeed | None = None,
) -> FeedGenerator:
    """The feed for ``lang`` (None: all languages), or ``group``'s in ``lang``;
    ``kind`` is "atom" or "rss".

    ``clean`` is applied to every entry's text: see feed_bytes. Atom says its
    title and summary are text; RSS readers take both as HTML, so there the
    plain text is escaped once more, or a title "<b>sum</b>" would lose its
    words and a text that shows "<img onerror=…>" would become one.
    """
    languages = supported_languages()
    within = group.within if group is not None else None
    entries = feed_queries.feed_entries(lang, languages, current_app.config["FEED_SIZE"], within)
    organisation = current_app.config["ORGANISATION_NAME"]
    feed = FeedGenerator()
    signed = any(t.statement.organisations for t in entries)
    if (lang is None or signed) and kind == "rss":
        # dc:language of each entry; dc:creator of each signatory (RSS's own
        # <author> must be an e-mail address).
        feed.load_extension("dc", atom=False, rss=True)
    self_url = feed_url(kind, lang, group)
    feed.title(feed_title(lang, group))
    with force_locale(lang or DEFAULT_LANGUAGE):
        feed.subtitle(gettext("Socialism From Below"))
    feed.id(self_url)
    # In RSS the last link wins, so the self link goes first and the page last.
    feed.link(href=self_url, rel="self", type=ATOM_TYPE if kind == "atom" else RSS_TYPE)
    websub.advertise(feed, kind)
    feed.link(href=page_url(lang, group), rel="alternate", type="text/html")
    if lang:
        feed.language(lang)
    feed.author(name=organisation)
    feed.generator("ist_flask", _version())
    feed.icon(absolute_url("static", filename="icon.svg"))
    feed.updated(max((t.updated_at for t in entries), default=EMPTY_FEED_UPDATED))

    for translation in entries:
        text = clean if kind == "atom" else (lambda words: html.escape(clean(words), quote=False))
        entry = feed.add_entry(order="append")
        _add_entry(entry, translation, lang, organisation, clean, text)
        image = translation.statement.lead_image
        if image is not None:
            url, length, media_type = enclosure(image)
            if kind == "atom":
                entry.ist.enclosure = (url, length, media_type)
            else:
                entry.enclosure(url, str(length), media_type)
    return feed


def feed_bytes(
    lang: str | None, kind: str, group: GroupFeed | None = None
) -> tuple[bytes, datetime]:
    """The Atom or RSS document of a feed, and its updated time.

    Text is cleaned of control characters on its way in, but a row written
    before that (or by hand in SQL) would make lxml refuse the whole feed:
    then the feed is built again with its text cleaned, a cost paid only then.
    """
    for clean in (str, clean_text):
        feed = build_feed(lang, kind, clean, group)
        try:
            body = feed.atom_str(pretty=True) if kind == "atom" else feed.rss_str(pretty=True)
        except ValueError:
            continue
        return body, feed.updated()
    raise AssertionError("clean_text leaves only what XML accepts")


def _add_entry(
    entry: FeedEntry,
    translation: Translation,
    lang: str | None,
    organisation: str,
    clean: Callable[[str], str],
    text: Callable[[str], str],
) -> None:
    """``clean`` prepares HTML (the body), ``text`` plain text (title, summary)."""
    entry.register_extension("ist", EntryLanguage, atom=True, rss=False)
    entry.ist.language = translation.language
    if lang is None:
        siblings = [
            t
            for t in translation.statement.translations_in(supported_languages())
            if t.language != translation.language
        ]
        entry.ist.translations = [(t.language, entry_url(t)) for t in siblings]
        if hasattr(entry, "dc"):
            entry.dc.dc_language(translation.language)
    entry.id(entry_id(translation))
    entry.title(text(translation.title))
    entry.link(href=entry_url(translation))
    entry.published(translation.statement.published_at)
    entry.updated(translation.updated_at)
    entry.author(name=organisation)
    for signatory in translation.statement.organisations:
        # Atom's contributors; RSS's dc:creator (feedgen writes no RSS contributor).
        name = text(signatory.name_in(translation.language))
        if signatory.web_address:
            entry.contributor(name=name, uri=signatory.web_address)
        else:
            entry.contributor(name=name)
        if hasattr(entry, "dc"):
            entry.dc.dc_creator(name, replace=False)
    entry.summary(text(translation.excerpt))
    entry.content(clean(translation.body), type="html")


@cache  # reading it parses the package's metadata file: once a process, not per feed
def _version() -> str:
    try:
        return version("ist_flask")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0"


def feed_response(body: bytes, updated: datetime, media_type: str) -> Response:
    """A feed with validators derived from its own bytes and entries only."""
    response = Response(body, content_type=f"{media_type}; charset=utf-8")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.last_modified = updated
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["FEED_MAX_AGE"]
    # caching.py answers If-None-Match and If-Modified-Since for every page and feed.
    return response


@bp.get("/feed.atom", defaults={"lang": None})
@bp.get("/<lang:lang>/feed.atom")
def atom(lang: str | None) -> Response:
    return feed_response(*feed_bytes(lang, "atom"), ATOM_TYPE)


@bp.get("/feed.rss", defaults={"lang": None})
@bp.get("/<lang:lang>/feed.rss")
def rss(lang: str | None) -> Response:
    return feed_response(*feed_bytes(lang, "rss"), RSS_TYPE)


@bp.get("/feed.json", defaults={"lang": None})
@bp.get("/<lang:lang>/feed.json")
def json_feed(lang: str | None) -> Response:
    return feed_response(*build_json_feed(lang), JSON_FEED_TYPE)
