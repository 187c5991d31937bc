"""The fediverse's view of the site: WebFinger, NodeInfo, actors, outboxes,
followers, and a statement's address answering ActivityPub JSON."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ist_flask.extensions import db
from ist_flask.fediverse_models import ActorKey
from ist_flask.i18n import DEFAULT_LANGUAGES

SITE = "https://ist.example"
ACTIVITY = "application/activity+json"
LD = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'


@pytest.fixture
def fediverse(app: Flask, configured_app: Callable[..., Flask]) -> Flask:
    """The demo site with ActivityPub on."""
    return configured_app(ACTIVITYPUB=True, SITE_URL=SITE)


@pytest.fixture
def server(fediverse: Flask) -> FlaskClient:
    return fediverse.test_client()


def first_article_path(server: FlaskClient, actor: str = "fr") -> str:
    page = server.get(f"/ap/actors/{actor}/outbox?page=1").json
    return urlsplit(page["orderedItems"][0]["object"]["id"]).path


def test_activitypub_is_off_unless_turned_on(client: FlaskClient) -> None:
    assert client.get("/.well-known/webfinger?resource=acct:fr@localhost").status_code == 404
    assert client.get("/ap/actors/fr").status_code == 404


def test_activitypub_needs_the_site_url(configured_app: Callable[..., Flask]) -> None:
    from ist_flask.config_checks import ConfigurationError

    with pytest.raises(ConfigurationError, match="IST_SITE_URL"):
        configured_app(ACTIVITYPUB=True)


def test_webfinger_finds_each_language_and_the_all_languages_actor(server: FlaskClient) -> None:
    for name in [*DEFAULT_LANGUAGES, "ist"]:
        answer = server.get(f"/.well-known/webfinger?resource=acct:{name}@ist.example")
        assert answer.status_code == 200
        assert answer.headers["Access-Control-Allow-Origin"] == "*"
        assert answer.content_type.startswith("application/jrd+json")
        (link,) = [x for x in answer.json["links"] if x["rel"] == "self"]
        assert link == {"rel": "self", "type": ACTIVITY, "href": f"{SITE}/ap/actors/{name}"}
        assert answer.json["subject"] == f"acct:{name}@ist.example"


@pytest.mark.parametrize(
    ("resource", "status"),
    [
        ("acct:xx@ist.example", 404),
        ("acct:fr@elsewhere.example", 404),
        ("https://elsewhere.example/ap/actors/fr", 404),
        ("", 400),
        ("acct:", 400),
        ("acct:@", 400),
        ("mailto:fr@ist.example", 400),
        ("acct:" + "a" * 600 + "@ist.example", 400),
    ],
)
def test_webfinger_refuses_what_is_not_one_of_its_actors(
    server: FlaskClient, resource: str, status: int
) -> None:
    assert (
        server.get("/.well-known/webfinger", query_string={"resource": resource}).status_code
        == status
    )


def test_webfinger_without_a_resource_is_a_bad_request(server: FlaskClient) -> None:
    assert server.get("/.well-known/webfinger").status_code == 400


def test_nodeinfo_says_what_the_site_is(server: FlaskClient) -> None:
    links = server.get("/.well-known/nodeinfo").json["links"]
    assert links[0]["href"] == f"{SITE}/nodeinfo/2.1"
    info = server.get("/nodeinfo/2.1").json
    assert info["version"] == "2.1"
    assert info["protocols"] == ["activitypub"]
    assert info["openRegistrations"] is False
    assert info["usage"]["localPosts"] > 0


def test_an_actor_speaks_its_language_and_shows_only_its_public_key(
    fediverse: Flask, server: FlaskClient
) -> None:
    answer = server.get("/ap/actors/fr")
    assert answer.status_code == 200
    assert answer.content_type == ACTIVITY
    actor = answer.json
    assert actor["id"] == f"{SITE}/ap/actors/fr"
    assert actor["type"] == "Organization"
    assert actor["preferredUsername"] == "fr"
    assert actor["url"] == f"{SITE}/fr/"
    assert actor["inbox"] == f"{SITE}/ap/actors/fr/inbox"
    assert actor["outbox"] == f"{SITE}/ap/actors/fr/outbox"
    assert actor["followers"] == f"{SITE}/ap/actors/fr/followers"
    assert actor["endpoints"]["sharedInbox"] == f"{SITE}/ap/inbox"
    assert actor["icon"]["url"].endswith(".png")
    assert actor["publicKey"]["id"] == f"{SITE}/ap/actors/fr#main-key"
    assert actor["publicKey"]["owner"] == actor["id"]
    assert actor["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert "PRIVATE" not in answer.get_data(as_text=True)
    assert "Français" in actor["name"]
    english = server.get("/ap/actors/en").json
    assert english["summary"] != actor["summary"]


def test_an_actor_keeps_its_key(fediverse: Flask, server: FlaskClient) -> None:
    first = server.get("/ap/actors/de").json["publicKey"]["publicKeyPem"]
    assert server.get("/ap/actors/de").json["publicKey"]["publicKeyPem"] == first
    with fediverse.app_context():
        kept = db.session.get(ActorKey, "de")
        assert kept is not None
        assert kept.public_pem == first
        assert "PRIVATE KEY" in kept.private_pem
        assert "PRIVATE" not in repr(kept)


def test_an_unknown_actor_is_not_found(server: FlaskClient) -> None:
    for path in ("/ap/actors/xx", "/ap/actors/xx/outbox", "/ap/actors/xx/followers"):
        assert server.get(path).status_code == 404


def test_the_outbox_pages_through_the_languages_articles(
    fediverse: Flask, server: FlaskClient
) -> None:
    outbox = server.get("/ap/actors/fr/outbox").json
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] > 0
    page = server.get(outbox["first"].removeprefix(SITE)).json
    assert page["type"] == "OrderedCollectionPage"
    created = page["orderedItems"][0]
    assert created["type"] == "Create"
    assert created["actor"] == f"{SITE}/ap/actors/fr"
    article = created["object"]
    assert article["type"] == "Article"
    assert article["attributedTo"] == f"{SITE}/ap/actors/fr"
    assert set(article["contentMap"]) == {"fr"}
    assert set(article["nameMap"]) == {"fr"}
    assert "https://www.w3.org/ns/activitystreams#Public" in article["to"]
    assert article["cc"] == [f"{SITE}/ap/actors/fr/followers"]
    assert {item["object"]["contentMap"].keys() == {"fr"} for item in page["orderedItems"]} == {
        True
    }
    assert server.get("/ap/actors/fr/outbox?page=999").status_code == 404
    assert server.get("/ap/actors/fr/outbox?page=x").status_code == 404


def test_the_all_languages_actor_announces_every_language(server: FlaskClient) -> None:
    page = server.get("/ap/actors/ist/outbox?page=1").json
    kinds = {item["type"] for item in page["orderedItems"]}
    assert kinds == {"Announce"}
    languages = {urlsplit(item["object"]).path.split("/")[1] for item in page["orderedItems"]}
    assert len(languages) > 1


def test_the_followers_collection_counts_but_never_lists(server: FlaskClient) -> None:
    followers = server.get("/ap/actors/fr/followers").json
    assert followers["totalItems"] == 0
    assert "orderedItems" not in followers
    assert "items" not in followers


# What Mastodon sends when it fetches an object (app/lib/request.rb's fetch).
MASTODON_ACCEPT = f"{ACTIVITY}, {LD}, text/html;q=0.1"


@pytest.mark.parametrize(
    "accept", [ACTIVITY, LD, f"{ACTIVITY}, application/ld+json", MASTODON_ACCEPT]
)
def test_a_statement_answers_a_server_with_its_article(server: FlaskClient, accept: str) -> None:
    path = first_article_path(server)
    answer = server.get(path, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.content_type == ACTIVITY
    assert "Accept" in answer.headers["Vary"]
    assert answer.json["id"] == SITE + path
    assert answer.json["type"] == "Article"
    assert answer.json["@context"][0] == "https://www.w3.org/ns/activitystreams"


def test_a_statement_page_links_its_article_and_varies_on_accept(server: FlaskClient) -> None:
    path = first_article_path(server)
    page = server.get(path, headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.content_type.startswith("text/html")
    assert "Accept" in page.headers["Vary"]
    html = page.get_data(as_text=True)
    assert f'<link rel="alternate" type="application/activity+json" href="{SITE}{path}">' in html


def test_the_page_cache_keeps_html_and_json_apart(server: FlaskClient) -> None:
    """Each answer is asked for twice, so the second comes from the cache
    (cache_front.py or caching.py), in both orders."""
    path = first_article_path(server, "es")
    for accept in [ACTIVITY, "text/html", ACTIVITY, LD, "*/*", ACTIVITY, "text/html"]:
        for _twice in range(2):
            answer = server.get(path, headers={"Accept": accept})
            wants_json = accept != "text/html" and accept != "*/*"
            assert answer.content_type.startswith(ACTIVITY if wants_json else "text/html"), accept
    # and a browser's revalidation of its HTML copy is not answered with JSON's ETag
    html = server.get(path, headers={"Accept": "text/html"})
    json_answer = server.get(path, headers={"Accept": ACTIVITY})
    assert html.headers["ETag"] != json_answer.headers["ETag"]
    again = server.get(
        path, headers={"Accept": "text/html", "If-None-Match": json_answer.headers["ETag"]}
    )
    assert again.status_code == 200
    assert again.content_type.startswith("text/html")
