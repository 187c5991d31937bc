"""Roles: admins do everything, editors write statements, translators only
their languages' translations; the server refuses the rest with 403."""

from __future__ import annotations

from admin_helpers import EMAIL, PASSWORD, count_statements, csrf_token, new_statement, sign_in
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from ist_flask.account_models import User
from ist_flask.accounts import create_user
from ist_flask.extensions import db
from ist_flask.models import Statement
from ist_flask.roles import Role

TRANSLATOR = "translator@example.org"
EDITOR = "writer@example.org"


def account(app: Flask, email: str, role: Role, languages: tuple[str, ...] = ()) -> FlaskClient:
    with app.app_context():
        create_user(email, PASSWORD, role, languages)
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def some_statement_id(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(Statement.id)).scalars().first()


def editor_only_pages(app: Flask) -> list[str]:
    sid = some_statement_id(app)
    return [
        "/admin/statements/new",
        f"/admin/statements/{sid}/edit",
        f"/admin/statements/{sid}/delete",
        "/admin/topics",
        "/admin/topics/new",
        "/admin/organisations",
        "/admin/organisations/new",
        "/admin/subscribers",
    ]


def test_a_translator_is_refused_every_editor_page_with_403(app: Flask) -> None:
    translator = account(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    for path in editor_only_pages(app):
        response = translator.get(path)
        assert response.status_code == 403, path
        assert "may not do this" in response.get_data(as_text=True)


def test_a_translators_posts_to_editor_pages_change_nothing(app: Flask) -> None:
    translator = account(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    # A token from a page the translator may open, so only the role stops them.
    token = csrf_token(translator, "/admin/")
    sid = some_statement_id(app)
    before = count_statements(app)
    new = translator.post("/admin/statements/new", data={"csrf_token": token, **new_statement()})
    deleted = translator.post(f"/admin/statements/{sid}/delete", data={"csrf_token": token})
    assert (new.status_code, deleted.status_code) == (403, 403)
    assert count_statements(app) == before
    with app.app_context():
        assert db.session.get(Statement, sid) is not None


def test_a_translator_sees_the_list_without_editing_links(app: Flask) -> None:
    translator = account(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    page = translator.get("/admin/").get_data(as_text=True)
    assert "/admin/statements/new" not in page
    assert "/edit" not in page


def test_an_editor_writes_statements_but_does_not_manage_accounts(app: Flask) -> None:
    editor = account(app, EDITOR, Role.EDITOR)
    for path in editor_only_pages(app):
        assert editor.get(path).status_code == 200, path
    assert editor.get("/admin/").status_code == 200


def test_a_page_that_names_no_roles_is_for_admins_only(app: Flask, runner: FlaskCliRunner) -> None:
    app.add_url_rule("/admin/unmarked", endpoint="admin.unmarked", view_func=lambda: "secret")
    editor = account(app, EDITOR, Role.EDITOR)
    assert editor.get("/admin/unmarked").status_code == 403
    with app.app_context():
        create_user(EMAIL, PASSWORD)  # an admin, as every account made without a role
    admin = app.test_client()
    sign_in(admin)
    assert admin.get("/admin/unmarked").get_data(as_text=True) == "secret"


def test_users_create_makes_a_translator_of_some_languages(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=[
            *("users", "create", TRANSLATOR, "--password-stdin"),
            *("--role", "translator", "--languages", "fr,es", "--may-publish"),
        ],
        input=f"{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "translator of es,fr, may publish" in result.output
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == TRANSLATOR)).scalar_one()
        assert (user.role, user.language_codes, user.may_publish) == (
            "translator",
            frozenset({"fr", "es"}),
            True,
        )
    listed = runner.invoke(args=["users", "list"]).output
    assert TRANSLATOR in listed and "translator of es,fr" in listed


def test_users_create_refuses_a_translator_without_languages_or_with_unknown_ones(
    app: Flask, runner: FlaskCliRunner
) -> None:
    for languages in ("", "fr,xx"):
        result = runner.invoke(
            args=[
                *("users", "create", TRANSLATOR, "--password-stdin"),
                *("--role", "translator", "--languages", languages),
            ],
            input=f"{PASSWORD}\n",
        )
        assert result.exit_code != 0
        assert "language" in result.output
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


def test_set_role_changes_the_rights_and_ends_the_sessions(
    app: Flask, runner: FlaskCliRunner
) -> None:
    editor = account(app, EDITOR, Role.EDITOR)
    assert editor.get("/admin/statements/new").status_code == 200
    result = runner.invoke(
        args=["users", "set-role", EDITOR, "--role", "translator", "--languages", "de"]
    )
    assert result.exit_code == 0, result.output
    # The old session no longer opens the editor at all: sign in again.
    assert editor.get("/admin/").status_code == 302
    sign_in(editor, EDITOR, PASSWORD)
    assert editor.get("/admin/statements/new").status_code == 403


def test_maintainers_from_before_roles_become_admins(empty_app: Flask) -> None:
    def read(query: str) -> object:
        # Read and end the transaction: on PostgreSQL, a migration on another
        # connection would otherwise wait for it forever.
        value = db.session.execute(text(query)).scalar_one()
        db.session.remove()
        return value

    with empty_app.app_context():
        downgrade(revision="0016")
        db.session.execute(
            text(
                "INSERT INTO users (email, password_hash, created_at) "
                "VALUES ('old@example.org', 'x', '2026-01-01 00:00:00')"
            )
        )
        db.session.commit()
        db.session.remove()
        upgrade(revision="0017")
        assert read("SELECT role FROM users") == "admin"
        downgrade(revision="0016")
        assert read("SELECT count(*) FROM users") == 1
        upgrade()
