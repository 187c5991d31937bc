"""Default settings. Each can be overridden by an IST_-prefixed environment variable
(IST_TIMEZONE=Europe/Athens) or, in tests, by the mapping given to create_app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .i18n import DEFAULT_LANGUAGE, DEFAULT_LANGUAGES


def default_config(instance_path: str, project_root: Path) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'ist_flask.sqlite3'}",
        # The supported languages, in the order pages list them.
        "LANGUAGES": DEFAULT_LANGUAGES,
        "BABEL_DEFAULT_LOCALE": DEFAULT_LANGUAGE,
        # Absolute, because Flask-Babel looks inside the package by default.
        "BABEL_TRANSLATION_DIRECTORIES": str(project_root / "translations"),
        # The zone dates are written in.
        "TIMEZONE": "UTC",
        # The public address, such as https://example.org; the request's host when unset.
        "SITE_URL": None,
        # Author of every feed entry, and the publisher's name.
        "ORGANISATION_NAME": "International Socialist Tendency",
        "ENTRIES_PER_PAGE": 20,
        "FEED_SIZE": 20,
        # Seconds a feed reader or proxy may keep a feed before asking again.
        "FEED_MAX_AGE": 300,
    }
