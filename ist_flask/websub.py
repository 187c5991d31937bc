"""WebSub (W3C): every feed names the hubs of IST_WEBSUB_HUBS, and when a
translation is published, changed or deleted each hub is told which feeds
changed, so that subscribers hear of it in seconds instead of polling.

A ping is a Delivery of the "websub" channel, one per hub and feed, sent by
the job queue's worker (jobs.py), never by the editor's request.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from urllib.parse import urlencode

from feedgen.ext.base import BaseExtension
from feedgen.feed import FeedGenerator
from flask import current_app
from lxml import etree

from .channel_types import Delivery, Event, Undeliverable
from .extensions import db
from .feed_links import FORMATS, feed_url, group_feed_url
from .models import Statement

ATOM_LINK = "{http://www.w3.org/2005/Atom}link"
# Seconds a hub may take to answer a ping before it is tried again later.
PING_TIMEOUT = 10


def hubs() -> tuple[str, ...]:
    """The configured hubs (config_checks.websub_hubs made them a tuple)."""
    found: tuple[str, ...] = current_app.config["WEBSUB_HUBS"]
    return found


class _RSSHubLinks(BaseExtension):  # type: ignore[misc]
    """atom:link rel="hub" in RSS, after its rel="self" (feedgen writes only
    the self link there)."""

    def __init__(self) -> None:
        self.hubs: tuple[str, ...] = ()

    def extend_ns(self) -> dict[str, str]:
        return {"atom": "http://www.w3.org/2005/Atom"}

    def extend_rss(self, feed: etree._Element) -> etree._Element:
        channel = feed.find("channel")
        assert channel is not None
        self_link = channel.find(ATOM_LINK)
        place = list(channel).index(self_link) + 1 if self_link is not None else len(channel)
        for offset, hub in enumerate(self.hubs):
            link = etree.Element(ATOM_LINK, rel="hub", href=hub)
            channel.insert(place + offset, link)
        return feed


def advertise(feed: FeedGenerator, kind: str) -> None:
    """Name the hubs in an Atom or RSS feed (after its self link, before its
    alternate one: in RSS the last link is the page)."""
    if not hubs():
        return
    if kind == "atom":
        for hub in hubs():
            feed.link(href=hub, rel="hub")
        return
    feed.register_extension("websub", _RSSHubLinks, atom=False, rss=True)
    feed.websub.hubs = hubs()


def json_hubs() -> list[dict[str, str]]:
    """JSON Feed's "hubs"."""
    return [{"type": "WebSub", "url": hub} for hub in hubs()]


def feeds_of(statement_id: int, language: str) -> list[str]:
    """Every feed a translation appears in, in every format: its language's,
    all languages', and its topics' and signatories' in its language. A
    deleted statement's groups are gone with it: then only the first two."""
    scopes: list[tuple[str | None, str | None, str | None]] = [
        (language, None, None),
        (None, None, None),
    ]
    statement = db.session.get(Statement, statement_id)
    if statement is not None:
        scopes += [(language, "topic", t.slug_in(language)) for t in statement.topics]
        scopes += [(language, "organisation", o.slug_in(language)) for o in statement.organisations]
    urls = []
    for lang, kind, slug in scopes:
        for _label, _media_type, endpoint in FORMATS:
            if kind is None or slug is None:
                urls.append(feed_url(endpoint, lang, None))
            else:
                urls.append(group_feed_url(endpoint, lang, kind, slug))
    return urls


class WebSubChannel:
    """Pings each hub for each feed an event changes."""

    name = "websub"

    def __init__(self, hub_urls: tuple[str, ...]) -> None:
        self.hub_urls = hub_urls

    def deliveries(self, event: Event) -> Iterator[Delivery]:
        moment = event.at.isoformat()
        for feed in feeds_of(event.statement_id, event.language):
            for hub in self.hub_urls:
                yield Delivery(
                    key=f"websub:{event.kind}:{event.statement_id}:{event.language}:{moment}:{hub} {feed}",
                    payload={"hub": hub, "feed": feed},
                )

    def deliver(self, delivery: Delivery) -> None:
        """POST hub.mode=publish: 2xx is done, 4xx is refused for good, and
        anything else (5xx, no answer) raises to be tried again."""
        body = urlencode({"hub.mode": "publish", "hub.url": delivery.payload["feed"]})
        request = urllib.request.Request(
            delivery.payload["hub"],
            data=body.encode("ascii"),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=PING_TIMEOUT) as answer:
                status = answer.status
        except urllib.error.HTTPError as error:
            error.close()  # it holds the hub's answer, and its socket
            if 400 <= error.code < 500:
                raise Undeliverable(f"the hub answered {error.code}") from None
            raise
        if not 200 <= status < 300:
            raise RuntimeError(f"the hub answered {status}")
