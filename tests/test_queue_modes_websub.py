"""WebSub through huey itself, in both of the queue's storages (embedded
SQLite and Redis), on the test database: a statement published in the
editor reaches a hub on loopback by the queue's real consumer; and by huey's
own dequeue and execute, an edit in one language pings that language only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in, statement_form, stored
from flask import Flask
from reach_helpers import Hub, consuming, run_queued, wait_until

from ist_flask import jobs

pytestmark = pytest.mark.slow

SITE = "https://ist.example"


def feeds(*scopes: str) -> set[str]:
    return {
        f"{SITE}{scope}/feed.{suffix}" for scope in scopes for suffix in ("atom", "rss", "json")
    }


def test_a_published_statement_reaches_the_hub_through_the_consumer(
    configured_app: Callable[..., Flask], queue_url: str
) -> None:
    with Hub() as hub:
        app = configured_app(WEBSUB_HUBS=hub.url, SITE_URL=SITE, QUEUE_URL=queue_url)
        make_maintainer(app)
        editor = app.test_client()
        assert sign_in(editor).status_code == 302
        assert post(editor, NEW, new_statement()).status_code == 302
        # The save queued the events in the storage and sent nothing itself.
        assert jobs.queue_of(app).huey.pending_count() == 2
        assert hub.pings == []
        with consuming(app):
            # Each feed once per changed translation: the all-languages ones twice.
            wait_until(lambda: len(hub.pings) >= 12)
        assert hub.pinged_feeds() == feeds("", "/en", "/fr")
        assert len(hub.pings) == 12
    assert jobs.queue_of(app).huey.pending_count() == 0


def test_an_edit_in_one_language_pings_its_feeds_only(
    configured_app: Callable[..., Flask], queue_url: str
) -> None:
    with Hub() as hub:
        app = configured_app(WEBSUB_HUBS=hub.url, SITE_URL=SITE, QUEUE_URL=queue_url)
        make_maintainer(app)
        editor = app.test_client()
        sign_in(editor)
        post(editor, NEW, new_statement())
        # Two fan-outs (en, fr), then one task for each one's batch of pings.
        assert run_queued(app) == 2 + 2
        assert len(hub.pings) == 12
        hub.pings.clear()
        path = (
            f"/admin/statements/{stored(app, 'fr', 'solidarite-avec-les-grevistes').statement_id}"
            "/edit"
        )
        form = statement_form(editor, path)
        form["translation_fr-body"] = "Toujours aux côtés des grévistes."
        assert post(editor, path, {**form, "action": "save"}).status_code == 302
        run_queued(app)
        assert hub.pinged_feeds() == feeds("", "/fr")
        # Done once: running the queue again pings nothing.
        hub.pings.clear()
        assert run_queued(app) == 0
        assert hub.pings == []
