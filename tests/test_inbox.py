"""The inboxes and the worker's side of following: signed Follows and Undos
from another server (on loopback), the Accept and the articles sent back.

The job queue is another branch's: deliveries are collected here through
channel_types.plug_queue and delivered by calling the real channel."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fediverse_peer import Peer, running_peer
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from ist_flask import channel_types
from ist_flask.activitypub_channel import ActivityPubChannel
from ist_flask.channel_types import Delivery, Event, Undeliverable
from ist_flask.extensions import db
from ist_flask.fediverse_http import Unavailable
from ist_flask.fediverse_models import Follower, PendingActivity
from ist_flask.http_signatures import new_key_pair, parse_signature, signed_headers, verify

SITE = "https://ist.example"
FR = f"{SITE}/ap/actors/fr"


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[Delivery]:
    """What the site puts on the job queue."""
    kept: list[Delivery] = []
    monkeypatch.setattr(channel_types, "_sender", None)
    channel_types.plug_queue(lambda channel, delivery: kept.append(delivery))
    return kept


@pytest.fixture
def fediverse(app: Flask, configured_app: Callable[..., Flask]) -> Flask:
    return configured_app(ACTIVITYPUB=True, SITE_URL=SITE, ACTIVITYPUB_PRIVATE_NETWORKS=True)


@pytest.fixture
def server(fediverse: Flask) -> FlaskClient:
    return fediverse.test_client()


@pytest.fixture
def peer() -> Iterator[Peer]:
    with running_peer() as running:
        yield running


def post(server: FlaskClient, path: str, activity: object, headers: dict[str, str]) -> int:
    body = json.dumps(activity).encode()
    return post_bytes(server, path, body, headers).status_code


def post_bytes(server: FlaskClient, path: str, body: bytes, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    sent = {k: v for k, v in headers.items() if k.lower() != "host"}
    return server.post(path, data=body, headers=sent)


def signed_post(
    server: FlaskClient, peer: Peer, path: str, activity: object, key: str | None = None
) -> int:
    body = json.dumps(activity).encode()
    return post_bytes(
        server, path, body, peer.signed(f"http://localhost{path}", body, key)
    ).status_code


def deliver(app: Flask, delivery: Delivery) -> None:
    with app.app_context():
        ActivityPubChannel().deliver(delivery)


def followers(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        found = db.session.execute(select(Follower).order_by(Follower.id)).scalars()
        return [(f.actor_name, f.actor_id, f.delivery_inbox) for f in found]


def pending(app: Flask) -> int:
    with app.app_context():
        return int(db.session.execute(select(func.count(PendingActivity.id))).scalar_one())


def our_public_key(server: FlaskClient, name: str) -> str:
    return str(server.get(f"/ap/actors/{name}").json["publicKey"]["publicKeyPem"])


def follow_through_the_worker(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery], target: str = FR
) -> dict:
    follow = peer.follow(target)
    assert signed_post(server, peer, "/ap/actors/fr/inbox", follow) == 202
    verification = queued.pop()
    deliver(fediverse, verification)
    return follow


def test_a_follow_is_verified_by_the_worker_then_accepted(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow = peer.follow(FR)
    assert signed_post(server, peer, "/ap/actors/fr/inbox", follow) == 202
    # Nothing was fetched during the request: the key waits for the worker.
    assert peer.fetched == []
    assert followers(fediverse) == []
    assert pending(fediverse) == 1
    (verification,) = queued
    assert verification.payload["kind"] == "verify"

    deliver(fediverse, verification)
    assert peer.fetched == ["/users/alice"]
    assert followers(fediverse) == [("fr", peer.actor_id, f"{peer.base}/inbox")]
    assert pending(fediverse) == 0
    assert server.get("/ap/actors/fr/followers").json["totalItems"] == 1

    (accept,) = queued[1:]
    deliver(fediverse, accept)
    ((path, headers, body),) = peer.received
    assert path == "/users/alice/inbox"
    sent = json.loads(body)
    assert sent["type"] == "Accept"
    assert sent["actor"] == FR
    assert sent["object"] == follow
    # The peer can check the Accept came from @fr with the key @fr publishes.
    signature = parse_signature(headers["signature"])
    assert signature.key_id == f"{FR}#main-key"
    verify(signature, "POST", path, headers, our_public_key(server, "fr"))


def test_a_known_key_is_checked_at_once_and_undo_unfollows(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow_through_the_worker(fediverse, server, peer, queued)
    queued.clear()
    # Known now: a Follow of another actor, through the shared inbox, needs no worker.
    ist_follow = peer.follow(f"{SITE}/ap/actors/ist", 2)
    assert signed_post(server, peer, "/ap/inbox", ist_follow) == 202
    assert [d.payload["activity"]["type"] for d in queued] == ["Accept"]
    assert {f[0] for f in followers(fediverse)} == {"fr", "ist"}
    assert signed_post(server, peer, "/ap/inbox", peer.undo(ist_follow)) == 202
    assert [f[0] for f in followers(fediverse)] == ["fr"]


def test_a_forged_follow_under_a_known_key_is_refused(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow = follow_through_the_worker(fediverse, server, peer, queued)
    other_private, _public = new_key_pair()
    assert signed_post(server, peer, "/ap/inbox", peer.undo(follow), key=other_private) == 401
    assert len(followers(fediverse)) == 1


def test_a_forged_follow_under_an_unknown_key_is_dropped_by_the_worker(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    other_private, _public = new_key_pair()
    assert (
        signed_post(server, peer, "/ap/actors/fr/inbox", peer.follow(FR), key=other_private) == 202
    )
    with pytest.raises(Undeliverable, match="does not match"):
        deliver(fediverse, queued.pop())
    assert followers(fediverse) == []
    assert pending(fediverse) == 0
    assert queued == []


def test_a_follow_claiming_someone_elses_actor_is_dropped(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow = {**peer.follow(FR), "actor": "https://victim.example/users/bob"}
    assert signed_post(server, peer, "/ap/actors/fr/inbox", follow) == 202
    with pytest.raises(Undeliverable, match="not the activity's actor"):
        deliver(fediverse, queued.pop())
    assert followers(fediverse) == []


@pytest.mark.parametrize("kind", ["Like", "Create", "Announce", "Delete"])
def test_other_activities_are_accepted_and_ignored(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery], kind: str
) -> None:
    activity = {**peer.follow(FR), "type": kind}
    assert signed_post(server, peer, "/ap/inbox", activity) == 202
    assert queued == []
    assert pending(fediverse) == 0


def test_an_unsigned_follow_is_unauthorised(
    server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    assert (
        post(server, "/ap/inbox", peer.follow(FR), {"Content-Type": "application/activity+json"})
        == 401
    )
    assert queued == []


def test_a_stale_or_altered_request_is_unauthorised(
    server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    body = json.dumps(peer.follow(FR)).encode()
    old = signed_headers(
        "POST",
        "http://localhost/ap/inbox",
        peer.key_id,
        peer.private_pem,
        body,
        datetime.now(UTC) - timedelta(minutes=10),
    )
    answer = post_bytes(server, "/ap/inbox", body, old)
    assert answer.status_code == 401
    assert "too far" in answer.json["error"]
    headers = peer.signed("http://localhost/ap/inbox", body)
    answer = post_bytes(server, "/ap/inbox", body.replace(b"Follow", b"Follox"), headers)
    assert answer.status_code == 401
    assert "Digest" in answer.json["error"]
    assert queued == []


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"no": "type"}', b"\xff\xfe"])
def test_a_body_that_is_no_activity_is_a_bad_request(
    server: FlaskClient, peer: Peer, body: bytes
) -> None:
    assert (
        post_bytes(
            server, "/ap/inbox", body, peer.signed("http://localhost/ap/inbox", body)
        ).status_code
        == 400
    )


def test_an_oversized_body_is_refused_unread(server: FlaskClient, peer: Peer) -> None:
    body = b'{"type": "Create", "x": "' + b"a" * 300_000 + b'"}'
    assert (
        post_bytes(
            server, "/ap/inbox", body, peer.signed("http://localhost/ap/inbox", body)
        ).status_code
        == 413
    )


def test_inboxes_take_only_posts(server: FlaskClient) -> None:
    assert server.get("/ap/inbox").status_code == 405
    assert server.get("/ap/actors/fr/inbox").status_code == 405
    assert server.post("/ap/actors/xx/inbox", data=b"{}").status_code == 404


def test_without_a_job_queue_a_follow_is_refused_for_now(
    server: FlaskClient, peer: Peer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(channel_types, "_sender", None)
    assert signed_post(server, peer, "/ap/inbox", peer.follow(FR)) == 503


def test_the_worker_asks_no_private_address_unless_allowed(
    app: Flask, configured_app: Callable[..., Flask], peer: Peer, queued: list[Delivery]
) -> None:
    guarded = configured_app(ACTIVITYPUB=True, SITE_URL=SITE)
    client = guarded.test_client()
    assert signed_post(client, peer, "/ap/inbox", peer.follow(FR)) == 202
    with pytest.raises(Undeliverable, match="https"):
        deliver(guarded, queued.pop())
    assert peer.fetched == []


def first_statement(app: Flask) -> tuple[int, str]:
    from ist_flask.models import Translation

    with app.app_context():
        translation = (
            db.session.execute(
                select(Translation).where(Translation.language == "fr").order_by(Translation.id)
            )
            .scalars()
            .first()
        )
        assert translation is not None
        return translation.statement_id, translation.slug


def test_a_publication_is_created_for_the_language_and_announced_for_all(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow_through_the_worker(fediverse, server, peer, queued)
    assert signed_post(server, peer, "/ap/inbox", peer.follow(f"{SITE}/ap/actors/ist", 2)) == 202
    statement_id, slug = first_statement(fediverse)
    channel = ActivityPubChannel()
    with fediverse.app_context():
        deliveries = list(
            channel.deliveries(Event("publish", statement_id, "fr", datetime.now(UTC)))
        )
        nothing = list(channel.deliveries(Event("publish", statement_id, "el", datetime.now(UTC))))
    assert (
        nothing == []
    )  # no follower of @el, none of @ist gets an Announce for a missing translation
    kinds = sorted((d.payload["actor"], d.payload["activity"]["type"]) for d in deliveries)
    # One each: both followers share one inbox, but each actor sends its own.
    assert kinds == [("fr", "Create"), ("ist", "Announce")]
    assert len({d.key for d in deliveries}) == 2
    peer.received.clear()
    for delivery in deliveries:
        deliver(fediverse, delivery)
    created = json.loads(
        peer.received[[json.loads(b)["type"] for _p, _h, b in peer.received].index("Create")][2]
    )
    assert created["object"]["id"] == f"{SITE}/fr/statements/{slug}"
    assert all(path == "/inbox" for path, _h, _b in peer.received)

    with fediverse.app_context():
        removal = list(channel.deliveries(Event("delete", statement_id, "fr", datetime.now(UTC))))
    (delete,) = removal  # one shared inbox for the followers of @fr and @ist
    assert delete.payload["activity"]["type"] == "Delete"
    assert delete.payload["activity"]["object"] == {
        "id": f"{SITE}/fr/statements/{slug}",
        "type": "Tombstone",
    }


def test_two_edits_are_two_updates(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow_through_the_worker(fediverse, server, peer, queued)
    statement_id, _slug = first_statement(fediverse)
    channel = ActivityPubChannel()
    first = datetime(2026, 11, 28, 12, tzinfo=UTC)
    with fediverse.app_context():
        one = list(channel.deliveries(Event("update", statement_id, "fr", first)))
        again = list(channel.deliveries(Event("update", statement_id, "fr", first)))
        two = list(
            channel.deliveries(Event("update", statement_id, "fr", first + timedelta(seconds=1)))
        )
    assert [d.payload["activity"]["type"] for d in one] == ["Update"]
    assert one[0].key == again[0].key
    assert one[0].key != two[0].key


def test_an_inbox_gone_for_good_loses_its_followers_and_a_failing_one_is_retried(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow_through_the_worker(fediverse, server, peer, queued)
    statement_id, _slug = first_statement(fediverse)
    with fediverse.app_context():
        (create,) = ActivityPubChannel().deliveries(
            Event("publish", statement_id, "fr", datetime.now(UTC))
        )
    for status in (500, 503, 429):
        peer.inbox_status = status
        with pytest.raises(Unavailable):
            deliver(fediverse, create)
        assert len(followers(fediverse)) == 1
    peer.inbox_status = 410
    with pytest.raises(Undeliverable):
        deliver(fediverse, create)
    assert followers(fediverse) == []


def test_a_new_key_is_fetched_again_once_the_kept_one_is_old(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    from ist_flask.fediverse_models import RemoteActor

    follow = follow_through_the_worker(fediverse, server, peer, queued)
    queued.clear()
    peer.private_pem, peer.public_pem = new_key_pair()  # the peer changes its key
    # Kept moments ago: a signature it does not verify is refused outright.
    assert signed_post(server, peer, "/ap/inbox", peer.undo(follow)) == 401
    with fediverse.app_context():
        kept = db.session.get(RemoteActor, peer.key_id)
        assert kept is not None
        kept.fetched_at = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
    assert signed_post(server, peer, "/ap/inbox", peer.undo(follow)) == 202
    assert followers(fediverse) != []
    deliver(fediverse, queued.pop())
    assert followers(fediverse) == []
    assert peer.fetched == ["/users/alice", "/users/alice"]


def test_deeply_nested_json_is_a_bad_request(server: FlaskClient, peer: Peer) -> None:
    body = b"[" * 30_000 + b"]" * 30_000
    assert (
        post_bytes(
            server, "/ap/inbox", body, peer.signed("http://localhost/ap/inbox", body)
        ).status_code
        == 400
    )


def test_with_activitypub_off_an_event_means_no_delivery(app: Flask) -> None:
    from ist_flask.actors import actor_key

    statement_id, _slug = first_statement(app)
    with app.app_context():
        actor_key("fr")
        db.session.add(
            Follower(
                actor_name="fr",
                actor_id="https://elsewhere.example/users/a",
                inbox="https://elsewhere.example/inbox",
                followed_at=datetime.now(UTC),
            )
        )
        db.session.commit()
        event = Event("publish", statement_id, "fr", datetime.now(UTC))
        assert list(ActivityPubChannel().deliveries(event)) == []


def test_a_new_slug_deletes_the_old_article_and_creates_the_new(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    from ist_flask.models import Translation

    follow_through_the_worker(fediverse, server, peer, queued)
    statement_id, slug = first_statement(fediverse)
    channel = ActivityPubChannel()
    with fediverse.app_context():
        list(channel.deliveries(Event("publish", statement_id, "fr", datetime.now(UTC))))
        translation = db.session.execute(
            select(Translation).where(
                Translation.statement_id == statement_id, Translation.language == "fr"
            )
        ).scalar_one()
        translation.slug = slug + "-nouveau"
        db.session.commit()
        moved = list(channel.deliveries(Event("update", statement_id, "fr", datetime.now(UTC))))
        edited = list(channel.deliveries(Event("update", statement_id, "fr", datetime.now(UTC))))
    activities = [d.payload["activity"] for d in moved]
    # (no follower of @ist here, so no Announce)
    assert [a["type"] for a in activities] == ["Delete", "Create"]
    assert activities[0]["object"]["id"] == f"{SITE}/fr/statements/{slug}"
    assert activities[1]["object"]["id"] == f"{SITE}/fr/statements/{slug}-nouveau"
    assert len({d.key for d in moved}) == 2
    assert [d.payload["activity"]["type"] for d in edited] == ["Update"]
