"""Whether the database has every migration, for the commands that need its tables.

`python wsgi.py` upgrades the database when it starts; a maintainer's command
run before that (on a new database, or after `git pull`) says what to do in
one line instead of failing on a missing table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import current_app

from .extensions import db

Command = TypeVar("Command", bound=Callable[..., Any])

UPGRADE_FIRST = (
    "the database is not up to date: run `flask --app ist_flask db upgrade` first "
    "(python wsgi.py also does it when it starts)"
)


def is_current() -> bool:
    """Whether the database stands at the latest migration."""
    # Here, not at the top: only commands ask, and a server never loads alembic.
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = current_app.extensions["migrate"].migrate.get_config()
    latest = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) == latest


def needs_current_schema(command: Command) -> Command:
    """Refuse to run ``command`` on a database without every migration."""

    @functools.wraps(command)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if not is_current():
            raise click.ClickException(UPGRADE_FIRST)
        return command(*args, **kwargs)

    return checked  # type: ignore[return-value]
