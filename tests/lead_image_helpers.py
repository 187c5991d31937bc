"""A maintainer giving a statement a lead image through the editor, in tests."""

from __future__ import annotations

from io import BytesIO

from admin_helpers import NEW, csrf_token, new_statement
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ist_flask.extensions import db
from ist_flask.image_models import Image, Rendition
from ist_flask.models import Statement

ALT = "Strikers marching behind a red banner"


def upload(
    client: FlaskClient, image: bytes, name: str = "photo.jpg", path: str = NEW, **fields: str
):  # type: ignore[no-untyped-def]
    """Send the statement form with ``image`` as its file, and alt text in English."""
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, path),
        **new_statement(**{"translation_en-image_alt": ALT, **fields}),
        "image": (BytesIO(image), name),
    }
    return client.post(path, data=data, content_type="multipart/form-data")


def stored_image_files(app: Flask) -> tuple[bytes, list[tuple[int, str, bytes]]]:
    """The newest stored original (the demo has one before it), and (width,
    media type, bytes) of each of its renditions."""
    with app.app_context():
        image = db.session.execute(select(Image).order_by(Image.id.desc()).limit(1)).scalar_one()
        renditions = db.session.execute(
            select(Rendition.width, Rendition.media_type, Rendition.data)
            .where(Rendition.image_id == image.id)
            .order_by(Rendition.id)
        ).all()
        return image.data, [(r[0], r[1], r[2]) for r in renditions]


def lead_image_of(app: Flask, statement_id: int) -> Image | None:
    with app.app_context():
        statement = db.session.get(Statement, statement_id)
        assert statement is not None
        image = statement.lead_image
        if image is not None:
            db.session.expunge(image)
        return image
