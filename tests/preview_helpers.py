"""Unpublished statements and their preview links, as the editor makes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from admin_helpers import csrf_token
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import parse
from sqlalchemy import select

from ist_flask.extensions import db
from ist_flask.models import Translation

DRAFT_TITLE = "Solidarity with the dockers"
SCHEDULED_TITLE = "Against the new border law"


def add_unpublished(app: Flask) -> tuple[int, int]:
    """(draft id, scheduled id): a draft in English and French, timed in the
    past so that publishing it keeps its date, and an English statement
    scheduled for a week ahead."""
    ahead = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    add(
        app,
        statement(
            "2024-03-01T09:00:00Z",
            {
                "en": {"title": DRAFT_TITLE, "body": "<p>We stand with the <em>dockers</em>.</p>"},
                "fr": {"title": "Solidarité avec les dockers", "body": "<p>Avec les dockers.</p>"},
            },
            status="draft",
        ),
        statement(ahead.isoformat(), {"en": {"title": SCHEDULED_TITLE}}),
    )
    return statement_id(app, DRAFT_TITLE), statement_id(app, SCHEDULED_TITLE)


def statement_id(app: Flask, title: str) -> int:
    with app.app_context():
        return db.session.execute(
            select(Translation.statement_id).where(Translation.title == title)
        ).scalar_one()


def edit_path(statement_id: int) -> str:
    return f"/admin/statements/{statement_id}/edit"


def make_link(client: FlaskClient, statement_id: int, days: str = "7"):  # type: ignore[no-untyped-def]
    """Post the editor page's preview form, as the browser would."""
    token = csrf_token(client, edit_path(statement_id))
    return client.post(
        f"/admin/statements/{statement_id}/previews", data={"csrf_token": token, "days": days}
    )


def link_urls(client: FlaskClient, statement_id: int) -> list[str]:
    """The preview links the editor page lists (full URLs, to copy)."""
    page = parse(client.get(edit_path(statement_id)))
    return [field.get("value") for field in page.cssselect(".preview-link-list input[readonly]")]


def revoke_first(client: FlaskClient, statement_id: int):  # type: ignore[no-untyped-def]
    page = parse(client.get(edit_path(statement_id)))
    form = page.cssselect(".preview-link-list form")[0]
    token = form.cssselect("input[name=csrf_token]")[0].get("value")
    return client.post(form.get("action"), data={"csrf_token": token})
