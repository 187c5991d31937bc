"""What every channel of reach (WebSub, email, ActivityPub) agrees on.

A channel turns an Event (a statement's translation became visible, changed
or went away) into Deliveries, one per recipient, and delivers each one. Both
steps run in the job queue's worker, never in the request that caused them,
so a save with thousands of subscribers costs the editor nothing. The queue
(jobs.py) delivers each Delivery.key at most once successfully, retrying with
backoff when deliver() raises; Undeliverable drops it at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

EventKind = Literal["publish", "update", "delete"]


@dataclass(frozen=True)
class Event:
    """One translation's change as the outside world should hear of it."""

    kind: EventKind
    statement_id: int
    language: str
    # When the change happened (UTC): an update's deliveries are keyed by it,
    # so two edits are two updates while one edit retried is one.
    at: datetime


@dataclass(frozen=True)
class Delivery:
    """One thing to send to one recipient."""

    # Unique for what is sent to whom, e.g. "email:42:17:fr:publish".
    key: str
    # JSON-serialisable: it is stored in the queue until delivered.
    payload: dict[str, Any] = field(default_factory=dict)


class Undeliverable(Exception):
    """The recipient will never take it (gone, refused for good): drop it."""


class Channel(Protocol):
    name: str

    def deliveries(self, event: Event) -> Iterator[Delivery]:
        """What ``event`` means for each recipient (runs in the worker)."""
        ...

    def deliver(self, delivery: Delivery) -> None:
        """Send one; raise to have it retried, Undeliverable to drop it."""
        ...


class PeriodicChannel(Channel, Protocol):
    """A channel that also sends on a clock (email's daily digests): the
    queue asks it every hour, and delivers each key once however often
    it is yielded."""

    def periodic(self, now: datetime) -> Iterator[Delivery]: ...


class BatchChannel(Channel, Protocol):
    """A channel that shares work between the deliveries of one batch of the
    queue (email: one SMTP connection, each statement's message written once)."""

    def batch(self) -> AbstractContextManager[Callable[[Delivery], None]]:
        """A deliver() for the batch's deliveries, one after another; what it
        holds is released when the batch ends."""
        ...


Sender = Callable[[str, Delivery], None]
_sender: Sender | None = None


def plug_queue(sender: Sender) -> None:
    """jobs.py gives the function that puts one delivery on the queue."""
    global _sender
    _sender = sender


def plugged() -> bool:
    return _sender is not None


class QueueUnavailable(RuntimeError):
    """The job queue's storage did not take a delivery (Redis away): the
    request that wanted it answers 503 rather than a traceback."""


def send(channel: str, delivery: Delivery) -> None:
    """Queue one delivery of ``channel`` outside any event (an ActivityPub
    Accept, a confirmation email): never sent from the request itself.

    Raises QueueUnavailable when the queue cannot be reached."""
    if _sender is None:
        raise QueueUnavailable("no job queue is plugged in (jobs.init_app)")
    try:
        _sender(channel, delivery)
    except Exception as error:  # whatever the storage raises (redis, sqlite3)
        raise QueueUnavailable(f"the job queue did not take {delivery.key}: {error}") from error
