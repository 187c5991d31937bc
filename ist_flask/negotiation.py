"""Which representation of a page a request asks for: HTML, or the
ActivityPub JSON a fediverse server asks for with its Accept header.

The one rule, for the statement view and for both page-cache lookups
(caching.py, cache_front.py), so that a JSON answer is never given to a
browser from the cache, nor HTML to a server.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

HTML = "html"
ACTIVITY = "activity"
ACTIVITY_TYPES = ("application/activity+json", "application/ld+json")


def representation(accept: str | None) -> str:
    """ACTIVITY when the Accept header ``accept`` prefers an ActivityPub type
    to HTML, else HTML (no Accept, or */*, is a browser's HTML)."""
    if not accept or "json" not in accept:
        return HTML  # every browser: decided without parsing, on every kept page
    # Servers may ask for application/ld+json; profile="…activitystreams",
    # which werkzeug matches with nothing: compare the media types alone.
    parsed = parse_accept_header(accept, MIMEAccept)
    plain = MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in parsed])
    best = plain.best_match(["text/html", *ACTIVITY_TYPES])
    return ACTIVITY if best in ACTIVITY_TYPES else HTML
