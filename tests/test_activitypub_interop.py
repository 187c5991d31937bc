"""Interoperability with ActivityPub implementations not written here, over
loopback: bovine (PyPI) and Fedify (npm). Each follows @fr, the site's worker
verifies its key and accepts, it receives a Create whose signature its own
verifier checks against the key it fetched from the site, then unfollows.

The site is served by waitress in this process, so that its job queue can be
the test's (channel_types.plug_queue): the real queue is another branch's."""

from __future__ import annotations

import json
import selectors
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from bovine_peer import running_bovine_peer
from flask import Flask
from servers import free_port, waitress_in_a_thread
from sqlalchemy import select

from ist_flask import channel_types
from ist_flask.activitypub_channel import ActivityPubChannel
from ist_flask.channel_types import Delivery, Event
from ist_flask.extensions import db
from ist_flask.fediverse_models import Follower
from ist_flask.models import Translation

pytestmark = pytest.mark.slow


@pytest.fixture
def served(
    app: Flask, configured_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Flask, str, list[Delivery]]]:
    """The demo site with ActivityPub on, served at its IST_SITE_URL on
    loopback, and what it queues."""
    queued: list[Delivery] = []
    monkeypatch.setattr(channel_types, "_sender", None)
    channel_types.plug_queue(lambda _channel, delivery: queued.append(delivery))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site = configured_app(ACTIVITYPUB=True, SITE_URL=base, ACTIVITYPUB_PRIVATE_NETWORKS=True)
    with waitress_in_a_thread(site, host="127.0.0.1", port=port, threads=4):
        yield site, base, queued


def run_queue(site: Flask, queued: list[Delivery]) -> None:
    """What the worker would do: deliver everything queued, in order."""
    while queued:
        delivery = queued.pop(0)
        with site.app_context():
            ActivityPubChannel().deliver(delivery)


def followers_of(site: Flask, name: str) -> list[str]:
    with site.app_context():
        query = select(Follower.actor_id).where(Follower.actor_name == name)
        return list(db.session.execute(query).scalars())


def test_bovine_follows_receives_a_verified_create_and_unfollows(
    served: tuple[Flask, str, list[Delivery]],
) -> None:
    site, base, queued = served
    channel = ActivityPubChannel()
    with running_bovine_peer() as bovine:
        follow = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{bovine.actor_id}/follow/1",
            "type": "Follow",
            "actor": bovine.actor_id,
            "object": f"{base}/ap/actors/fr",
        }
        assert bovine.call(bovine.post(f"{base}/ap/actors/fr/inbox", follow)) == 202
        run_queue(site, queued)  # the key is fetched, the Follow verified, the Accept sent
        assert followers_of(site, "fr") == [bovine.actor_id]
        ((signer, accept),) = bovine.received
        assert accept["type"] == "Accept"
        assert accept["object"]["id"] == follow["id"]
        assert signer == f"{base}/ap/actors/fr"  # bovine's verifier checked the Accept

        with site.app_context():
            translation = (
                db.session.execute(select(Translation).where(Translation.language == "fr"))
                .scalars()
                .first()
            )
            assert translation is not None
            event = Event("publish", translation.statement_id, "fr", datetime.now(UTC))
            queued.extend(channel.deliveries(event))
        run_queue(site, queued)
        signer, create = bovine.received[-1]
        assert create["type"] == "Create"
        assert create["object"]["type"] == "Article"
        assert create["object"]["id"] == f"{base}/fr/statements/{translation.slug}"
        assert signer == f"{base}/ap/actors/fr"

        undo = bovine.undo(follow)
        # The key is known now: checked in the request, nothing queued.
        assert bovine.call(bovine.post(f"{base}/ap/inbox", undo)) == 202
        assert queued == []
        assert followers_of(site, "fr") == []


def test_bovine_refuses_what_the_site_did_not_sign(
    served: tuple[Flask, str, list[Delivery]],
) -> None:
    """The check above can fail: a Create signed with another key under
    @fr's keyId is refused by bovine's verifier."""
    from ist_flask.fediverse_http import post_activity
    from ist_flask.http_signatures import new_key_pair

    _site, base, _queued = served
    other_private, _public = new_key_pair()
    with running_bovine_peer() as bovine:
        post_activity(
            f"{bovine.base}/inbox",
            {"type": "Create", "actor": f"{base}/ap/actors/fr"},
            f"{base}/ap/actors/fr#main-key",
            other_private,
            private_networks=True,
        )
        ((signer, _create),) = bovine.received
        assert signer is None


FEDIFY_PEER = Path(__file__).parent / "fedify_peer.mjs"


@contextmanager
def running_fedify_peer() -> Iterator[str]:
    """Fedify's actor at /users/fedi, served by node; its base URL.
    FEDIFY_MODULE may name Fedify's esm/mod.js where tests/node_modules
    lacks it (a worktree sharing another checkout's node_modules)."""
    process = subprocess.Popen(
        ["node", str(FEDIFY_PEER)],
        cwd=FEDIFY_PEER.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as waiting:
            waiting.register(process.stdout, selectors.EVENT_READ)
            assert waiting.select(timeout=60), "the Fedify peer did not start within 60 s"
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:"), base + process.stdout.read()
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def ask(url: str) -> object:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.loads(answer.read())


def test_fedify_follows_receives_a_verified_create_and_unfollows(
    served: tuple[Flask, str, list[Delivery]],
) -> None:
    site, base, queued = served
    with running_fedify_peer() as fedify:
        fr = urllib.parse.quote(f"{base}/ap/actors/fr", safe="")
        assert ask(f"{fedify}/control/follow?target={fr}") == {"sent": True}
        assert len(queued) == 1  # the Follow waits for the worker to fetch Fedify's key
        run_queue(site, queued)
        assert followers_of(site, "fr") == [f"{fedify}/users/fedi"]
        received = ask(f"{fedify}/control/received")
        assert isinstance(received, list)
        (accept,) = received  # only what Fedify verified reaches its listeners
        assert accept["type"] == "Accept"

        with site.app_context():
            translation = (
                db.session.execute(select(Translation).where(Translation.language == "fr"))
                .scalars()
                .first()
            )
            assert translation is not None
            event = Event("publish", translation.statement_id, "fr", datetime.now(UTC))
            queued.extend(ActivityPubChannel().deliveries(event))
        run_queue(site, queued)
        received = ask(f"{fedify}/control/received")
        assert isinstance(received, list)
        create = received[-1]
        assert create["type"] == "Create"
        assert create["object"]["id"] == f"{base}/fr/statements/{translation.slug}"

        assert ask(f"{fedify}/control/undo?target={fr}") == {"sent": True}
        assert queued == []
        assert followers_of(site, "fr") == []


def test_fedify_refuses_what_the_site_did_not_sign(
    served: tuple[Flask, str, list[Delivery]],
) -> None:
    """The check above can fail: Fedify answers 401 to a Create signed with
    another key under @fr's keyId, and its listeners never see it."""
    from ist_flask.fediverse_http import Refused, post_activity
    from ist_flask.http_signatures import new_key_pair

    _site, base, _queued = served
    other_private, _public = new_key_pair()
    create = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": f"{base}/forged#create",
        "type": "Create",
        "actor": f"{base}/ap/actors/fr",
        "object": {"id": f"{base}/forged", "type": "Note", "content": "forged"},
    }
    with running_fedify_peer() as fedify:
        with pytest.raises(Refused, match="401"):
            post_activity(
                f"{fedify}/users/fedi/inbox",
                create,
                f"{base}/ap/actors/fr#main-key",
                other_private,
                private_networks=True,
            )
        assert ask(f"{fedify}/control/received") == []
