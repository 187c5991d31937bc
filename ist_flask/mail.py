"""Sending one message over SMTP (smtplib), DKIM-signed when configured.

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
    """Hand ``message`` to the SMTP server for its one recipient (To).

    Raises MailRefused when the server refuses the recipient for good, and
    smtplib's or the socket's errors when it may work later.
    """
    data = dkim_signed(message.as_bytes(policy=SMTP), settings)
    recipient = parseaddr(str(message["To"]))[1]
    connection: smtplib.SMTP
    if settings.use_ssl:
        connection = smtplib.SMTP_SSL(
            settings.server,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    else:
        connection = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with connection:
        if settings.use_tls:
            connection.starttls(context=ssl.create_default_context())
        if settings.username:
            connection.login(settings.username, settings.password or "")
        try:
            connection.sendmail(settings.envelope_sender, [recipient], data)
        except smtplib.SMTPRecipientsRefused as error:
            code = next(iter(error.recipients.values()))[0]
            if 500 <= code < 600:
                raise MailRefused(f"{code}") from error
            raise
