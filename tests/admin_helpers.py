"""Acting as a maintainer in tests: accounts, CSRF tokens and signing in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient
from pages import parse
from sqlalchemy import func, select

from ist_flask.accounts import create_user
from ist_flask.extensions import db
from ist_flask.models import Statement, Translation

EMAIL = "editor@example.org"
PASSWORD = "correct horse battery"


def make_maintainer(app: Flask, email: str = EMAIL, password: str = PASSWORD) -> None:
    with app.app_context():
        create_user(email, password)


def csrf_token(client: FlaskClient, path: str = "/admin/login") -> str:
    """The CSRF token of the form on ``path``, as a browser would find it."""
    page = parse(client.get(path))
    return page.cssselect("input[name=csrf_token]")[0].get("value")


def sign_in(client: FlaskClient, email: str = EMAIL, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    token = csrf_token(client)
    return client.post(
        "/admin/login", data={"csrf_token": token, "email": email, "password": password}
    )


def statement_form(client: FlaskClient, path: str) -> dict[str, str]:
    """Every field of the statement form on ``path``, as the browser would send it."""
    page = parse(client.get(path))
    form = page.cssselect("form.editor-form")[0]
    data: dict[str, str] = {}
    for element in form.iter("input", "textarea", "select"):
        name = element.get("name")
        if not name:
            continue
        kind = element.get("type", "")
        if kind in ("radio", "checkbox"):
            if element.get("checked") is not None:
                data[name] = element.get("value", "y")
        elif element.tag == "textarea":
            data[name] = element.text or ""
        elif element.tag == "select":
            chosen = element.cssselect("option[selected]") or element.cssselect("option")
            data[name] = chosen[0].get("value")
        else:
            data[name] = element.get("value", "")
    return data


NEW = "/admin/statements/new"


def new_statement(**overrides: str) -> dict[str, str]:
    """A form as the editor sends it for a new statement, in English and French."""
    now = datetime.now(UTC) - timedelta(minutes=5)
    data = {
        "published_at": now.strftime("%Y-%m-%dT%H:%M"),
        "status": "published",
        "original_language": "en",
        "version": "",
        "translation_en-title": "Solidarity with the strikers",
        "translation_en-slug": "",
        "translation_en-summary": "",
        "translation_en-body": "We stand with the **strikers**.\n\n> An injury to one is an injury to all.",
        "translation_fr-title": "Solidarité avec les grévistes",
        "translation_fr-body": "Nous sommes aux côtés des *grévistes*.",
        "action": "save",
    }
    data.update(overrides)
    return data


def post(client: FlaskClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf_token(client, path), **data})


def count_statements(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Statement.id))).scalar_one()


def stored(app: Flask, language: str, slug: str) -> Translation:
    with app.app_context():
        translation = db.session.execute(
            select(Translation).where(Translation.language == language, Translation.slug == slug)
        ).scalar_one()
        db.session.expunge(translation)
        return translation
