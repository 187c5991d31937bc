"""Maintainers' accounts: stored as scrypt hashes, signed in with Flask-Login,
managed with `flask users create|list|set-password|sign-out-everywhere|delete`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from functools import cache

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, login_manager
from .models import User
from .schema import needs_current_schema

MIN_PASSWORD_LENGTH = 10


@cache
def _dummy_hash(method: str) -> str:
    """Checked against when an address is unknown, so that a wrong address and
    a wrong password take the same time and cannot be told apart. Made at the
    first such sign-in, not at start: scrypt takes 32 MB while it hashes, which
    would set every server process's peak memory before it answered anyone."""
    return generate_password_hash("not a password", method=method)


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message says why."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.execute(
        select(User).where(User.email == normalise_email(email))
    ).scalar_one_or_none()


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")


def _hash(password: str) -> str:
    # werkzeug's method string: "scrypt" unless PASSWORD_HASH_METHOD says otherwise.
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def create_user(email: str, password: str) -> User:
    """A new maintainer; the password is kept only as a werkzeug scrypt hash."""
    address = normalise_email(email)
    if "@" not in address or len(address) > 254:
        raise AccountError(f"{email!r} is not an e-mail address")
    if find_user(address):
        raise AccountError(f"{address} already has an account")
    _check_password(password)
    user = User(
        email=address,
        password_hash=_hash(password),
        created_at=datetime.now(UTC),
    )
    db.session.add(user)
    db.session.commit()
    return user


def set_password(email: str, password: str) -> None:
    """A new password; every session signed in with the old one ends."""
    user = find_user(email)
    if user is None:
        raise AccountError(f"no account for {email}")
    _check_password(password)
    user.password_hash = _hash(password)
    user.session_generation += 1
    db.session.commit()


def end_sessions(user: User) -> None:
    """Sign ``user`` out of every browser: their session cookies no longer open the editor."""
    user.session_generation += 1
    db.session.commit()


def delete_user(email: str) -> None:
    user = find_user(email)
    if user is None:
        raise AccountError(f"no account for {email}")
    db.session.delete(user)
    db.session.commit()


def authenticate(email: str, password: str) -> User | None:
    """The user with this address and password, or None."""
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def _load_user(session_id: str) -> User | None:
    """The user a session cookie names, if it is of their current generation."""
    user_id, _dot, generation = session_id.partition(".")
    if not (user_id.isdecimal() and generation.isdecimal() and len(user_id) < 10):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or str(user.session_generation) != generation:
        return None
    return user


# Commands ------------------------------------------------------------------------

users = AppGroup("users", help="Manage the maintainers who may use /admin.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("create")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@needs_current_schema
def create_command(email: str, password_stdin: bool) -> None:
    """Create an account for EMAIL."""
    try:
        user = create_user(email, _read_password(password_stdin))
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.email}.")


@users.command("list")
@needs_current_schema
def list_command() -> None:
    """List the accounts."""
    accounts = db.session.execute(select(User).order_by(User.email)).scalars().all()
    for user in accounts:
        click.echo(f"{user.email}\t{user.created_at:%Y-%m-%d}")
    if not accounts:
        click.echo("No accounts yet: flask users create EMAIL")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@needs_current_schema
def set_password_command(email: str, password_stdin: bool) -> None:
    """Give EMAIL a new password."""
    try:
        set_password(email, _read_password(password_stdin))
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Changed the password of {normalise_email(email)}.")


@users.command("sign-out-everywhere")
@click.argument("email")
@needs_current_schema
def sign_out_everywhere_command(email: str) -> None:
    """End every session of EMAIL, in every browser."""
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account for {normalise_email(email)}")
    end_sessions(user)
    click.echo(f"Signed {user.email} out everywhere.")


@users.command("delete")
@click.argument("email")
@click.confirmation_option(prompt="Delete this account?")
@needs_current_schema
def delete_command(email: str) -> None:
    """Delete the account of EMAIL."""
    try:
        delete_user(email)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Deleted {normalise_email(email)}.")


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Please sign in to use the editor.")
    app.cli.add_command(users)
