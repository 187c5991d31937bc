"""`flask users …`: maintainers' accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from .account_models import User
from .accounts import (
    AccountError,
    all_accounts,
    create_user,
    delete_user,
    end_sessions,
    find_user,
    normalise_email,
    reset_two_factor,
    set_password,
    set_role,
)
from .roles import ROLES, Role
from .schema import needs_current_schema

users = AppGroup("users", help="Manage the maintainers who may use /admin.")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _languages(value: str) -> list[str]:
    return [code.strip() for code in value.split(",") if code.strip()]


ROLE_OPTION = click.option(
    "--role",
    type=click.Choice([role.value for role in ROLES]),
    default=Role.ADMIN.value,
    show_default=True,
    help="admin: everything; editor: statements; translator: translations in --languages.",
)
LANGUAGES_OPTION = click.option(
    "--languages", default="", help="A translator's languages, e.g. fr,es."
)
PUBLISH_OPTION = click.option(
    "--may-publish/--drafts-only",
    default=False,
    help="Whether a translator may publish their translations, or only keep drafts.",
)


@users.command("create")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@ROLE_OPTION
@LANGUAGES_OPTION
@PUBLISH_OPTION
@needs_current_schema
def create_command(
    email: str, password_stdin: bool, role: str, languages: str, may_publish: bool
) -> None:
    """Create an account for EMAIL."""
    try:
        user = create_user(
            email, _read_password(password_stdin), Role(role), _languages(languages), may_publish
        )
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.email} ({_describe(user)}).")


@users.command("set-role")
@click.argument("email")
@ROLE_OPTION
@LANGUAGES_OPTION
@PUBLISH_OPTION
@needs_current_schema
def set_role_command(email: str, role: str, languages: str, may_publish: bool) -> None:
    """Give EMAIL another role; their sessions end."""
    try:
        user = set_role(email, Role(role), _languages(languages), may_publish)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{user.email} is now {_describe(user)}.")


def _describe(user: User) -> str:
    if user.role != Role.TRANSLATOR:
        return user.role
    rights = "may publish" if user.may_publish else "drafts only"
    return f"translator of {','.join(sorted(user.language_codes))}, {rights}"


@users.command("list")
@needs_current_schema
def list_command() -> None:
    """List the accounts."""
    accounts = all_accounts()
    for user in accounts:
        two_factor = "2fa on" if user.uses_two_factor else "2fa off"
        click.echo(f"{user.email}\t{_describe(user)}\t{two_factor}\t{user.created_at:%Y-%m-%d}")
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


@users.command("reset-2fa")
@click.argument("email")
@needs_current_schema
def reset_two_factor_command(email: str) -> None:
    """Turn off EMAIL's two-factor sign-in (a lost device); their sessions end."""
    try:
        user = reset_two_factor(email)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Two-factor sign-in is off for {user.email}, its recovery codes are gone and "
        "its sessions ended; they sign in with the password and may enrol again."
    )


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
    app.cli.add_command(users)
