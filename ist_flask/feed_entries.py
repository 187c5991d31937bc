"""What every feed format says the same way of an entry: its id, which
survives edits, and its link; and the updated time of a feed with no entries.
Its own module because the Atom and RSS builder (feeds.py) and the JSON Feed
builder (json_feed.py) must agree on them, so that a reader moving from one
format to another sees the same entries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import current_app, request

from .models import Translation
from .urls import statement_url

# The updated time of a feed with no entries: fixed, so its bytes stay stable.
EMPTY_FEED_UPDATED = datetime(2000, 1, 1, tzinfo=UTC)


def _tag_authority() -> str:
    # Entry ids are tag: URIs (RFC 4151), whose authority is a bare host name.
    base = current_app.config.get("SITE_URL")
    return (urlsplit(base).hostname if base else None) or request.host.split(":")[0]


def entry_id(translation: Translation) -> str:
    """An id that survives edits of title and slug: statement id, language and date."""
    day = translation.statement.published_at.date().isoformat()
    return (
        f"tag:{_tag_authority()},{day}:statement/{translation.statement_id}/{translation.language}"
    )


def entry_url(translation: Translation) -> str:
    """An entry's link: its translation's page."""
    return statement_url(translation.language, translation.slug)
