"""Delivering each Delivery.key once: alone (a confirmation, an Accept) or in
batches (the recipients of an event), recorded in delivered_keys as each one
succeeds.

A batch is one task of the queue for up to BATCH_SIZE recipients: one
dequeue, one look-up of the keys already delivered, and whatever the channel
can share between its messages (email: one SMTP connection, each statement's
message written once). A recipient that fails is handed back to be retried
alone (jobs.py); the others are not tried again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from . import channels
from .channel_types import Channel, Delivery, Undeliverable
from .extensions import db
from .reach_models import DeliveredKey

log = logging.getLogger("ist_flask.jobs")

# Recipients one task carries. Large enough that the queue's own work (a
# dequeue, a look-up of delivered keys) is shared by many messages; small
# enough that a batch at the default mail rate (5 a second) takes seconds.
BATCH_SIZE = 50


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def was_delivered(key: str) -> bool:
    return bool(delivered_among([key]))


def delivered_among(keys: Sequence[str]) -> set[str]:
    """Those of ``keys`` delivered before, in one query."""
    digests = {key_digest(key): key for key in keys}
    if not digests:
        return set()
    found = db.session.scalars(
        select(DeliveredKey.digest).where(DeliveredKey.digest.in_(list(digests)))
    )
    return {digests[digest] for digest in found}


def in_batches(deliveries: Iterable[Delivery], size: int = BATCH_SIZE) -> Iterator[list[Delivery]]:
    """The deliveries not delivered before, each key once, in batches made
    ``size`` at a time (less what was delivered)."""
    seen: set[str] = set()
    batch: list[Delivery] = []
    for delivery in deliveries:
        if delivery.key in seen:
            continue
        seen.add(delivery.key)
        batch.append(delivery)
        if len(batch) == size:
            yield from _undelivered(batch)
            batch = []
    yield from _undelivered(batch)


def _undelivered(batch: list[Delivery]) -> Iterator[list[Delivery]]:
    done = delivered_among([delivery.key for delivery in batch])
    left = [delivery for delivery in batch if delivery.key not in done]
    if left:
        yield left


def deliver_now(channel_name: str, delivery: Delivery) -> None:
    """Deliver once: skipped when the key was delivered before, dropped when
    the recipient will never take it; any other error propagates, and huey
    tries again later."""
    channel = _channel(channel_name, delivery.key)
    if channel is None or was_delivered(delivery.key):
        return
    # No transaction stays open while the recipient is slow.
    db.session.rollback()
    try:
        channel.deliver(delivery)
    except Undeliverable as refusal:
        log.warning("dropped %s: %s", delivery.key, refusal)
        return
    _record(channel_name, delivery.key)


def deliver_batch_now(channel_name: str, deliveries: Sequence[Delivery]) -> list[Delivery]:
    """Deliver each of ``deliveries`` not delivered before, recording each
    as it succeeds; those that failed but may work later, to retry alone."""
    channel = _channel(channel_name, deliveries[0].key if deliveries else "")
    if channel is None:
        return []
    done = delivered_among([delivery.key for delivery in deliveries])
    db.session.rollback()
    failed: list[Delivery] = []
    with _sending(channel) as deliver:
        for delivery in deliveries:
            if delivery.key in done:
                continue
            try:
                deliver(delivery)
            except Undeliverable as refusal:
                log.warning("dropped %s: %s", delivery.key, refusal)
                continue
            except Exception as error:  # whatever the recipient's side raised
                log.warning("will retry %s: %r", delivery.key, error)
                db.session.rollback()
                failed.append(delivery)
                continue
            _record(channel_name, delivery.key)
    return failed


def _channel(channel_name: str, key: str) -> Channel | None:
    channel = channels.channel_named(channel_name)
    if channel is None:
        log.warning("dropped %s: no channel %r is configured", key, channel_name)
    return channel


def _sending(channel: Channel) -> AbstractContextManager[Callable[[Delivery], None]]:
    """The channel's way of sending a batch (BatchChannel.batch), or its
    deliver, one at a time."""
    batch = getattr(channel, "batch", None)
    return batch() if batch is not None else _one_by_one(channel)


@contextmanager
def _one_by_one(channel: Channel) -> Iterator[Callable[[Delivery], None]]:
    yield channel.deliver


def _record(channel_name: str, key: str) -> None:
    record = {"digest": key_digest(key), "channel": channel_name, "delivered_at": datetime.now(UTC)}
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    # Two workers that delivered the same key at once both succeeded: one row.
    db.session.execute(dialect.insert(DeliveredKey).values(record).on_conflict_do_nothing())
    # Each key as it is delivered: a worker stopped mid-batch sends none twice.
    db.session.commit()
