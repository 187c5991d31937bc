"""JSON Feed 1.1: the same entries, ids and languages as the Atom feed, as
JSON. Its own module because it shares only the entries' ids and links with
Atom and RSS (feed_entries.py), not feedgen or its XML; feeds.py and
group_feeds.py serve it.
"""

from __future__ import annotations

import json
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, gettext

from . import feed_queries, websub
from .feed_entries import EMPTY_FEED_UPDATED, entry_id, entry_url
from .feed_links import GroupFeed, feed_title, feed_url, page_url
from .i18n import DEFAULT_LANGUAGE, supported_languages
from .models import Translation
from .pictures import enclosure
from .urls import absolute_url


def _signatory_authors(translation: Translation) -> list[dict[str, str]]:
    """JSON Feed authors for a statement's signatories, after the site's own."""
    authors = []
    for signatory in translation.statement.organisations:
        author = {"name": signatory.name_in(translation.language)}
        if signatory.web_address:
            author["url"] = signatory.web_address
        authors.append(author)
    return authors


def build_json_feed(lang: str | None, group: GroupFeed | None = None) -> tuple[bytes, datetime]:
    """JSON Feed 1.1 with the same entries, ids and languages as the Atom feed."""
    within = group.within if group is not None else None
    entries = feed_queries.feed_entries(
        lang, supported_languages(), current_app.config["FEED_SIZE"], within
    )
    author = {"name": current_app.config["ORGANISATION_NAME"]}
    title = feed_title(lang, group)
    with force_locale(lang or DEFAULT_LANGUAGE):
        description = gettext("Socialism From Below")
    document: dict[str, object] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": title,
        "description": description,
        "home_page_url": page_url(lang, group),
        "feed_url": feed_url("json_feed", lang, group),
        # Square, 512 px, as JSON Feed asks (the share card is not square).
        "icon": absolute_url("static", filename="icon-512.png"),
        "favicon": absolute_url("static", filename="icon.svg"),
        "authors": [author],
    }
    if hubs := websub.json_hubs():
        document["hubs"] = hubs
    if lang:
        document["language"] = lang
    document["items"] = [
        {
            "id": entry_id(t),
            "url": entry_url(t),
            "title": t.title,
            "summary": t.excerpt,
            "content_html": t.body,
            "date_published": t.statement.published_at.isoformat(),
            "date_modified": t.updated_at.isoformat(),
            "language": t.language,
            "authors": [author, *_signatory_authors(t)],
            **({"image": enclosure(image)[0]} if (image := t.statement.lead_image) else {}),
        }
        for t in entries
    ]
    updated = max((t.updated_at for t in entries), default=EMPTY_FEED_UPDATED)
    body = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return body, updated
