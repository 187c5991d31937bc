"""The channels join from the settings alone: WebSub with hubs, email with an
SMTP server and a sender, ActivityPub when it is on; none by default."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from ist_flask import channels


def names(app: Flask) -> set[str]:
    with app.app_context():
        return {channel.name for channel in channels.registered()}


def test_channels_join_from_the_settings(configured_app: Callable[..., Flask]) -> None:
    assert names(configured_app()) == set()
    site = {"SITE_URL": "https://ist.example.org"}
    assert names(configured_app(WEBSUB_HUBS="https://hub.example.net/", **site)) == {"websub"}
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_FROM": "IST <news@example.org>", **site}
    assert names(configured_app(**mail)) == {"email"}
    assert names(configured_app(ACTIVITYPUB=True, **site)) == {"activitypub"}
