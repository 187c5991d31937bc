"""The channels of reach this site delivers through, built from its settings.

Each is a channel_types.Channel. WebSub joins when IST_WEBSUB_HUBS names hubs,
email when an SMTP server and sender are set (IST_MAIL_SERVER, IST_MAIL_FROM),
ActivityPub when IST_ACTIVITYPUB is on;
tests' own channels join with register().
"""

from __future__ import annotations

from flask import Flask, current_app

from .channel_types import Channel


def init_app(app: Flask) -> None:
    app.extensions["ist_channels"] = {}
    if app.config["WEBSUB_HUBS"]:
        from .websub import WebSubChannel

        register(app, WebSubChannel(app.config["WEBSUB_HUBS"]))
    from .mail import MailSettings

    if MailSettings.from_config(app.config) is not None:
        from .email_channel import email_channel

        register(app, email_channel)
    if app.config["ACTIVITYPUB"]:
        from .activitypub_channel import ActivityPubChannel

        register(app, ActivityPubChannel())


def register(app: Flask, channel: Channel) -> None:
    """Deliver ``app``'s events through ``channel`` too (by its name)."""
    app.extensions["ist_channels"][channel.name] = channel


def registered() -> list[Channel]:
    """The current app's channels."""
    return list(current_app.extensions["ist_channels"].values())


def channel_named(name: str) -> Channel | None:
    found: Channel | None = current_app.extensions["ist_channels"].get(name)
    return found
