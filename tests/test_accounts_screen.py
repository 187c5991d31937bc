"""The accounts screen at /admin/users: admins list, make, change and delete
accounts; nobody else may, and the last admin always stays."""

from __future__ import annotations

from admin_helpers import EMAIL, PASSWORD, csrf_token, sign_in
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from pages import parse
from sqlalchemy import func, select
from two_factor_helpers import enrolled

from ist_flask.account_models import User
from ist_flask.accounts import AccountError, create_user, delete_user, find_user, set_role
from ist_flask.extensions import db
from ist_flask.roles import Role

EDITOR = "writer@example.org"
TRANSLATOR = "translator@example.org"
NEW = "new@example.org"


def account(app: Flask, email: str, role: Role, languages: tuple[str, ...] = ()) -> FlaskClient:
    with app.app_context():
        create_user(email, PASSWORD, role, languages)
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def account_id(app: Flask, email: str) -> int:
    with app.app_context():
        user = find_user(email)
        assert user is not None
        return user.id


def role_of(app: Flask, email: str) -> tuple[str, frozenset[str], bool] | None:
    with app.app_context():
        user = find_user(email)
        return None if user is None else (user.role, user.language_codes, user.may_publish)


def count_accounts(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def test_admins_see_every_account_with_its_role_languages_and_two_factor(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    enrolled(app, EDITOR, Role.EDITOR)
    with app.app_context():
        create_user(TRANSLATOR, PASSWORD, Role.TRANSLATOR, ("fr", "es"))
    page = parse(admin.get("/admin/users"))
    rows = {
        row.cssselect("th")[0].text_content().strip(): [
            cell.text_content().split() for cell in row.cssselect("td")
        ]
        for row in page.cssselect("tbody tr")
    }
    assert rows[EMAIL] == [["Administrator"], ["all", "languages"], ["off"]]
    assert rows[EDITOR] == [["Editor"], ["all", "languages"], ["on"]]
    assert rows[TRANSLATOR][0] == ["Translator", "·", "drafts", "only"]
    # Each language by its own name.
    assert rows[TRANSLATOR][1] == ["Español,", "Français"]


def test_the_accounts_link_is_for_admins_and_two_factor_for_everyone(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    translator = account(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    admin_nav = admin.get("/admin/").get_data(as_text=True)
    translator_nav = translator.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/users"' in admin_nav and 'href="/admin/users"' not in translator_nav
    assert 'href="/admin/two-factor"' in admin_nav and 'href="/admin/two-factor"' in translator_nav


def test_an_admin_makes_a_translator_account(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    form = {
        "csrf_token": csrf_token(admin, "/admin/users/new"),
        "email": NEW,
        "password": "a long enough password",
        "role": "translator",
        "languages": ["fr", "de"],
        "may_publish": "y",
    }
    response = admin.post("/admin/users/new", data=form)
    assert response.status_code == 302
    assert role_of(app, NEW) == ("translator", frozenset({"fr", "de"}), True)
    assert sign_in(app.test_client(), NEW, "a long enough password").status_code == 302


def test_a_bad_new_account_is_explained_and_nothing_is_made(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    token = csrf_token(admin, "/admin/users/new")
    before = count_accounts(app)
    cases = [
        ({"email": NEW, "password": "short", "role": "editor"}, "at least 10 characters"),
        ({"email": NEW, "password": PASSWORD, "role": "translator"}, "at least one language"),
        ({"email": EMAIL, "password": PASSWORD, "role": "editor"}, "already has an account"),
        ({"email": NEW, "password": PASSWORD, "role": "emperor"}, "Not a valid choice"),
        ({"email": NEW, "password": PASSWORD, "role": "translator", "languages": "xx"}, "xx"),
    ]
    for fields, message in cases:
        response = admin.post("/admin/users/new", data={"csrf_token": token, **fields})
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    assert count_accounts(app) == before


def test_an_admin_changes_a_role_which_ends_that_accounts_sessions(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    editor = account(app, EDITOR, Role.EDITOR)
    path = f"/admin/users/{account_id(app, EDITOR)}"
    form = {"csrf_token": csrf_token(admin, path), "role": "translator", "languages": ["el"]}
    assert admin.post(path, data=form).status_code == 302
    assert role_of(app, EDITOR) == ("translator", frozenset({"el"}), False)
    assert editor.get("/admin/").status_code == 302


def test_an_admin_deletes_an_account(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    enrolled(app, EDITOR, Role.EDITOR)
    path = f"/admin/users/{account_id(app, EDITOR)}"
    token = csrf_token(admin, path)
    assert admin.post(path + "/delete", data={"csrf_token": token}).status_code == 302
    assert role_of(app, EDITOR) is None


def test_the_last_admin_can_be_neither_demoted_nor_deleted(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    path = f"/admin/users/{account_id(app, EMAIL)}"
    token = csrf_token(admin, path)
    demoted = admin.post(path, data={"csrf_token": token, "role": "editor"})
    assert demoted.status_code == 400
    assert "last administrator" in demoted.get_data(as_text=True)
    deleted = admin.post(path + "/delete", data={"csrf_token": token}, follow_redirects=True)
    assert "last administrator" in deleted.get_data(as_text=True)
    assert role_of(app, EMAIL) == ("admin", frozenset(), False)
    # With a second admin, the first may go.
    with app.app_context():
        create_user("second@example.org", PASSWORD, Role.ADMIN)
    assert admin.post(path, data={"csrf_token": token, "role": "editor"}).status_code == 302
    assert role_of(app, EMAIL) == ("editor", frozenset(), False)


def test_the_commands_keep_the_last_admin_too(app: Flask, runner: FlaskCliRunner) -> None:
    with app.app_context():
        create_user(EMAIL, PASSWORD, Role.ADMIN)
        for attempt in (
            lambda: set_role(EMAIL, Role.EDITOR),
            lambda: delete_user(EMAIL),
        ):
            try:
                attempt()
            except AccountError as error:
                assert "last administrator" in str(error)
            else:
                raise AssertionError("the last admin was taken away")
            db.session.rollback()
    demoted = runner.invoke(args=["users", "set-role", EMAIL, "--role", "editor"])
    deleted = runner.invoke(args=["users", "delete", EMAIL, "--yes"])
    assert demoted.exit_code != 0 and "last administrator" in demoted.output
    assert deleted.exit_code != 0 and "last administrator" in deleted.output
    assert role_of(app, EMAIL) == ("admin", frozenset(), False)


def test_editors_and_translators_get_403_and_their_posts_change_nothing(app: Flask) -> None:
    account(app, EMAIL, Role.ADMIN)
    target = f"/admin/users/{account_id(app, EMAIL)}"
    for client in (
        account(app, EDITOR, Role.EDITOR),
        account(app, TRANSLATOR, Role.TRANSLATOR, ("fr",)),
    ):
        for path in ("/admin/users", "/admin/users/new", target):
            assert client.get(path).status_code == 403, path
        # A token from a page they may open, so only the role stops them.
        token = csrf_token(client, "/admin/")
        before = count_accounts(app)
        made = client.post(
            "/admin/users/new",
            data={"csrf_token": token, "email": NEW, "password": PASSWORD, "role": "admin"},
        )
        promoted = client.post(target, data={"csrf_token": token, "role": "translator"})
        deleted = client.post(target + "/delete", data={"csrf_token": token})
        assert (made.status_code, promoted.status_code, deleted.status_code) == (403, 403, 403)
        assert count_accounts(app) == before
        assert role_of(app, EMAIL) == ("admin", frozenset(), False)


def test_an_unknown_account_is_a_404(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    assert admin.get("/admin/users/999999").status_code == 404
    assert admin.get("/admin/users/99999999999999999999").status_code == 404


def test_an_admin_who_deletes_their_own_account_is_signed_out(app: Flask) -> None:
    admin = account(app, EMAIL, Role.ADMIN)
    with app.app_context():
        create_user("second@example.org", PASSWORD, Role.ADMIN)
    path = f"/admin/users/{account_id(app, EMAIL)}"
    response = admin.post(path + "/delete", data={"csrf_token": csrf_token(admin, path)})
    assert response.headers["Location"].endswith("/admin/login")
    assert role_of(app, EMAIL) is None
    assert admin.get("/admin/").status_code == 302
