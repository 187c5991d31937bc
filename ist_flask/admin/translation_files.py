"""The editor's XLIFF and PO files of one statement: download them for a
translation tool, upload the translated file. Editors and admins in every
language, translators in theirs; nobody writes the original this way."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response

from .. import revisions, roles
from ..content import TextLimits
from ..extensions import db
from ..i18n import supported_languages
from ..models import Statement
from ..translation_exchange import check_file, read_file, to_translate, written
from ..translation_files import MEDIA_TYPES, PO, XLIFF, TranslationFileError
from ..translation_units import UnitError
from ..translation_writing import apply_units, finish_imports
from . import bp
from .access import EVERY_ROLE, allow, refuse
from .sign_in_forms import ConfirmForm
from .statements import STATEMENT_ID

KINDS = {"xlf": XLIFF, "po": PO}
FILES = f"/statements/{STATEMENT_ID}/translation-files"


class TranslationFileForm(FlaskForm):
    file = FileField(_l("Translated file (XLIFF or PO)"), validators=[FileRequired()])


def _languages(statement: Statement) -> list[str]:
    """The languages this maintainer may translate the statement into."""
    return [
        code
        for code in supported_languages()
        if code != statement.original_language and roles.may_translate(current_user, code)
    ]


def _statement_for(statement_id: int, language: str) -> Statement:
    statement = db.get_or_404(Statement, statement_id)
    if language not in supported_languages():
        raise NotFound()
    if language not in _languages(statement):
        refuse()
    return statement


def _page(statement: Statement, problems: list[str] | None = None, **forms: object) -> str:
    return render_template(
        "admin/translation_files.html",
        statement=statement,
        languages=_languages(statement),
        forms=forms,
        upload_form=TranslationFileForm,
        problems=problems or [],
        max_megabytes=max(1, current_app.config["TRANSLATION_FILE_MAX_BYTES"] // 1024 // 1024),
        logout_form=ConfirmForm(),
    )


@bp.get(FILES)
@allow(EVERY_ROLE)
def translation_files(statement_id: int) -> str:
    statement = db.get_or_404(Statement, statement_id)
    if not _languages(statement):
        refuse()
    return _page(statement)


@bp.get(f"{FILES}/<language>.<any(xlf, po):suffix>")
@allow(EVERY_ROLE)
def download_translation_file(statement_id: int, language: str, suffix: str) -> Response:
    statement = _statement_for(statement_id, language)
    kind = KINDS[suffix]
    content = written([to_translate(statement, language)], language, kind)
    name = f"statement-{statement.id}-{language}.{suffix}"
    return Response(
        content,
        mimetype=MEDIA_TYPES[kind],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post(f"{FILES}/<language>")
@allow(EVERY_ROLE)
def upload_translation_file(statement_id: int, language: str) -> str | Response | tuple[str, int]:
    statement = _statement_for(statement_id, language)
    form = TranslationFileForm(prefix=language)
    if not form.validate_on_submit():
        return _page(statement, **{language: form}), 422
    max_bytes = int(current_app.config["TRANSLATION_FILE_MAX_BYTES"])
    limits = TextLimits.from_config(current_app.config)
    content = form.file.data.read(max_bytes + 1)
    try:
        # The upload form takes reviewed units only: no --accept-unreviewed here.
        checked = check_file(
            read_file(content, max_bytes),
            supported_languages(),
            limits,
            language=language,
            statement_id=statement.id,
        )
        if not checked.planned:
            raise TranslationFileError([gettext("The file has no translated unit.")])
        planned = checked.planned[0]
        before = revisions.snapshot(statement)
        changed = apply_units(statement, language, planned.targets, current_user, limits)
        finish_imports({statement.id: [language]} if changed else {})
        revisions.record(statement, current_user, revisions.EDIT, before)
    except (TranslationFileError, UnitError) as error:
        db.session.rollback()
        problems = error.problems if isinstance(error, TranslationFileError) else error.args[0]
        return _page(statement, problems, **{language: form}), 422
    if roles.may_publish_translation(current_user, language):
        flash(gettext("The translation was imported from the file."))
    else:
        flash(
            gettext(
                "The file was kept as your draft at the translation desk, for an editor to publish."
            )
        )
    return redirect(url_for("admin.translation_files", statement_id=statement.id))
