"""Which representation of a page a request asks for: HTML, or the
ActivityPub JSON a fediverse server asks for with its Accept header.

The one rule, for the statement view and for both page-cache lookups
(caching.py, cache_front.py), so that a JSON answer is never given to a
browser from the cache, nor HTML to a server.
"""

from __future__ import annotations

from werkzeug.datastructures import MIMEAccept

HTML = "html"
ACTIVITY = "activity"
ACTIVITY_TYPES = ("application/activity+json", "application/ld+json")


def representation(accept: MIMEAccept) -> str:
    """ACTIVITY when the client prefers an ActivityPub type to HTML, else HTML
    (no Accept, or */*, is a browser's HTML)."""
    if not any(value.startswith(ACTIVITY_TYPES) for value, _quality in accept):
        return HTML  # the usual case, decided without parsing anything
    # Mastodon asks for application/ld+json; profile="…activitystreams",
    # which werkzeug matches with nothing: compare the media types alone.
    plain = MIMEAccept([(value.split(";", 1)[0].strip(), quality) for value, quality in accept])
    best = plain.best_match(["text/html", *ACTIVITY_TYPES])
    return ACTIVITY if best in ACTIVITY_TYPES else HTML
