"""`flask users …`: maintainers' accounts from the command line."""

from __future__ import annotations

from admin_helpers import sign_in
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from ist_flask.account_models import User
from ist_flask.extensions import db


def hashes(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.execute(select(User.password_hash)).scalars())


def test_create_asks_for_the_password_twice(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "Ed@Example.org"], input="long password 1\nlong password 1\n"
    )
    assert result.exit_code == 0, result.output
    assert "Created ed@example.org (admin)." in result.output
    assert sign_in(app.test_client(), "ed@example.org", "long password 1").status_code == 302


def test_create_refuses_two_different_passwords(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "ed@example.org"], input="long password 1\nother password 2\n"
    )
    assert result.exit_code != 0
    assert hashes(app) == []


def test_create_reads_the_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "ed@example.org", "--password-stdin"], input="piped password\n"
    )
    assert result.exit_code == 0, result.output
    assert sign_in(app.test_client(), "ed@example.org", "piped password").status_code == 302
    assert hashes(app)[0].startswith("scrypt:")


def test_bad_accounts_are_refused_with_a_message(runner: FlaskCliRunner) -> None:
    create = ["users", "create", "ed@example.org", "--password-stdin"]
    assert runner.invoke(args=create, input="good password\n").exit_code == 0
    for args, stdin, message in [
        (create, "another password\n", "already has an account"),
        (
            ["users", "create", "not-an-address", "--password-stdin"],
            "good password\n",
            "not an e-mail address",
        ),
        (
            ["users", "create", "x@example.org", "--password-stdin"],
            "short\n",
            "at least 10 characters",
        ),
        (
            ["users", "set-password", "nobody@example.org", "--password-stdin"],
            "good password\n",
            "no account",
        ),
        (["users", "delete", "nobody@example.org", "--yes"], "", "no account"),
    ]:
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code != 0, args
        assert message in result.output and "Traceback" not in result.output


def test_list_set_password_and_delete(app: Flask, runner: FlaskCliRunner) -> None:
    runner.invoke(
        args=["users", "create", "b@example.org", "--password-stdin"], input="first password\n"
    )
    runner.invoke(
        args=["users", "create", "a@example.org", "--password-stdin"], input="first password\n"
    )
    listed = runner.invoke(args=["users", "list"]).output.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["a@example.org", "b@example.org"]

    result = runner.invoke(
        args=["users", "set-password", "a@example.org", "--password-stdin"],
        input="second password\n",
    )
    assert result.exit_code == 0
    assert sign_in(app.test_client(), "a@example.org", "first password").status_code == 401
    assert sign_in(app.test_client(), "a@example.org", "second password").status_code == 302

    assert runner.invoke(args=["users", "delete", "a@example.org"], input="n\n").exit_code != 0
    assert runner.invoke(args=["users", "delete", "a@example.org", "--yes"]).exit_code == 0
    assert [
        line.split("\t")[0] for line in runner.invoke(args=["users", "list"]).output.splitlines()
    ] == ["b@example.org"]
