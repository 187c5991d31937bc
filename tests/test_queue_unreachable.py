"""When the job queue's storage does not answer (Redis away), a request
that would queue something answers 503 with Retry-After and keeps nothing
half-done: never a traceback, never a row that no job will ever take."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
from fediverse_peer import Peer, running_peer
from flask import Flask
from mail_helpers import Inbox, mail_settings, subscribe
from reach_helpers import run_queued
from sqlalchemy import func, select
from tcp_proxy import TcpProxy

from ist_flask import jobs
from ist_flask.extensions import db
from ist_flask.fediverse_models import Follower, PendingActivity

# Nothing listens on port 1: the connection is refused at once.
AWAY = "redis://127.0.0.1:1/0"
SITE = "https://ist.example"


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.execute(select(func.count()).select_from(model)).scalar_one())


def signed_post(app: Flask, peer: Peer, path: str, activity: object):  # type: ignore[no-untyped-def]
    body = json.dumps(activity).encode()
    headers = {k: v for k, v in peer.signed(f"http://localhost{path}", body).items()}
    headers.pop("Host", None)
    headers.pop("host", None)
    return app.test_client().post(path, data=body, headers=headers)


def test_subscribing_answers_503_while_the_queue_is_away_and_works_once_it_is_back(
    configured_app: Callable[..., Flask], inbox: Inbox
) -> None:
    redis = TcpProxy(6379)
    redis.start()
    try:
        queue_url = f"redis://127.0.0.1:{redis.port}/5"
        jobs.make_huey(queue_url).flush()
        app = configured_app(**mail_settings(inbox), QUEUE_URL=queue_url)
        redis.stop()
        answer = subscribe(app.test_client(), "reader@example.org")
        assert answer.status_code == 503
        assert answer.headers["Retry-After"]
        assert "Please try again shortly" in answer.get_data(as_text=True)
        redis.start()  # on the same port
        # Not refused as too many: the failed request gave its place back.
        assert subscribe(app.test_client(), "reader@example.org").status_code == 200
        run_queued(app)
        (confirmation,) = inbox.received
        assert confirmation.recipients == ["reader@example.org"]
    finally:
        jobs.make_huey("redis://127.0.0.1:6379/5").flush()
        redis.stop()


def test_a_follow_for_the_worker_answers_503_and_keeps_no_pending_row(
    configured_app: Callable[..., Flask],
) -> None:
    app = configured_app(
        ACTIVITYPUB=True, SITE_URL=SITE, ACTIVITYPUB_PRIVATE_NETWORKS=True, QUEUE_URL=AWAY
    )
    with running_peer() as peer:
        answer = signed_post(app, peer, "/ap/actors/fr/inbox", peer.follow(f"{SITE}/ap/actors/fr"))
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]
    assert count(app, PendingActivity) == 0


def test_a_follow_from_a_known_key_answers_503_and_follows_nothing(
    configured_app: Callable[..., Flask],
) -> None:
    settings = {"ACTIVITYPUB": True, "SITE_URL": SITE, "ACTIVITYPUB_PRIVATE_NETWORKS": True}
    working = configured_app(**settings)
    away = configured_app(**settings, QUEUE_URL=AWAY)
    with running_peer() as peer:
        # The peer's key becomes known through a queue that works.
        follow = peer.follow(f"{SITE}/ap/actors/fr")
        assert signed_post(working, peer, "/ap/actors/fr/inbox", follow).status_code == 202
        run_queued(working)
        assert count(working, Follower) == 1
        # Checked in the request now: the Accept cannot be queued.
        second = peer.follow(f"{SITE}/ap/actors/en", number=2)
        answer = signed_post(away, peer, "/ap/actors/en/inbox", second)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"]
    assert count(away, Follower) == 1, "followed without an Accept"


@pytest.mark.slow
def test_a_queue_that_never_answers_gives_503_not_a_hung_request(
    configured_app: Callable[..., Flask],
) -> None:
    """Redis accepts the connection and says nothing: the inbox's request
    ends with a 503 once the queue's timeout has passed (the thread's join is
    a bound for a hung request, not a measure)."""
    redis = TcpProxy(6379)
    redis.start()
    app = configured_app(
        ACTIVITYPUB=True,
        SITE_URL=SITE,
        ACTIVITYPUB_PRIVATE_NETWORKS=True,
        QUEUE_URL=f"redis://127.0.0.1:{redis.port}/5",
    )
    answers: list[int] = []
    try:
        redis.hang()
        with running_peer() as peer:
            follow = peer.follow(f"{SITE}/ap/actors/fr")
            request = threading.Thread(
                target=lambda: answers.append(
                    signed_post(app, peer, "/ap/actors/fr/inbox", follow).status_code
                ),
                daemon=True,
            )
            request.start()
            request.join(timeout=60)
    finally:
        redis.stop()
    assert answers == [503], "the request hung"
    assert count(app, PendingActivity) == 0


@pytest.mark.slow
def test_a_silent_redis_counting_subscriptions_gives_503_not_a_hung_request(
    configured_app: Callable[..., Flask], inbox: Inbox
) -> None:
    """The throttle's counts in a Redis that says nothing: the subscribe
    form answers 503 once the timeout has passed."""
    redis = TcpProxy(6379)
    redis.start()
    app = configured_app(
        **mail_settings(inbox), RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{redis.port}/6"
    )
    client = app.test_client()
    answers: list[int] = []
    try:
        form = client.get("/en/subscribe")
        assert form.status_code == 200
        redis.hang()
        request = threading.Thread(
            target=lambda: answers.append(subscribe(client, "reader@example.org").status_code),
            daemon=True,
        )
        request.start()
        request.join(timeout=60)
    finally:
        redis.stop()
    assert answers == [503], "the request hung"
    assert inbox.received == []
