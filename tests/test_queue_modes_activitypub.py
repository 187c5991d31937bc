"""ActivityPub through huey itself, in both of the queue's storages
(embedded SQLite and Redis), on the test database: bovine (PyPI), an
implementation not written here, follows @fr through the inbox; the queue's
real consumer verifies the Follow and sends the Accept; a statement published
in the editor reaches bovine's inbox as a Create whose signature bovine
verifies with the key it fetched from the site; then it unfollows.

The site is served by waitress in this process, on loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in, stored
from bovine_peer import running_bovine_peer
from flask import Flask
from reach_helpers import consuming, run_queued, wait_until
from servers import free_port
from sqlalchemy import select
from waitress.server import create_server

from ist_flask import jobs
from ist_flask.extensions import db
from ist_flask.fediverse_models import Follower

pytestmark = pytest.mark.slow


@contextmanager
def served(make: Callable[..., Flask], queue_url: str) -> Iterator[tuple[Flask, str]]:
    """The site with ActivityPub on, served at its IST_SITE_URL on loopback."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site = make(
        ACTIVITYPUB=True, SITE_URL=base, ACTIVITYPUB_PRIVATE_NETWORKS=True, QUEUE_URL=queue_url
    )
    server = create_server(site, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield site, base
    finally:
        server.close()
        thread.join(timeout=10)


def followers_of(site: Flask, name: str) -> list[str]:
    with site.app_context():
        query = select(Follower.actor_id).where(Follower.actor_name == name)
        return list(db.session.execute(query).scalars())


def kinds(received: list[tuple[str | None, dict[str, Any]]]) -> list[str]:
    return [activity["type"] for _signer, activity in received]


def test_bovine_follows_receives_a_verified_create_and_unfollows_through_the_consumer(
    configured_app: Callable[..., Flask], queue_url: str
) -> None:
    with served(configured_app, queue_url) as (site, base), running_bovine_peer() as bovine:
        make_maintainer(site)
        editor = site.test_client()
        assert sign_in(editor).status_code == 302
        follow = {
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": f"{bovine.actor_id}/follow/1",
            "type": "Follow",
            "actor": bovine.actor_id,
            "object": f"{base}/ap/actors/fr",
        }
        assert bovine.call(bovine.post(f"{base}/ap/actors/fr/inbox", follow)) == 202
        # The inbox kept the Follow for the worker, in the queue's storage.
        assert jobs.queue_of(site).huey.pending_count() == 1
        assert followers_of(site, "fr") == []
        with consuming(site):
            # bovine's key fetched, the Follow verified, the Accept sent.
            wait_until(lambda: kinds(bovine.received) == ["Accept"])
            assert followers_of(site, "fr") == [bovine.actor_id]
            ((signer, accept),) = bovine.received
            assert accept["object"]["id"] == follow["id"]
            assert signer == f"{base}/ap/actors/fr"

            assert post(editor, NEW, new_statement()).status_code == 302
            wait_until(lambda: "Create" in kinds(bovine.received))
        assert kinds(bovine.received) == ["Accept", "Create"], "one Create, for @fr only"
        signer, create = bovine.received[-1]
        # bovine's verifier checked the signature with the key it fetched from the site.
        assert signer == f"{base}/ap/actors/fr"
        slug = stored(site, "fr", "solidarite-avec-les-grevistes").slug
        assert create["object"]["type"] == "Article"
        assert create["object"]["id"] == f"{base}/fr/statements/{slug}"

        undo = bovine.undo(follow)
        # The key is known now: checked in the request, nothing queued.
        assert bovine.call(bovine.post(f"{base}/ap/inbox", undo)) == 202
        assert followers_of(site, "fr") == []
        assert jobs.queue_of(site).huey.pending_count() == 0
        # Gone: the next statement, run by huey's own dequeue and execute,
        # sends bovine nothing.
        later = new_statement(**{"translation_fr-title": "La grève continue"})
        assert post(editor, NEW, later).status_code == 302
        assert run_queued(site) >= 2
        assert kinds(bovine.received) == ["Accept", "Create"]
