"""Maintainers' commands: `flask --app ist_flask statements import|export|outdated`
(with translation_file_cli.py's export-xliff, import-xliff, export-po, import-po;
and, from group_cli.py, `organisations` and `topics`; from subscriber_cli.py,
`subscribers`)."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import ngettext
from sqlalchemy.exc import DBAPIError

from . import (
    editor_queries,
    group_cli,
    statement_import,
    store,
    subscriber_cli,
    translation_file_cli,
)
from .content import TextLimits
from .extensions import db
from .i18n import is_supported, supported_languages
from .outage import is_disk_full
from .schema import needs_current_schema
from .statement_export import write_statement_file
from .statement_file import StatementFileError

statements = AppGroup("statements", help="Import, export and check statements.")
for _command in translation_file_cli.COMMANDS:
    statements.add_command(_command)


def _check_language(language: str | None) -> None:
    # Checked in the command, not in a click callback: the app context that
    # holds the language list exists only once the command runs.
    if language is not None and not is_supported(language):
        raise click.BadParameter(
            f"{language!r} is not a supported language ({', '.join(supported_languages())})",
            param_hint="LANGUAGE",
        )


def _refusal(error: DBAPIError) -> str:
    """Why the database refused a write, in one line, nothing of the data."""
    if is_disk_full(error):
        return "the disk is full; free some space and import again (nothing was written)"
    first_line = str(error.orig or "").strip().splitlines()[:1]
    reason = first_line[0] if first_line else type(error.orig).__name__
    return f"the database refused it ({reason}); nothing was written"


@statements.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@needs_current_schema
def import_command(file: Path) -> None:
    """Add the statements in FILE (JSON). Nothing is written unless the whole file is good."""
    with ExitStack() as stack:
        bar: list[Any] = []

        def start_bar(size: int) -> None:
            # The file's bytes, as it is read once: its statements are not
            # counted first. click shows the bar on a terminal and only its
            # label elsewhere.
            bar.append(stack.enter_context(click.progressbar(length=size, label="Importing")))

        try:
            added = statement_import.import_statement_file(
                lambda: file.open("rb"),
                supported_languages(),
                progress=lambda done: bar[0].update(done),
                on_start=start_bar,
                limits=TextLimits.from_config(current_app.config),
            )
        except OSError as error:
            raise click.ClickException(f"cannot read {file}: {error.strerror or error}") from None
        except StatementFileError as error:
            db.session.rollback()
            raise click.ClickException(f"{file} was not imported:\n{error}") from None
        except DBAPIError as error:
            # One line, not the driver's message with a batch of parameters.
            db.session.rollback()
            raise click.ClickException(f"{file} was not imported: {_refusal(error)}") from None
    click.echo(
        ngettext(
            "Imported %(num)d statement from %(file)s.",
            "Imported %(num)d statements from %(file)s.",
            added,
            file=str(file),
        )
    )


@statements.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@needs_current_schema
def export_command(file: Path) -> None:
    """Write every statement to FILE (JSON), in the format that import reads."""
    total = store.count_statements()
    groups = store.export_groups(supported_languages())
    try:
        with (
            file.open("w", encoding="utf-8") as out,
            click.progressbar(
                store.export_records(supported_languages()), length=total, label="Exporting"
            ) as records,
        ):
            written = write_statement_file(records, out, groups)
    except OSError as error:
        raise click.ClickException(f"cannot write {file}: {error.strerror or error}") from None
    click.echo(
        ngettext(
            "Exported %(num)d statement to %(file)s.",
            "Exported %(num)d statements to %(file)s.",
            written,
            file=str(file),
        )
    )


@statements.command("outdated")
@click.argument("language", required=False)
@needs_current_schema
def outdated_command(language: str | None) -> None:
    """List translations whose original was edited after them (in LANGUAGE, or all)."""
    _check_language(language)
    found = 0
    for translation in editor_queries.outdated_translations(language):
        found += 1
        click.echo(f"{translation.language}\t{translation.slug}\t{translation.title}")
    if not found:
        click.echo("No translation is older than its original.")


@statements.command("missing")
@click.argument("language")
@needs_current_schema
def missing_command(language: str) -> None:
    """List the statements that have no translation in LANGUAGE."""
    _check_language(language)
    found = 0
    for statement in editor_queries.statements_missing(language):
        found += 1
        original = statement.original_translation
        click.echo(
            f"{statement.published_at:%Y-%m-%d}\t{original.language}\t{original.slug}\t{original.title}"
        )
    if not found:
        click.echo(f"Every statement has a translation in {language}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(statements)
    app.cli.add_command(group_cli.organisations)
    app.cli.add_command(group_cli.topics)
    app.cli.add_command(subscriber_cli.subscribers)
