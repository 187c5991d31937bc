"""Which representation an Accept header asks for (no app needed)."""

from __future__ import annotations

import pytest

from ist_flask.negotiation import ACTIVITY, HTML, representation


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (None, HTML),
        ("", HTML),
        ("*/*", HTML),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", HTML),
        ("application/json", HTML),
        ("application/activity+json", ACTIVITY),
        ('application/ld+json; profile="https://www.w3.org/ns/activitystreams"', ACTIVITY),
        ("application/activity+json, application/ld+json", ACTIVITY),
        ("text/html, application/activity+json;q=0.5", HTML),
        ("text/html;q=0.1, application/activity+json", ACTIVITY),
        ("application/activity+json;q=0", HTML),
        ("application/activity+json;q=nonsense", HTML),  # unreadable: dropped, as werkzeug does
        (";;;,,json", HTML),
    ],
)
def test_the_representation_follows_the_clients_preference(accept: str | None, wanted: str) -> None:
    assert representation(accept) == wanted
