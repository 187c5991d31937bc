"""A real SMTP server (aiosmtpd) on loopback, a job queue that keeps what it
is given, and the reader's steps of subscribing."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from admin_helpers import csrf_token
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient

from ist_flask.channel_types import Delivery
from ist_flask.email_channel import email_channel

SITE_URL = "https://ist.example.org"
# An address the server refuses for good (550), as a mailbox that is gone.
REFUSED = "gone@example.net"


@dataclass
class Received:
    recipients: list[str]
    data: bytes
    # The client's end of the connection it came on: one per connection.
    peer: object = None

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed

    def part(self, subtype: str) -> str:
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None and found.get_content_subtype() == subtype
        return str(found.get_content())


@dataclass
class Inbox:
    """What the SMTP server was given, in order."""

    received: list[Received] = field(default_factory=list)
    port: int = 0
    # Mailboxes that are away for now (451): a later try may reach them.
    away: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == REFUSED:
            return "550 5.1.1 No such mailbox"
        if address in self.away:
            return "451 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(
            Received(list(envelope.rcpt_tos), envelope.original_content, session.peer)
        )
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[Inbox]:
    inbox = Inbox(port=free_port())
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def mail_settings(inbox: Inbox, **extra: Any) -> dict[str, Any]:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": inbox.port,
        "MAIL_FROM": "IST <news@example.org>",
        "MAIL_UNSUBSCRIBE_ADDRESS": "leave@example.org",
        "SITE_URL": SITE_URL,
        **extra,
    }


def subscribe(
    client: FlaskClient,
    address: str,
    languages: tuple[str, ...] = ("en",),
    lang: str = "en",
    **extra: Any,
):  # type: ignore[no-untyped-def]
    path = f"/{lang}/subscribe"
    data = {
        "csrf_token": csrf_token(client, path),
        "email": address,
        "languages": list(languages),
        "frequency": "immediate",
        **extra,
    }
    return client.post(path, data=data)


def deliver_all(app: Flask, queued: list[tuple[str, Delivery]]) -> None:
    """Run what the queue was given, as the worker would, and empty it."""
    with app.app_context():
        for channel, delivery in queued:
            assert channel == "email"
            email_channel.deliver(delivery)
    queued.clear()


def link_in(received: Received, kind: str) -> str:
    """The path of the confirm or unsubscribe link in a message's text part."""
    found = re.search(rf"{re.escape(SITE_URL)}(/\w+/{kind}/\S+)", received.part("plain"))
    assert found, received.part("plain")
    return found.group(1)


def confirm(client: FlaskClient, path: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def subscribed(
    app: Flask,
    inbox: Inbox,
    queued: list[tuple[str, Delivery]],
    address: str,
    languages: tuple[str, ...] = ("en",),
    lang: str = "en",
    **extra: Any,
) -> None:
    """``address`` subscribed and confirmed, as its owner would; the inbox emptied."""
    client = app.test_client()
    assert subscribe(client, address, languages, lang, **extra).status_code == 200
    deliver_all(app, queued)
    assert confirm(client, link_in(inbox.received[-1], "subscribe/confirm")).status_code == 200
    inbox.received.clear()
