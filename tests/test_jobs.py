"""The job queue on its two storages (SQLite in the instance folder, Redis):
deliveries survive a restart, are retried with a growing delay, are made
once per key, and are dropped when the recipient will never take them."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from reach_helpers import recording, run_queued

from ist_flask import jobs
from ist_flask.channel_types import Delivery, send
from ist_flask.config_checks import ConfigurationError

# Redis database 3 is this suite's; only the queue's own keys are removed.
REDIS_QUEUE = "redis://127.0.0.1:6379/3"


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'queue.sqlite3'}"
        return
    jobs.make_huey(REDIS_QUEUE).flush()
    yield REDIS_QUEUE
    jobs.make_huey(REDIS_QUEUE).flush()


def naive_utc_now() -> datetime:
    # huey keeps its times in UTC without a zone.
    return datetime.now(UTC).replace(tzinfo=None)


def wait_until(condition: Callable[[], object], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the consumer did not do it"
        time.sleep(0.05)


def test_a_queued_delivery_survives_a_restart(
    configured_app: Callable[..., Flask], queue_url: str
) -> None:
    first = configured_app(QUEUE_URL=queue_url)
    with first.app_context():
        send("record", Delivery("record:restart", {"text": "hello"}))
    assert jobs.queue_of(first).huey.pending_count() == 1
    # The process that queued it stops; another one, started later, runs it.
    jobs.queue_of(first).huey.storage.close()
    second = configured_app(QUEUE_URL=queue_url)
    channel = recording(second)
    consumer = jobs.start_consumer(second)
    try:
        wait_until(lambda: channel.delivered)
    finally:
        consumer.stop(graceful=True)
    assert channel.delivered == [{"text": "hello"}]


def test_a_failed_delivery_is_tried_again_later_and_later(
    configured_app: Callable[..., Flask], queue_url: str
) -> None:
    app = configured_app(QUEUE_URL=queue_url)
    channel = recording(app)
    channel.failures = 2
    huey = jobs.queue_of(app).huey
    with app.app_context():
        send("record", Delivery("record:retry", {"text": "hello"}))

    before = naive_utc_now()
    run_queued(app)
    after = naive_utc_now()
    [retry] = huey.scheduled()
    assert retry.retries == jobs.DELIVERY_RETRIES - 1
    first_delay = timedelta(seconds=jobs.FIRST_RETRY_DELAY)
    assert before + first_delay <= retry.eta <= after + first_delay

    # Its time comes: it fails again, and waits twice as long.
    [due] = huey.read_schedule(retry.eta)
    before = naive_utc_now()
    huey.execute(due, retry.eta)
    after = naive_utc_now()
    [retry] = huey.scheduled()
    assert before + 2 * first_delay <= retry.eta <= after + 2 * first_delay

    [due] = huey.read_schedule(retry.eta)
    huey.execute(due, retry.eta)
    assert channel.delivered == [{"text": "hello"}]
    assert huey.scheduled() == []
    with app.app_context():
        assert jobs.was_delivered("record:retry")


def test_retries_span_more_than_a_day() -> None:
    delays = [jobs.FIRST_RETRY_DELAY * jobs.RETRY_BACKOFF**n for n in range(jobs.DELIVERY_RETRIES)]
    assert sum(delays) > 24 * 3600


def test_a_key_is_delivered_once(configured_app: Callable[..., Flask], queue_url: str) -> None:
    app = configured_app(QUEUE_URL=queue_url)
    channel = recording(app)
    with app.app_context():
        send("record", Delivery("record:once", {"text": "hello"}))
        send("record", Delivery("record:once", {"text": "hello"}))
    run_queued(app)
    with app.app_context():
        send("record", Delivery("record:once", {"text": "hello"}))
    run_queued(app)
    assert channel.delivered == [{"text": "hello"}]


def test_an_undeliverable_delivery_is_dropped(
    configured_app: Callable[..., Flask], queue_url: str
) -> None:
    app = configured_app(QUEUE_URL=queue_url)
    channel = recording(app)
    channel.refuse = True
    with app.app_context():
        send("record", Delivery("record:gone", {"text": "hello"}))
    run_queued(app)
    assert channel.attempts == 1
    assert jobs.queue_of(app).huey.scheduled() == []
    with app.app_context():
        assert not jobs.was_delivered("record:gone")


def test_fan_out_queues_one_delivery_per_recipient(
    configured_app: Callable[..., Flask], queue_url: str
) -> None:
    app = configured_app(QUEUE_URL=queue_url)
    channel = recording(app, recipients=tuple(f"reader-{n}" for n in range(50)))
    from ist_flask.channel_types import Event

    event = Event("publish", 1, "en", datetime(2026, 11, 28, tzinfo=UTC))
    with app.app_context():
        jobs.fan_out_later([event])
    assert jobs.queue_of(app).huey.pending_count() == 1
    run_queued(app)
    assert sorted(d["recipient"] for d in channel.delivered) == sorted(channel.recipients)


def test_the_minute_task_and_new_events_go_before_deliveries_waiting_their_turn(
    configured_app: Callable[..., Flask], queue_url: str
) -> None:
    """Thousands of messages waiting at the mail rate must not hold back the
    announcement of a scheduled statement (within a minute of its time)."""
    from ist_flask.channel_types import Event

    app = configured_app(QUEUE_URL=queue_url)
    queue = jobs.queue_of(app)
    for number in range(3):
        queue.deliver_batch("record", [(f"record:{number}", {"text": "hello"})])
    queue.fan_out(jobs.event_json(Event("publish", 1, "en", datetime(2026, 11, 28, tzinfo=UTC))))
    queue.announce_due()
    taken = [queue.huey.dequeue().name for _ in range(5)]
    assert taken == ["announce_due", "fan_out", "deliver_batch", "deliver_batch", "deliver_batch"]


def test_a_queue_url_of_no_known_kind_stops_the_site(
    configured_app: Callable[..., Flask],
) -> None:
    with pytest.raises(ConfigurationError, match="IST_QUEUE_URL"):
        configured_app(QUEUE_URL="amqp://127.0.0.1/")
    with pytest.raises(ConfigurationError, match="IST_QUEUE_CONSUMER"):
        configured_app(QUEUE_CONSUMER="sometimes")


def test_the_consumer_runs_in_the_server_on_sqlite_and_apart_on_redis() -> None:
    assert jobs.consumer_mode({"QUEUE_URL": "sqlite:///q.sqlite3"}) == "embedded"
    assert jobs.consumer_mode({"QUEUE_URL": REDIS_QUEUE}) == "none"
    assert jobs.consumer_mode({"QUEUE_URL": REDIS_QUEUE, "QUEUE_CONSUMER": "embedded"}) == (
        "embedded"
    )
