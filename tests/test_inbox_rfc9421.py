"""Follows signed the RFC 9421 way (Signature-Input, Signature, Content-Digest),
as Mastodon 4.5 may send them, through the inboxes: with a key the site
keeps (verified in the request) and with an unknown one (kept, verified by
the worker after it fetched the key from the peer on loopback).

The requests are signed by the `http-message-signatures` library with the
peer's RSA key, over the inbox's address under IST_SITE_URL."""

# The fixtures come from test_inbox, imported: each test's arguments name them.
# ruff: noqa: F811

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fediverse_peer import Peer
from flask import Flask
from flask.testing import FlaskClient
from http_message_signatures import ContentDigest, HTTPMessageSigner, MappingKeyResolver, algorithms
from test_inbox import (  # noqa: F401 (fixtures)
    FR,
    SITE,
    deliver,
    fediverse,
    followers,
    peer,
    pending,
    post_bytes,
    queued,
    server,
)

from ist_flask.channel_types import Delivery, Undeliverable
from ist_flask.http_signatures import new_key_pair

COVERED = ("@method", "@target-uri", "content-digest")


class Message:
    """A request as the library's signer reads and writes it."""

    def __init__(self, url: str) -> None:
        self.method, self.url = "POST", url
        self.headers: dict[str, str] = {"Content-Type": "application/activity+json"}


def rfc9421_post(
    server: FlaskClient,
    peer: Peer,
    path: str,
    activity: Any,
    *,
    private_pem: str | None = None,
    created: datetime | None = None,
    covered: tuple[str, ...] = COVERED,
    signed_body: bytes | None = None,
    url: str | None = None,
) -> Any:
    body = json.dumps(activity).encode()
    message = Message(url or SITE + path)
    key = (private_pem or peer.private_pem).encode("ascii")
    signer = HTTPMessageSigner(
        signature_algorithm=algorithms.RSA_V1_5_SHA256,
        key_resolver=MappingKeyResolver(public_keys={}, private_keys={peer.key_id: key}),
    )
    digested = signed_body if signed_body is not None else body
    if "content-digest" not in covered:
        # Given a body, the library signs its digest whatever it is told.
        message.headers["Content-Digest"] = ContentDigest.create(digested)
    signer.sign(
        message,
        key_id=peer.key_id,
        created=created or datetime.now(UTC),
        covered_component_ids=covered,
        body=digested if "content-digest" in covered else None,
        use_existing_digest="content-digest" not in covered,
        include_alg=False,  # as Mastodon signs
    )
    return post_bytes(server, path, body, message.headers)


def test_an_unknown_key_is_fetched_by_the_worker_then_the_follow_accepted(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow = peer.follow(FR)
    assert rfc9421_post(server, peer, "/ap/actors/fr/inbox", follow).status_code == 202
    assert peer.fetched == []
    assert pending(fediverse) == 1
    (verification,) = queued
    assert verification.payload["kind"] == "verify"
    queued.clear()

    deliver(fediverse, verification)
    assert peer.fetched == ["/users/alice"]
    assert followers(fediverse) == [("fr", peer.actor_id, f"{peer.base}/inbox")]
    assert pending(fediverse) == 0
    (accept,) = queued
    assert accept.payload["activity"]["type"] == "Accept"
    assert accept.payload["activity"]["object"] == follow


def test_a_known_key_is_checked_at_once_and_undo_unfollows(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow = peer.follow(FR)
    assert rfc9421_post(server, peer, "/ap/actors/fr/inbox", follow).status_code == 202
    deliver(fediverse, queued.pop())
    queued.clear()
    # Known now: the shared inbox verifies in the request, no job for the worker.
    assert rfc9421_post(server, peer, "/ap/inbox", peer.undo(follow)).status_code == 202
    assert queued == []
    assert followers(fediverse) == []
    assert peer.fetched == ["/users/alice"]


def test_a_forgery_under_a_known_key_is_refused(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    follow = peer.follow(FR)
    assert rfc9421_post(server, peer, "/ap/actors/fr/inbox", follow).status_code == 202
    deliver(fediverse, queued.pop())
    other_private, _public = new_key_pair()
    undo = peer.undo(follow)
    forged = rfc9421_post(server, peer, "/ap/inbox", undo, private_pem=other_private)
    assert forged.status_code == 401
    # Signed for another address than the one it came to.
    elsewhere = rfc9421_post(server, peer, "/ap/inbox", undo, url="https://other.example/ap/inbox")
    assert elsewhere.status_code == 401
    assert "does not match" in elsewhere.json["error"]
    assert len(followers(fediverse)) == 1


def test_a_forgery_under_an_unknown_key_is_dropped_by_the_worker(
    fediverse: Flask, server: FlaskClient, peer: Peer, queued: list[Delivery]
) -> None:
    other_private, _public = new_key_pair()
    answer = rfc9421_post(
        server, peer, "/ap/actors/fr/inbox", peer.follow(FR), private_pem=other_private
    )
    assert answer.status_code == 202
    with pytest.raises(Undeliverable, match="does not match"):
        deliver(fediverse, queued.pop())
    assert followers(fediverse) == []
    assert pending(fediverse) == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"signed_body": b'{"type": "Like"}'}, "Content-Digest does not match"),
        ({"created": timedelta(minutes=-10)}, "too far"),
        ({"created": timedelta(minutes=10)}, "too far"),
        ({"covered": ("@method", "@target-uri")}, "does not cover content-digest"),
        ({"covered": ("@target-uri", "content-digest")}, "does not cover @method"),
        ({"covered": ("@method", "content-digest")}, "does not cover @target-uri"),
    ],
)
def test_a_bad_digest_a_stale_signature_or_a_missing_component_is_unauthorised(
    fediverse: Flask,
    server: FlaskClient,
    peer: Peer,
    queued: list[Delivery],
    change: dict[str, Any],
    reason: str,
) -> None:
    if "created" in change:  # an offset from now, now being when the test runs
        change = {"created": datetime.now(UTC) + change["created"]}
    answer = rfc9421_post(server, peer, "/ap/actors/fr/inbox", peer.follow(FR), **change)
    assert answer.status_code == 401
    assert reason in answer.json["error"]
    assert queued == []
    assert pending(fediverse) == 0
