"""The audit log: sign-ins (failed ones bounded), sign-outs, role changes,
publishes, deletes and restores; admins read it at /admin/audit and with
`flask audit`."""

from __future__ import annotations

from admin_helpers import EMAIL, PASSWORD, csrf_token, make_maintainer, post, sign_in
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from revision_helpers import edited, kept, logged, restore, written
from test_roles import EDITOR, TRANSLATOR, account
from two_factor_helpers import enrolled, next_code, send_code, sign_in_with_code

from ist_flask.roles import Role


def test_sign_ins_failed_sign_ins_and_sign_outs_are_logged_without_passwords(
    app: Flask,
) -> None:
    make_maintainer(app)
    client = app.test_client()
    assert sign_in(client, EMAIL, "not the password").status_code == 401
    assert sign_in(client, "Nobody@Example.org", "guess 12345").status_code == 401
    assert sign_in(client).status_code == 302
    client.post("/admin/logout", data={"csrf_token": csrf_token(client, "/admin/")})
    events = [e for e in logged(app) if e.event != "role"]
    assert [(e.event, e.subject, e.actor_email) for e in events] == [
        ("sign-in-failed", EMAIL, None),
        ("sign-in-failed", "nobody@example.org", None),
        ("sign-in", EMAIL, EMAIL),
        ("sign-out", EMAIL, EMAIL),
    ]
    assert all(e.address == "127.0.0.1" for e in events)
    kept_text = " ".join(str(vars(e)) for e in events)
    assert "not the password" not in kept_text and "guess 12345" not in kept_text


def test_a_wrong_second_step_code_is_a_failed_sign_in(app: Flask) -> None:
    secret, _codes = enrolled(app, EMAIL)
    client = app.test_client()
    assert sign_in_with_code(client, EMAIL, "000000").status_code == 401
    assert send_code(client, next_code(secret)).status_code == 302
    events = [(e.event, e.subject, e.detail) for e in logged(app) if e.event != "role"]
    assert events == [("sign-in-failed", EMAIL, "code"), ("sign-in", EMAIL, None)]


def test_only_the_latest_failed_sign_ins_are_kept(configured_app) -> None:  # type: ignore[no-untyped-def]
    app = configured_app(AUDIT_FAILED_SIGN_INS_KEPT=3)
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)  # a success, which the bound never removes
    stranger = app.test_client()
    for number in range(6):
        assert sign_in(stranger, f"guess{number}@example.org", "wrong").status_code == 401
    events = [e for e in logged(app) if e.event != "role"]
    assert [e.subject for e in events if e.event == "sign-in-failed"] == [
        "guess3@example.org",
        "guess4@example.org",
        "guess5@example.org",
    ]
    assert events[0].event == "sign-in"


def test_accounts_created_given_roles_and_deleted_are_logged(
    app: Flask, runner: FlaskCliRunner
) -> None:
    for args in (
        ["users", "create", "t@example.org", "--role", "translator", "--languages", "fr",
         "--password-stdin"],
        ["users", "set-role", "t@example.org", "--role", "editor"],
        ["users", "delete", "t@example.org", "--yes"],
    ):  # fmt: skip
        result = runner.invoke(args=args, input="a long password\n")
        assert result.exit_code == 0, result.output
    assert [(e.event, e.subject, e.detail, e.actor_email) for e in logged(app)] == [
        ("role", "t@example.org", "created: translator fr", None),
        ("role", "t@example.org", "editor", None),
        ("role", "t@example.org", "deleted", None),
    ]


def test_publishes_deletes_and_restores_are_logged_with_who(
    app: Flask, editor: FlaskClient
) -> None:
    draft = written(app, editor, status="draft")
    edited(editor, draft, status="published")
    edited(editor, draft, **{"translation_en-title": "Changed"})
    restore(editor, draft, kept(app, draft)[0].id)
    post(editor, f"/admin/statements/{draft}/delete", {})
    about_it = [e for e in logged(app) if e.event not in ("sign-in", "role")]
    events = [(e.event, e.actor_email) for e in about_it]
    assert events == [
        ("publish", EMAIL),
        ("restore", EMAIL),
        ("delete", EMAIL),
    ]
    assert all(e.subject == f"statement {draft}" for e in about_it)


def test_admins_read_the_log_newest_first_and_no_one_else(app: Flask, editor: FlaskClient) -> None:
    written(app, editor)
    page = editor.get("/admin/audit")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.index("published") < text.index("signed in")
    assert "Audit log" in editor.get("/admin/").get_data(as_text=True)
    assert editor.get("/admin/audit?page=0").status_code == 404
    for other in (
        account(app, EDITOR, Role.EDITOR),
        account(app, TRANSLATOR, Role.TRANSLATOR, ("fr",)),
    ):
        assert other.get("/admin/audit").status_code == 403
        assert "/admin/audit" not in other.get("/admin/").get_data(as_text=True)


def test_flask_audit_prints_the_newest_events(app: Flask, runner: FlaskCliRunner) -> None:
    make_maintainer(app)
    client = app.test_client()
    sign_in(client, EMAIL, "wrong password")
    sign_in(client, EMAIL, PASSWORD)
    result = runner.invoke(args=["audit", "--limit", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and "\tsign-in\t" in lines[0] and EMAIL in lines[0]
    # The account's creation, the failed try and the sign-in.
    assert len(runner.invoke(args=["audit"]).output.splitlines()) == 3
    assert runner.invoke(args=["audit", "--limit", "0"]).exit_code == 2


def test_another_writer_records_through_one_call(app: Flask) -> None:
    """What the translation desk or an XLIFF import does: one call after its
    commit; with nothing known before, no publish is guessed."""
    from sqlalchemy import select

    from ist_flask import revisions
    from ist_flask.extensions import db
    from ist_flask.models import Statement

    with app.app_context():
        statement = db.session.scalars(select(Statement).order_by(Statement.id)).first()
        assert statement is not None
        first = revisions.record(statement, None, revisions.EDIT)
        assert (first.changes, first.author_email) == (None, None)
        statement.translations[0].title = "Retitled"
        db.session.commit()
        second = revisions.record(statement, None, revisions.EDIT)
        assert second.changes == {
            "fields": [],
            "languages": {statement.translations[0].language: "changed"},
        }
    assert [e.event for e in logged(app)] == []
