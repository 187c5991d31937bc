"""The editor's statement pages: list and search, write and preview, save, delete."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy.exc import OperationalError
from werkzeug.wrappers import Response

from .. import queries
from .. import search as search_module
from ..caching import content_changed
from ..content import TextLimits, render_markdown
from ..editing import (
    EditConflict,
    SlugClash,
    SlugTaken,
    StatementDraft,
    TranslationDraft,
    delete_statement,
    free_slug,
    save_statement,
    slug_clashes,
)
from ..extensions import db
from ..i18n import in_zone, supported_languages
from ..models import DRAFT, ID_MAX, Statement
from ..outage import is_disk_full
from ..urls import page_number
from . import bp
from .forms import ConfirmForm, StatementFormBase, statement_form_class

STATEMENTS_PER_PAGE = 50


def translation_state(statement: Statement, language: str) -> str:
    """How one language of a statement stands: missing, draft, outdated or present."""
    translation = statement.translation(language)
    if translation is None:
        return "missing"
    if statement.status == DRAFT:
        return "draft"
    return "outdated" if translation.may_be_outdated() else "present"


def statement_state(statement: Statement) -> str:
    if statement.status == DRAFT:
        return "draft"
    return "scheduled" if statement.published_at > datetime.now(UTC) else "published"


@bp.get("/")
def index() -> str:
    search = request.args.get("q", "").strip()[: search_module.MAX_QUERY_LENGTH]
    page = page_number()
    statements, total = queries.editor_listing(search, page, STATEMENTS_PER_PAGE)
    return render_template(
        "admin/statements.html",
        statements=statements,
        languages=supported_languages(),
        search=search,
        total=total,
        page=page,
        more=page * STATEMENTS_PER_PAGE < total,
        translation_state=translation_state,
        statement_state=statement_state,
        logout_form=ConfirmForm(),
    )


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def _fill(form: StatementFormBase, statement: Statement) -> None:
    """Put a stored statement into the form, times in the site's zone."""
    form.published_at.data = in_zone(
        statement.published_at, current_app.config["TIMEZONE"]
    ).replace(tzinfo=None)
    form.status.data = statement.status
    form.original_language.data = statement.original_language
    form.version.data = str(statement.version)
    for language, section in form.translation_forms().items():
        translation = statement.translation(language)
        if translation is not None:
            section.title.data = translation.title
            section.slug.data = translation.slug
            section.summary.data = translation.summary or ""
            section.body.data = translation.body_source or translation.body


def _clash_message(clash: SlugClash | None) -> str:
    if clash is not None and clash.old:
        return gettext(
            "This address used to belong to “%(title)s” and still leads there: "
            "choose another slug.",
            title=clash.title,
        )
    return gettext("Another statement uses this address: choose another slug.")


def _draft(
    form: StatementFormBase, limits: TextLimits, statement: Statement | None
) -> StatementDraft:
    published = form.published_utc()
    assert published is not None
    return StatementDraft(
        published_at=published,
        status=form.status.data,
        original_language=form.original_language.data,
        translations={
            language: TranslationDraft(
                title=section.title.data or "",
                slug=(section.slug.data or "").strip()
                or free_slug(
                    language,
                    section.title.data or "",
                    statement.id if statement else None,
                    limits.slug,
                ),
                summary=section.summary.data or "",
                markdown=section.body.data or "",
            )
            for language, section in form.translation_forms().items()
            if section.wanted()
        },
    )


def _editor(form: StatementFormBase, statement: Statement | None, **extra: object) -> str:
    # The time is read and shown in the site's zone: say which.
    form.published_at.description = gettext(
        "In the %(zone)s time zone.", zone=current_app.config["TIMEZONE"]
    )
    return render_template(
        "admin/edit.html",
        form=form,
        statement=statement,
        logout_form=ConfirmForm(),
        **extra,
    )


def _edit(statement: Statement | None) -> str | Response | tuple[str, int]:
    limits = TextLimits.from_config(current_app.config)
    form = statement_form_class(supported_languages(), limits)()
    if request.method == "GET":
        if statement is not None:
            _fill(form, statement)
        else:
            form.published_at.data = datetime.now(_zone()).replace(
                second=0, microsecond=0, tzinfo=None
            )
            form.version.data = ""
        return _editor(form, statement)

    if not form.validate_on_submit():
        return _editor(form, statement), 422
    draft = _draft(form, limits, statement)
    clashes = slug_clashes(draft.translations, statement.id if statement else None)
    for language, clash in clashes.items():
        section = form.translation_forms()[language]
        section.slug.errors = [*section.slug.errors, _clash_message(clash)]
    if any(section.slug.errors for section in form.translation_forms().values()):
        return _editor(form, statement), 422

    if request.form.get("action") == "preview":
        previews = {
            language: {
                "title": wanted.title,
                "slug": wanted.slug,
                "body": render_markdown(wanted.markdown),
            }
            for language, wanted in draft.translations.items()
        }
        return _editor(form, statement, previews=previews, preview_date=draft.published_at)

    version = int(form.version.data) if (form.version.data or "").isdecimal() else None
    try:
        saved = save_statement(statement, draft, version)
    except EditConflict:
        # The maintainer's text stays in the form: nothing is lost, nothing overwritten.
        return _editor(form, statement, conflict=True), 409
    except OperationalError as error:
        # The database is busy (a long import holds SQLite's lock), away, or
        # its disk is full: keep the maintainer's text in the form and say which.
        db.session.rollback()
        if is_disk_full(error):
            return _editor(form, statement, disk_full=True), 503
        return _editor(form, statement, busy=True), 503
    except SlugTaken as taken:
        section = form.translation_forms()[taken.language]
        section.slug.errors = [_clash_message(taken.clash)]
        return _editor(form, statement), 422
    content_changed()
    flash(gettext("Saved."))
    return redirect(url_for("admin.edit", statement_id=saved.id))


@bp.route("/statements/new", methods=["GET", "POST"])
def new() -> str | Response | tuple[str, int]:
    return _edit(None)


# Ids past what the column holds are simply no statement: a 404, not a database error.
STATEMENT_ID = f"<int(max={ID_MAX}):statement_id>"


@bp.route(f"/statements/{STATEMENT_ID}/edit", methods=["GET", "POST"])
def edit(statement_id: int) -> str | Response | tuple[str, int]:
    return _edit(db.get_or_404(Statement, statement_id))


@bp.route(f"/statements/{STATEMENT_ID}/delete", methods=["GET", "POST"])
def delete(statement_id: int) -> str | Response:
    statement = db.get_or_404(Statement, statement_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        delete_statement(statement)
        content_changed()
        flash(gettext("The statement was deleted."))
        return redirect(url_for("admin.index"))
    return render_template(
        "admin/delete.html", statement=statement, form=form, logout_form=ConfirmForm()
    )
