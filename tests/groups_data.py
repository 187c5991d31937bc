"""A site with topics and fictional signatories, written through the import
format as maintainers would."""

from __future__ import annotations

import io
import json
from typing import Any

from builders import statement
from flask import Flask

from ist_flask import statement_import
from ist_flask.content import TextLimits
from ist_flask.i18n import supported_languages

TOPICS = {
    "anti-war": {
        "en": {"name": "Anti-war", "slug": "anti-war"},
        "fr": {"name": "Contre la guerre", "slug": "contre-la-guerre"},
    },
    "declarations": {"en": {"name": "Declarations", "slug": "declarations"}},
}
# Invented: no real organisation's name or address.
ORGANISATIONS = {
    "example-socialist-group": {
        "name": "Example Socialist Group",
        "country": "DE",
        "web_address": "https://example.org/group",
        "names": {"fr": "Groupe socialiste exemple"},
    },
    "fictional-workers-league": {
        "name": "Fictional Workers League",
        "country": "GB",
        "web_address": None,
    },
}


def import_document(app: Flask, document: dict[str, Any]) -> None:
    data = json.dumps(document).encode("utf-8")
    with app.app_context():
        statement_import.import_statement_file(
            lambda: io.BytesIO(data),
            supported_languages(),
            limits=TextLimits.from_config(app.config),
        )


def add_grouped(app: Flask) -> None:
    """Three statements: two against the war (one signed by both invented
    organisations), one declaration, one with neither."""
    import_document(
        app,
        {
            "topics": TOPICS,
            "organisations": ORGANISATIONS,
            "statements": [
                statement(
                    "2024-03-01T00:00:00Z",
                    {"en": {"title": "Stop the war"}, "fr": {"title": "Arrêtez la guerre"}},
                    topics=["anti-war"],
                    signatories=["example-socialist-group", "fictional-workers-league"],
                ),
                statement(
                    "2024-02-01T00:00:00Z",
                    {"en": {"title": "No to the arms race"}},
                    topics=["anti-war", "declarations"],
                    signatories=["fictional-workers-league"],
                ),
                statement(
                    "2024-01-01T00:00:00Z",
                    {"en": {"title": "Founding declaration"}},
                    topics=["declarations"],
                ),
                statement("2023-12-01T00:00:00Z", {"en": {"title": "Unrelated news"}}),
            ],
        },
    )
