"""WebSub: feeds name their hubs, and a change pings each hub for each feed
the translation appears in, from the job queue."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import feedparser
import pytest
from admin_helpers import make_maintainer, post, sign_in, statement_form, stored
from flask import Flask
from flask.testing import FlaskClient
from groups_data import add_grouped
from reach_helpers import Hub, run_queued

from ist_flask import jobs
from ist_flask.config_checks import ConfigurationError
from ist_flask.extensions import db
from ist_flask.models import Statement

SITE = "https://ist.example"
HUBS = ("https://hub.example/one", "https://hub.example/two")


@pytest.fixture
def hub() -> Iterator[Hub]:
    with Hub() as running:
        yield running


def hub_links(document: bytes) -> tuple[list[str], list[str]]:
    """The hub and self links feedparser finds in an Atom or RSS feed."""
    links = feedparser.parse(document).feed.links
    return (
        [link.href for link in links if link.rel == "hub"],
        [link.href for link in links if link.rel == "self"],
    )


def test_every_feed_names_the_hubs_and_itself(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(WEBSUB_HUBS=",".join(HUBS), SITE_URL=SITE)
    add_grouped(app)
    client = app.test_client()
    for path in (
        "/feed.atom",
        "/feed.rss",
        "/fr/feed.atom",
        "/en/feed.rss",
        "/fr/topics/contre-la-guerre/feed.atom",
        "/en/organisations/fictional-workers-league/feed.rss",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        hubs, own = hub_links(response.get_data())
        assert hubs == list(HUBS), path
        assert own == [SITE + path], path
        # Kept by the page cache, the same bytes come back.
        assert client.get(path).get_data() == response.get_data()
    for path in ("/feed.json", "/en/topics/anti-war/feed.json"):
        document = json.loads(client.get(path).get_data())
        assert document["hubs"] == [{"type": "WebSub", "url": hub} for hub in HUBS]
        assert document["feed_url"] == SITE + path


def test_without_hubs_feeds_name_none(app: Flask) -> None:
    client = app.test_client()
    assert hub_links(client.get("/en/feed.atom").get_data())[0] == []
    assert hub_links(client.get("/en/feed.rss").get_data())[0] == []
    assert "hubs" not in json.loads(client.get("/en/feed.json").get_data())


def test_hubs_need_the_public_address(configured_app: Callable[..., Flask]) -> None:
    with pytest.raises(ConfigurationError, match="IST_SITE_URL"):
        configured_app(WEBSUB_HUBS=HUBS[0])
    with pytest.raises(ConfigurationError, match="not an http"):
        configured_app(WEBSUB_HUBS="ftp://hub.example/", SITE_URL=SITE)


def signed_in(app: Flask) -> FlaskClient:
    make_maintainer(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


def feeds(language: str, *groups: str) -> set[str]:
    """Every format of the feeds at these paths."""
    scopes = [f"/{language}", "", *(f"/{language}/{group}" for group in groups)]
    return {
        f"{SITE}{scope}/feed.{suffix}" for scope in scopes for suffix in ("atom", "rss", "json")
    }


def test_an_edit_pings_the_hub_for_every_feed_the_translation_is_in(
    configured_app: Callable[..., Flask], hub: Hub
) -> None:
    app = configured_app(WEBSUB_HUBS=hub.url, SITE_URL=SITE)
    add_grouped(app)
    editor = signed_in(app)
    statement_id = stored(app, "fr", "arretez-la-guerre").statement_id
    path = f"/admin/statements/{statement_id}/edit"
    # The first save writes the imported HTML as the editor renders it (an
    # update in both languages); then only French changes.
    post(editor, path, {**statement_form(editor, path), "action": "save"})
    run_queued(app)
    hub.pings.clear()
    form = statement_form(editor, path)
    form["translation_fr-body"] = "Arrêtez la guerre, maintenant."
    assert post(editor, path, {**form, "action": "save"}).status_code == 302
    # The editor's request sent nothing: the queue does.
    assert hub.pings == []
    run_queued(app)
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        assert statement is not None and statement.topics and statement.organisations
        groups = ["topics/contre-la-guerre"] + [
            f"organisations/{o.slug}" for o in statement.organisations
        ]
    assert hub.pinged_feeds() == feeds("fr", *groups)
    assert len(hub.pings) == len(hub.pinged_feeds())


def test_a_new_statement_pings_its_language_and_all_languages(
    configured_app: Callable[..., Flask], hub: Hub
) -> None:
    from admin_helpers import NEW, new_statement

    app = configured_app(WEBSUB_HUBS=hub.url, SITE_URL=SITE)
    editor = signed_in(app)
    post(editor, NEW, new_statement())
    run_queued(app)
    assert hub.pinged_feeds() == feeds("en") | feeds("fr")
    # Each feed once, although two translations changed the all-languages ones.
    assert len([p for p in hub.pings if p["hub.url"] == f"{SITE}/feed.atom"]) == 2


def test_a_hub_that_refuses_is_not_asked_again_and_one_that_fails_is(
    configured_app: Callable[..., Flask], hub: Hub
) -> None:
    from admin_helpers import NEW, new_statement

    app = configured_app(WEBSUB_HUBS=hub.url, SITE_URL=SITE)
    editor = signed_in(app)
    huey = jobs.queue_of(app).huey
    hub.status = 410
    english_only = {"translation_fr-title": "", "translation_fr-body": ""}
    assert post(editor, NEW, new_statement(**english_only)).status_code == 302
    run_queued(app)
    assert len(hub.pings) == 6
    assert huey.scheduled() == []

    hub.status = 503
    path = (
        f"/admin/statements/{stored(app, 'en', 'solidarity-with-the-strikers').statement_id}/edit"
    )
    form = statement_form(editor, path)
    form["translation_en-body"] = "Changed."
    post(editor, path, {**form, "action": "save"})
    run_queued(app)
    assert len(hub.pings) == 12
    assert len(huey.scheduled()) == 6
