"""Which feeds there are and where: their media types, their addresses and
titles, and the lists of them that pages advertise (autodiscovery links, the
footer, About, a topic's page). feeds.py builds them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import force_locale, gettext
from sqlalchemy import ColumnElement

from .i18n import DEFAULT_LANGUAGE, language_name
from .urls import absolute_url

ATOM_TYPE = "application/atom+xml"
RSS_TYPE = "application/rss+xml"
JSON_FEED_TYPE = "application/feed+json"
# Each format's name, media type and endpoint.
FORMATS = (
    ("Atom", ATOM_TYPE, "atom"),
    ("RSS", RSS_TYPE, "rss"),
    ("JSON Feed", JSON_FEED_TYPE, "json_feed"),
)


@dataclass(frozen=True)
class FeedLink:
    format: str
    media_type: str
    url: str
    title: str


@dataclass(frozen=True)
class GroupFeed:
    """A topic's or a signatory's feeds in one language (groups.py): the
    language's feed, narrowed to the statements meeting ``within``."""

    kind: str
    slug: str
    name: str
    within: ColumnElement[bool]


def feed_url(endpoint: str, lang: str | None, group: GroupFeed | None) -> str:
    """The feed ``endpoint`` ("atom", "rss", "json_feed"), of ``group`` when given."""
    if group is None:
        return absolute_url(f"feeds.{endpoint}", lang=lang)
    return group_feed_url(endpoint, lang, group.kind, group.slug)


def group_feed_url(endpoint: str, lang: str | None, kind: str, slug: str) -> str:
    """The feed ``endpoint`` of the group of ``kind`` at ``slug`` in ``lang``."""
    return absolute_url(f"feeds.{kind}_{endpoint}", lang=lang, slug=slug)


def page_url(lang: str | None, group: GroupFeed | None) -> str:
    if group is None:
        return absolute_url("site.index", lang=lang)
    return absolute_url(f"site.{group.kind}", lang=lang, slug=group.slug)


def feed_title(lang: str | None, group: GroupFeed | None) -> str:
    with force_locale(lang or DEFAULT_LANGUAGE):
        if group is None:
            return str(gettext("International Socialist Tendency: statements"))
        return str(gettext("International Socialist Tendency: %(name)s", name=group.name))


def group_feeds(kind: str, lang: str, slug: str, name: str) -> list[FeedLink]:
    """The feeds a topic's or an organisation's page advertises."""
    return [
        FeedLink(
            label,
            media_type,
            url_for(f"feeds.{kind}_{endpoint}", lang=lang, slug=slug),
            f"{name} ({label})",
        )
        for label, media_type, endpoint in FORMATS
    ]


def page_feeds(lang: str | None) -> list[FeedLink]:
    """The feeds a page in ``lang`` advertises (None: the all-languages feeds)."""
    scope = language_name(lang) if lang else gettext("All languages")
    return [
        FeedLink("Atom", ATOM_TYPE, url_for("feeds.atom", lang=lang), f"{scope} (Atom)"),
        FeedLink("RSS", RSS_TYPE, url_for("feeds.rss", lang=lang), f"{scope} (RSS)"),
        FeedLink(
            "JSON Feed",
            JSON_FEED_TYPE,
            url_for("feeds.json_feed", lang=lang),
            f"{scope} (JSON Feed)",
        ),
    ]
