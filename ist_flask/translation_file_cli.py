"""`flask statements export-xliff|export-po|import-xliff|import-po`: statements
out to translators' own tools and their translations back in (cli.py puts
these commands in the `statements` group)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import ngettext
from sqlalchemy.exc import DBAPIError

from . import revisions
from .content import TextLimits
from .extensions import db
from .i18n import is_supported, supported_languages
from .schema import needs_current_schema
from .translation_exchange import (
    Choice,
    check_file,
    read_file,
    statements_to_translate,
    written,
)
from .translation_files import PO, XLIFF, TranslationFileError
from .translation_units import UnitError
from .translation_writing import apply_units, finish_imports


def _export(kind: str, language: str, outdated: bool, missing: bool, file: Path) -> None:
    if not is_supported(language):
        raise click.BadParameter(
            f"{language!r} is not a supported language ({', '.join(supported_languages())})",
            param_hint="--language",
        )
    if outdated and missing:
        raise click.UsageError("--outdated and --missing cannot be given together")
    choice = Choice.OUTDATED if outdated else Choice.MISSING if missing else Choice.ALL
    statements = list(statements_to_translate(language, choice))
    try:
        file.write_bytes(written(statements, language, kind))
    except OSError as error:
        raise click.ClickException(f"cannot write {file}: {error.strerror or error}") from None
    click.echo(
        ngettext(
            "Exported %(num)d statement to translate into %(language)s to %(file)s.",
            "Exported %(num)d statements to translate into %(language)s to %(file)s.",
            len(statements),
            language=language,
            file=str(file),
        )
    )


def _import(kind: str, file: Path, accept_unreviewed: bool) -> None:
    max_bytes = int(current_app.config["TRANSLATION_FILE_MAX_BYTES"])
    limits = TextLimits.from_config(current_app.config)
    try:
        with file.open("rb") as stream:
            content = stream.read(max_bytes + 1)
    except OSError as error:
        raise click.ClickException(f"cannot read {file}: {error.strerror or error}") from None
    try:
        checked = check_file(
            read_file(content, max_bytes, kind),
            supported_languages(),
            limits,
            accept_unreviewed=accept_unreviewed,
        )
        changed: dict[int, list[str]] = {}
        statements = {planned.statement.id: planned.statement for planned in checked.planned}
        before = {sid: revisions.snapshot(statement) for sid, statement in statements.items()}
        for planned in checked.planned:
            if apply_units(planned.statement, planned.language, planned.targets, None, limits):
                changed.setdefault(planned.statement.id, []).append(planned.language)
        finish_imports(changed)
        # A revision for each statement the file changed, as the editor keeps.
        for sid in changed:
            revisions.record(statements[sid], None, revisions.EDIT, before[sid])
    except TranslationFileError as error:
        db.session.rollback()
        raise click.ClickException(f"{file} was not imported:\n{error}") from None
    except (UnitError, DBAPIError) as error:
        # Checked before: only a change made meanwhile by someone else gets here.
        db.session.rollback()
        raise click.ClickException(
            f"{file} was not imported: {error}; nothing was written"
        ) from None
    click.echo(
        ngettext(
            "Imported %(num)d translation from %(file)s.",
            "Imported %(num)d translations from %(file)s.",
            len(checked.planned),
            file=str(file),
        )
    )
    if checked.untouched:
        click.echo(
            ngettext(
                "%(num)d statement had no translated unit and was left alone.",
                "%(num)d statements had no translated unit and were left alone.",
                len(checked.untouched),
            )
        )


_language = click.option("--language", required=True, help="The language to translate into.")
_outdated = click.option(
    "--outdated", is_flag=True, help="Only translations older than their original."
)
_missing = click.option("--missing", is_flag=True, help="Only statements with no translation yet.")
_file = click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
_unreviewed = click.option(
    "--accept-unreviewed",
    is_flag=True,
    help="Import units marked as needing review (machine pre-fill) as they are.",
)


@click.command("export-xliff")
@_language
@_outdated
@_missing
@_file
@with_appcontext
@needs_current_schema
def export_xliff(language: str, outdated: bool, missing: bool, file: Path) -> None:
    """Write the statements to translate into LANGUAGE to FILE (XLIFF 1.2)."""
    _export(XLIFF, language, outdated, missing, file)


@click.command("export-po")
@_language
@_outdated
@_missing
@_file
@with_appcontext
@needs_current_schema
def export_po(language: str, outdated: bool, missing: bool, file: Path) -> None:
    """Write the statements to translate into LANGUAGE to FILE (PO)."""
    _export(PO, language, outdated, missing, file)


@click.command("import-xliff")
@_unreviewed
@_file
@with_appcontext
@needs_current_schema
def import_xliff(accept_unreviewed: bool, file: Path) -> None:
    """Write the translations in FILE (XLIFF 1.2). Nothing is written unless the whole file is good."""
    _import(XLIFF, file, accept_unreviewed)


@click.command("import-po")
@_unreviewed
@_file
@with_appcontext
@needs_current_schema
def import_po(accept_unreviewed: bool, file: Path) -> None:
    """Write the translations in FILE (PO). Nothing is written unless the whole file is good."""
    _import(PO, file, accept_unreviewed)


COMMANDS = (export_xliff, export_po, import_xliff, import_po)
