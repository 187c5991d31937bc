"""The durable job queue: huey, on SQLite in the instance folder by default
or on Redis when the site is scaled (IST_QUEUE_URL).

The tasks: ``fan_out`` turns an Event into ``deliver_batch`` tasks of the
Deliveries of every channel (delivery.py), each of which sends up to
delivery.BATCH_SIZE and hands each recipient that failed to ``deliver``;
``deliver`` sends one, retried with a doubling delay (about three days in
all). Each is recorded in delivered_keys, so that a key delivered once is
never delivered again. ``announce_due`` runs every minute and announces the
scheduled statements whose time has come; ``channel_clocks`` runs hourly and
queues what channels send on a clock (email digests).

Why huey: it is small, keeps its queue in SQLite or Redis, and has retries,
delays and periodic tasks built in. Tasks run in a consumer: threads inside
`python wsgi.py` (embedded) or `flask worker` (its own process).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from redis import ConnectionPool

from . import announcements, channels
from .channel_types import Delivery, Event, plug_queue, plugged
from .config import REDIS_TIMEOUT
from .config_checks import ConfigurationError
from .delivery import deliver_batch_now, deliver_now, in_batches, was_delivered
from .queue_library import (
    Consumer,
    Huey,
    MemoryHuey,
    PriorityRedisHuey,
    SqliteHuey,
    TaskWrapper,
    crontab,
)

__all__ = ["was_delivered"]

log = logging.getLogger("ist_flask.jobs")

# Names the queue in its storage (Redis keys, SQLite rows): sites sharing a
# Redis keep apart by database number.
QUEUE_NAME = "ist_flask"
# A failed delivery is tried again after 1 minute, then 2, 4, … (huey's
# retry_backoff): 12 retries span 4,095 minutes, nearly three days, so a
# recipient that is away for a day still gets it.
DELIVERY_RETRIES = 12
FIRST_RETRY_DELAY = 60
RETRY_BACKOFF = 2
CONSUMER_MODES = ("embedded", "none")
# Taken before deliveries (priority 0), so that a scheduled statement is
# announced within a minute even while thousands of messages wait their
# turn at the mail rate: a worker takes the minute task as soon as it has
# finished its batch. A new event's fan-out goes before older deliveries too.
CLOCK_PRIORITY = 20
FAN_OUT_PRIORITY = 10
# Seconds a stopping server waits for deliveries under way (a WebSub ping
# times out in 10).
SHUTDOWN_SECONDS = 15


def make_huey(url: str) -> Huey:
    """The queue at ``url``: sqlite:///path, redis://host:port/db, or memory:// (tests)."""
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=path)
    if scheme in ("redis", "rediss", "unix"):
        pool = ConnectionPool.from_url(
            url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
        )
        # Priorities (a sorted set, Redis 5 or later): the minute task must
        # not wait behind a statement's deliveries.
        return PriorityRedisHuey(QUEUE_NAME, connection_pool=pool)
    if scheme == "memory":
        return MemoryHuey(QUEUE_NAME)
    raise ConfigurationError(
        f"IST_QUEUE_URL must start with sqlite:///, redis:// or memory://, not {url!r}"
    )


def consumer_mode(config: dict[str, Any]) -> str:
    """Whether wsgi.py runs a consumer: "embedded" by default on SQLite (one
    machine, no other service), "none" on Redis, where `flask worker` does."""
    mode = config.get("QUEUE_CONSUMER")
    if mode is None:
        return "embedded" if str(config["QUEUE_URL"]).startswith("sqlite:") else "none"
    if mode not in CONSUMER_MODES:
        raise ConfigurationError(
            f"IST_QUEUE_CONSUMER must be one of {', '.join(CONSUMER_MODES)}, not {mode!r}"
        )
    return str(mode)


@dataclass(frozen=True)
class JobQueue:
    """One app's queue and its tasks (call a task to enqueue it)."""

    huey: Huey
    deliver: TaskWrapper
    deliver_batch: TaskWrapper
    fan_out: TaskWrapper
    announce_due: TaskWrapper
    channel_clocks: TaskWrapper


def init_app(app: Flask) -> None:
    consumer_mode(app.config)
    huey = make_huey(str(app.config["QUEUE_URL"]))

    def deliver(channel_name: str, key: str, payload: dict[str, Any]) -> None:
        with _channel_context(app):
            deliver_now(channel_name, Delivery(key, payload))

    def deliver_batch(channel_name: str, items: list[tuple[str, dict[str, Any]]]) -> None:
        with _channel_context(app):
            batch = [Delivery(key, payload) for key, payload in items]
            for failed in deliver_batch_now(channel_name, batch):
                retry_alone(channel_name, failed)

    def fan_out(event: dict[str, Any]) -> None:
        with _channel_context(app):
            fan_out_now(event_from_json(event))

    def announce_due() -> None:
        with app.app_context():
            fan_out_later(announcements.announce_due(datetime.now(UTC)))

    def channel_clocks() -> None:
        with _channel_context(app):
            periodic_now(datetime.now(UTC))

    app.extensions["ist_queue"] = JobQueue(
        huey=huey,
        deliver=huey.task(
            retries=DELIVERY_RETRIES,
            retry_delay=FIRST_RETRY_DELAY,
            retry_backoff=RETRY_BACKOFF,
            name="deliver",
        )(deliver),
        # A batch whose every recipient was tried is done: those that failed
        # go on alone (retry_alone). The batch itself is retried a little,
        # for a database that was away for a moment.
        deliver_batch=huey.task(retries=3, retry_delay=60, name="deliver_batch")(deliver_batch),
        # Retried a little: a database that was away for a moment.
        fan_out=huey.task(retries=3, retry_delay=60, name="fan_out", priority=FAN_OUT_PRIORITY)(
            fan_out
        ),
        announce_due=huey.periodic_task(
            crontab(minute="*"), name="announce_due", priority=CLOCK_PRIORITY
        )(announce_due),
        channel_clocks=huey.periodic_task(
            crontab(minute="5"), name="channel_clocks", priority=CLOCK_PRIORITY
        )(channel_clocks),
    )
    # channel_types.send reaches the queue of the app it is called in
    # (current_app), so one plug serves every app of the process; a test
    # that plugged a queue of its own keeps it.
    if not plugged():
        plug_queue(
            lambda channel, delivery: queue().deliver(channel, delivery.key, delivery.payload)
        )
    app.cli.add_command(worker_command)


def queue() -> JobQueue:
    """The current app's queue."""
    found: JobQueue = current_app.extensions["ist_queue"]
    return found


@contextmanager
def _channel_context(app: Flask) -> Iterator[None]:
    # Channels build absolute URLs (urls.absolute_url): a request on the
    # site's public address gives url_for what it needs outside any request.
    base = app.config.get("SITE_URL") or "http://localhost/"
    with app.test_request_context("/", base_url=base):
        yield


def event_json(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "statement_id": event.statement_id,
        "language": event.language,
        "at": event.at.isoformat(),
    }


def event_from_json(stored: dict[str, Any]) -> Event:
    return Event(
        kind=stored["kind"],
        statement_id=int(stored["statement_id"]),
        language=str(stored["language"]),
        at=datetime.fromisoformat(stored["at"]),
    )


def fan_out_later(events: Iterable[Event]) -> None:
    """Queue each event for the channels (after the change is committed).

    A queue that cannot be reached (Redis away) does not turn a committed
    save into an error page, nor lose the event: it is logged and kept
    (announcements.unsent), and the minute task announces it once the
    queue is back.
    """
    for event in events:
        try:
            queue().fan_out(event_json(event))
        except Exception:  # whatever the storage raises (redis, sqlite3)
            log.exception("the job queue did not take %s; the minute task will", event)
            announcements.unsent(event)


def fan_out_now(event: Event) -> None:
    """Queue one delivery per recipient of every channel, as the channel
    yields them: 10,000 subscribers are never one list in memory."""
    for channel in channels.registered():
        _queue_each(channel.name, channel.deliveries(event))


def periodic_now(now: datetime) -> None:
    """Queue what the channels send on a clock (PeriodicChannel), hourly."""
    for channel in channels.registered():
        periodic = getattr(channel, "periodic", None)
        if periodic is None:
            continue
        _queue_each(channel.name, periodic(now))


def _queue_each(channel_name: str, deliveries: Iterable[Delivery]) -> None:
    for batch in in_batches(deliveries):
        items = [(delivery.key, delivery.payload) for delivery in batch]
        queue().deliver_batch(channel_name, items)


def retry_alone(channel_name: str, delivery: Delivery) -> None:
    """Try ``delivery`` again later on its own, on the schedule a failed
    ``deliver`` follows: its first try (in a batch) counts as the first."""
    queue().deliver.schedule(
        (channel_name, delivery.key, delivery.payload),
        delay=FIRST_RETRY_DELAY,
        retries=DELIVERY_RETRIES - 1,
        retry_delay=FIRST_RETRY_DELAY * RETRY_BACKOFF,
    )


def start_consumer(app: Flask, workers: int = 2) -> Consumer:
    """Run the queue's consumer in threads of this process (wsgi.py), the
    process keeping its own signal handling: waitress stops it as before."""
    consumer = queue_of(app).huey.create_consumer(
        workers=workers, worker_type="thread", shutdown_timeout=SHUTDOWN_SECONDS
    )
    kept = {
        number: signal.getsignal(number)
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    }
    consumer.start()
    for number, handler in kept.items():
        signal.signal(number, handler)
    return consumer


def queue_of(app: Flask) -> JobQueue:
    found: JobQueue = app.extensions["ist_queue"]
    return found


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="threads running tasks")
def worker_command(workers: int) -> None:
    """Run the job queue's consumer (deliveries, the minute task) until stopped."""
    # Each task run, retry and drop, one line each: the worker's journal.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    consumer = queue().huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()
