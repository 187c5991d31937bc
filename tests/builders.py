"""Test data written through the import format, the way maintainers add statements."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from ist_flask import statement_import
from ist_flask.content import TextLimits
from ist_flask.i18n import supported_languages


def statement(
    published: str, translations: dict[str, dict[str, Any]], **extra: Any
) -> dict[str, Any]:
    filled = {
        language: {"body": f"<p>Body of {fields['title']}.</p>", **fields}
        for language, fields in translations.items()
    }
    return {"published": published, "translations": filled, **extra}


def add(app: Flask, *statements: dict[str, Any]) -> None:
    """Import ``statements`` as `flask statements import` would."""
    data = json.dumps({"statements": list(statements)}).encode("utf-8")
    with app.app_context():
        statement_import.import_statement_file(
            lambda: io.BytesIO(data),
            supported_languages(),
            limits=TextLimits.from_config(app.config),
        )


def numbered(count: int, start: datetime | None = None, language: str = "en") -> list[dict]:
    """``count`` statements, one a day back from ``start``, titled "Number N"."""
    start = start or datetime(2019, 1, 1, tzinfo=UTC)
    return [
        statement(
            (start - timedelta(days=n)).isoformat(),
            {language: {"title": f"Number {n}"}},
        )
        for n in range(count)
    ]
