"""Acting on revisions in tests: a statement written and edited in the
editor, its revisions read as the database keeps them."""

from __future__ import annotations

from admin_helpers import NEW, csrf_token, new_statement, post, statement_form, stored
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from ist_flask.extensions import db
from ist_flask.revision_models import AuditEvent, Revision

SLUG = "solidarity-with-the-strikers"


def written(app: Flask, client: FlaskClient, **overrides: str) -> int:
    """A new statement saved in the editor; its id."""
    assert post(client, NEW, new_statement(**overrides)).status_code == 302
    slug = overrides.get("translation_en-slug") or SLUG
    return stored(app, "en", slug).statement_id


def edited(client: FlaskClient, statement_id: int, **changes: str) -> None:
    """Save the statement in the editor with ``changes`` to its form."""
    path = f"/admin/statements/{statement_id}/edit"
    # A browser drops the newline that starts a textarea; lxml keeps it.
    form = {
        name: value[1:] if name.endswith(("-body", "-summary")) and value[:1] == "\n" else value
        for name, value in statement_form(client, path).items()
    }
    assert post(client, path, {**form, **changes, "action": "save"}).status_code == 302


def kept(app: Flask, statement_id: int) -> list[Revision]:
    """The statement's revisions, oldest first, detached from the session."""
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(Revision).where(Revision.statement_id == statement_id).order_by(Revision.id)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def logged(app: Flask) -> list[AuditEvent]:
    """The audit log, oldest first."""
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def restore(client: FlaskClient, statement_id: int, revision_id: int):  # type: ignore[no-untyped-def]
    page = f"/admin/statements/{statement_id}/revisions"
    return client.post(
        f"{page}/{revision_id}/restore", data={"csrf_token": csrf_token(client, page)}
    )
