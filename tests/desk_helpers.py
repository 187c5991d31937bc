"""The translation desk in tests: a statement in English and French, accounts
of each role, and the desk's form as a browser would send it."""

from __future__ import annotations

from admin_helpers import NEW, PASSWORD, new_statement, post, sign_in
from flask import Flask
from flask.testing import FlaskClient
from pages import parse
from sqlalchemy import select

from ist_flask.accounts import create_user
from ist_flask.desk_models import DraftTranslation
from ist_flask.extensions import db
from ist_flask.models import Translation
from ist_flask.roles import Role

EDITOR = "writer@example.org"
TRANSLATOR = "translator@example.org"


def member(
    app: Flask,
    email: str,
    role: Role,
    languages: tuple[str, ...] = (),
    may_publish: bool = False,
) -> FlaskClient:
    """A signed-in browser of a new account."""
    with app.app_context():
        create_user(email, PASSWORD, role, languages, may_publish)
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def written_statement(app: Flask, editor: FlaskClient, **overrides: str) -> int:
    """A published statement written in English with a French translation; its id."""
    assert post(editor, NEW, new_statement(**overrides)).status_code == 302
    with app.app_context():
        return (
            db.session.execute(select(Translation.statement_id).order_by(Translation.id.desc()))
            .scalars()
            .first()
        )


def desk_path(statement_id: int, language: str) -> str:
    return f"/admin/statements/{statement_id}/translate/{language}"


def desk_form(client: FlaskClient, path: str) -> dict[str, str]:
    """Every field of the desk's form on ``path``, as the browser would send it."""
    form = parse(client.get(path)).cssselect("form.desk-form")[0]
    data: dict[str, str] = {}
    for element in form.iter("input", "textarea"):
        name = element.get("name")
        if not name or (element.get("type") == "checkbox" and element.get("checked") is None):
            continue
        if element.tag == "textarea":
            # A browser drops the newline that starts a textarea (WTForms writes one).
            data[name] = (element.text or "").removeprefix("\r\n").removeprefix("\n")
        else:
            data[name] = element.get("value", "")
    return data


def published(app: Flask, statement_id: int, language: str) -> Translation | None:
    with app.app_context():
        translation = db.session.execute(
            select(Translation).where(
                Translation.statement_id == statement_id, Translation.language == language
            )
        ).scalar_one_or_none()
        if translation is not None:
            db.session.expunge(translation)
        return translation


def draft(app: Flask, statement_id: int, language: str) -> DraftTranslation | None:
    with app.app_context():
        found = db.session.execute(
            select(DraftTranslation).where(
                DraftTranslation.statement_id == statement_id, DraftTranslation.language == language
            )
        ).scalar_one_or_none()
        if found is not None:
            db.session.expunge(found)
        return found
