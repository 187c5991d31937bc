"""The queries every page runs are built once (queries.CACHED_QUERY), with the
present moment read each time one runs: a statement whose time comes while
the process lives appears, with no query built anew."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from builders import add, statement
from flask import Flask

from ist_flask import feed_queries, listings, statement_queries
from ist_flask.i18n import supported_languages

OURS = {"Already out", "Coming soon"}


def ours(translations) -> list[str]:  # type: ignore[no-untyped-def]
    """Titles of this test's statements (the site also holds the demo's)."""
    return [t.title for t in translations if t.title in OURS]


def test_a_statement_appears_when_its_time_comes_through_queries_built_once(app: Flask) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=2)
    add(
        app,
        statement("2021-07-13T00:00:00Z", {"en": {"title": "Already out"}}),
        statement(soon.isoformat(), {"en": {"title": "Coming soon"}}),
    )
    with app.test_request_context("/en/"):
        languages = supported_languages()
        first = listings._first_page("en", tuple(languages), 21)
        feed = feed_queries._feed_query("en", tuple(languages), 20)
        page, _more = listings.listing_page("en", languages, 20)
        assert ours(page) == ["Already out"]
        assert ours(feed_queries.feed_entries("en", languages, 20)) == ["Already out"]
        assert statement_queries.translation_by_slug("en", "coming-soon") is None
        time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.2)
        page, _more = listings.listing_page("en", languages, 20)
        assert ours(page) == ["Coming soon", "Already out"]
        assert ours(feed_queries.feed_entries("en", languages, 20)) == [
            "Coming soon",
            "Already out",
        ]
        assert statement_queries.translation_by_slug("en", "coming-soon") is not None
        # The very objects built before: nothing was built again.
        assert listings._first_page("en", tuple(languages), 21) is first
        assert feed_queries._feed_query("en", tuple(languages), 20) is feed
