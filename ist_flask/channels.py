"""The channels of reach this site delivers through, built from its settings.

Each is a channel_types.Channel. WebSub joins when IST_WEBSUB_HUBS names hubs;
other channels (email, ActivityPub) and tests join with register().
"""

from __future__ import annotations

from flask import Flask, current_app

from .channel_types import Channel


def init_app(app: Flask) -> None:
    app.extensions["ist_channels"] = {}
    if app.config["WEBSUB_HUBS"]:
        from .websub import WebSubChannel

        register(app, WebSubChannel(app.config["WEBSUB_HUBS"]))


def register(app: Flask, channel: Channel) -> None:
    """Deliver ``app``'s events through ``channel`` too (by its name)."""
    app.extensions["ist_channels"][channel.name] = channel


def registered() -> list[Channel]:
    """The current app's channels."""
    return list(current_app.extensions["ist_channels"].values())


def channel_named(name: str) -> Channel | None:
    found: Channel | None = current_app.extensions["ist_channels"].get(name)
    return found
