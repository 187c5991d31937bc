"""Sending messages over SMTP (smtplib), DKIM-signed when configured: one on
its own connection, or many on one (Connection).

No Flask here: the settings come as a MailSettings, read from the app's
configuration once, so this is tested against a real SMTP server alone.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import parseaddr
from pathlib import Path
from typing import Any

# The headers a DKIM signature covers: what a forger would want to change.
SIGNED_HEADERS = (
    b"from", b"to", b"subject", b"date", b"message-id", b"mime-version", b"content-type",
    b"list-unsubscribe", b"list-unsubscribe-post",
)  # fmt: skip


# SMTP's line ends and folding; a header set raw (email_messages'
# List-Unsubscribe, already folded) is sent as it was set, not re-encoded.
SENDING = SMTP.clone(refold_source="none")


class MailRefused(Exception):
    """The server refused the recipient for good (a 5xx): never retry."""


@dataclass(frozen=True)
class MailSettings:
    server: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    use_tls: bool = False
    use_ssl: bool = False
    timeout: float = 30
    dkim_selector: str | None = None
    dkim_domain: str | None = None
    dkim_private_key_file: str | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings | None:
        """The settings, or None when email is off (no MAIL_SERVER or MAIL_FROM)."""
        if not (config.get("MAIL_SERVER") and config.get("MAIL_FROM")):
            return None
        return cls(
            server=str(config["MAIL_SERVER"]),
            port=int(config["MAIL_PORT"]),
            sender=str(config["MAIL_FROM"]),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            timeout=float(config.get("MAIL_TIMEOUT") or 30),
            dkim_selector=config.get("DKIM_SELECTOR") or None,
            dkim_domain=config.get("DKIM_DOMAIN") or None,
            dkim_private_key_file=config.get("DKIM_PRIVATE_KEY_FILE") or None,
        )

    @property
    def envelope_sender(self) -> str:
        """The bare address of MAIL_FROM, for the SMTP envelope."""
        return parseaddr(self.sender)[1]

    @property
    def sender_domain(self) -> str:
        return Address(addr_spec=self.envelope_sender).domain


def dkim_signed(message: bytes, settings: MailSettings) -> bytes:
    """``message`` with a DKIM-Signature header first, when DKIM is configured."""
    if not (settings.dkim_selector and settings.dkim_domain and settings.dkim_private_key_file):
        return message
    # Imported here: dkimpy brings dnspython (about 4 MB) into every
    # serving process, which only a worker that signs needs.
    import dkim

    key = Path(settings.dkim_private_key_file).read_bytes()
    signature = dkim.sign(
        message,
        settings.dkim_selector.encode(),
        settings.dkim_domain.encode(),
        key,
        # A listed header that is absent is signed as absent (RFC 6376 5.4):
        # nobody can add a List-Unsubscribe to a message sent without one.
        include_headers=list(SIGNED_HEADERS),
    )
    return bytes(signature) + message


def send(message: EmailMessage, settings: MailSettings) -> None:
    """Hand ``message`` to the SMTP server for its one recipient (To), on a
    connection of its own.

    Raises MailRefused when the server refuses the recipient for good, and
    smtplib's or the socket's errors when it may work later.
    """
    with Connection(settings) as connection:
        connection.send(message)


class Connection:
    """One SMTP connection for many messages, opened at the first and
    closed at the end (a batch of the queue): each message costs its
    transaction only, not a connection, a greeting and a login."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Connection:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        """As send(): MailRefused for a recipient refused for good."""
        data = dkim_signed(message.as_bytes(policy=SENDING), self.settings)
        recipient = parseaddr(str(message["To"]))[1]
        reused = self._smtp is not None
        try:
            self._transaction(recipient, data)
        except smtplib.SMTPServerDisconnected:
            self.close()
            if not reused:
                raise
            # The server ended a connection kept between messages (idle, or
            # its limit of messages per connection): once more, on a new one.
            self._transaction(recipient, data)

    def _transaction(self, recipient: str, data: bytes) -> None:
        smtp = self._open()
        try:
            smtp.sendmail(self.settings.envelope_sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as error:
            # smtplib has reset the transaction: the connection serves the next.
            code = next(iter(error.recipients.values()))[0]
            if 500 <= code < 600:
                raise MailRefused(f"{code}") from error
            raise
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def _open(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        settings = self.settings
        smtp: smtplib.SMTP
        if settings.use_ssl:
            smtp = smtplib.SMTP_SSL(
                settings.server,
                settings.port,
                timeout=settings.timeout,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
        try:
            if settings.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp

    def close(self) -> None:
        """Say QUIT when the server still listens; drop the connection either way."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
