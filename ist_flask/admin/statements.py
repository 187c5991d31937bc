"""The editor's statement pages: list and search, write and preview, save, delete
(preview links to share: previews.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import OperationalError
from werkzeug.wrappers import Response

from .. import announcements, editor_queries, jobs, revisions
from .. import search as search_module
from ..announcements import Fingerprint
from ..caching import content_changed
from ..content import TextLimits, render_markdown
from ..editing import (
    EditConflict,
    SlugTaken,
    StatementDraft,
    delete_statement,
    save_statement,
    slug_clashes,
)
from ..extensions import db
from ..i18n import page_language, supported_languages
from ..lead_images import image_by_hash
from ..models import ID_MAX, Statement
from ..outage import is_disk_full
from ..urls import page_number
from . import bp
from .access import EDITORS, EVERY_ROLE, allow
from .drafts import clash_message, fill_form, offer_groups, read_draft, receive_image
from .forms import StatementFormBase, statement_form_class
from .preview_section import preview_section
from .sign_in_forms import ConfirmForm
from .states import STATE_WORDS, StatementState, statement_state, translation_state

STATEMENTS_PER_PAGE = 50
# Ids past what the column holds are simply no statement: a 404, not a database error.
STATEMENT_ID = f"<int(max={ID_MAX}):statement_id>"

Page = str | Response | tuple[str, int]


@bp.get("/")
@allow(EVERY_ROLE)
def index() -> str:
    search = request.args.get("q", "").strip()[: search_module.MAX_QUERY_LENGTH]
    page = page_number()
    statements, total = editor_queries.editor_listing(search, page, STATEMENTS_PER_PAGE)
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
        state_words=STATE_WORDS,
        published=StatementState.PUBLISHED,
        logout_form=ConfirmForm(),
    )


def _editor(form: StatementFormBase, statement: Statement | None, **extra: object) -> str:
    # The time is read and shown in the site's zone: say which.
    form.published_at.description = gettext(
        "In the %(zone)s time zone.", zone=current_app.config["TIMEZONE"]
    )
    kept = form.wanted_image() if request.method == "POST" else form.image_sha256.data
    return render_template(
        "admin/edit.html",
        form=form,
        statement=statement,
        lead_image=image_by_hash(kept) if kept else None,
        preview_links=preview_section(statement) if statement is not None else None,
        logout_form=ConfirmForm(),
        **extra,
    )


def _edit(statement: Statement | None) -> Page:
    """The editor's one page: the form (GET), then a preview or a save (POST)."""
    limits = TextLimits.from_config(current_app.config)
    form = statement_form_class(supported_languages(), limits)()
    offer_groups(form, page_language())
    if request.method == "GET":
        return _editor(_filled(form, statement), statement)
    refused = receive_image(form, current_app.config["IMAGE_MAX_BYTES"])
    valid = form.validate_on_submit()
    if refused:
        # After validate(), which clears every field's errors.
        form.image.errors = [refused]
    if not valid or refused:
        return _editor(form, statement), 422
    draft = read_draft(form, limits, statement)
    clashes = slug_clashes(draft.translations, statement.id if statement else None)
    for language, clash in clashes.items():
        section = form.translation_forms()[language]
        section.slug.errors = [*section.slug.errors, clash_message(clash)]
    if any(section.slug.errors for section in form.translation_forms().values()):
        return _editor(form, statement), 422
    if request.form.get("action") == "preview":
        return _preview(form, statement, draft)
    return _save(form, statement, draft)


def _filled(form: StatementFormBase, statement: Statement | None) -> StatementFormBase:
    """The form as it opens: the stored statement, or a new one timed now."""
    if statement is not None:
        fill_form(form, statement)
        return form
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    form.published_at.data = datetime.now(zone).replace(second=0, microsecond=0, tzinfo=None)
    form.version.data = ""
    for section in form.translation_forms().values():
        section.loaded.data = section.fingerprint()
    return form


def _preview(form: StatementFormBase, statement: Statement | None, draft: StatementDraft) -> str:
    previews = {
        language: {
            "title": wanted.title,
            "slug": wanted.slug,
            "body": render_markdown(wanted.markdown),
        }
        for language, wanted in draft.translations.items()
    }
    return _editor(form, statement, previews=previews, preview_date=draft.published_at)


def _save(form: StatementFormBase, statement: Statement | None, draft: StatementDraft) -> Page:
    """Save, or keep the maintainer's text in the form and say why not."""
    version = int(form.version.data) if (form.version.data or "").isdecimal() else None
    before = announcements.fingerprints(statement) if statement is not None else {}
    kept = revisions.snapshot(statement)
    try:
        saved = save_statement(statement, draft, version)
    except EditConflict:
        # Nothing is lost, nothing overwritten.
        return _editor(form, statement, conflict=True), 409
    except OperationalError as error:
        # The database is busy (a long import holds SQLite's lock), away, or
        # its disk is full.
        db.session.rollback()
        if is_disk_full(error):
            return _editor(form, statement, disk_full=True), 503
        return _editor(form, statement, busy=True), 503
    except SlugTaken as taken:
        section = form.translation_forms()[taken.language]
        section.slug.errors = [clash_message(taken.clash)]
        return _editor(form, statement), 422
    announce_save(before, saved)
    action = revisions.EDIT if statement is not None else revisions.CREATE
    revisions.record(saved, current_user, action, kept)
    flash(gettext("Saved."))
    return redirect(url_for("admin.edit", statement_id=saved.id))


def announce_save(before: dict[str, Fingerprint], saved: Statement) -> None:
    """After a save is committed: this process's pages are stale, and the
    languages whose words changed go out to the channels (announcements.py).
    ``before``: announcements.fingerprints() of the statement before the save."""
    content_changed()
    after = announcements.fingerprints(saved)
    changed = [language for language, words in after.items() if before.get(language) != words]
    jobs.fan_out_later(announcements.after_save(saved.id, changed, datetime.now(UTC)))


@bp.route("/statements/new", methods=["GET", "POST"])
@allow(EDITORS)
def new() -> Page:
    return _edit(None)


@bp.route(f"/statements/{STATEMENT_ID}/edit", methods=["GET", "POST"])
@allow(EDITORS)
def edit(statement_id: int) -> Page:
    return _edit(db.get_or_404(Statement, statement_id))


@bp.route(f"/statements/{STATEMENT_ID}/delete", methods=["GET", "POST"])
@allow(EDITORS)
def delete(statement_id: int) -> str | Response:
    statement = db.get_or_404(Statement, statement_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        statement_id = statement.id
        # Kept before it goes: the deleted statement can be brought back from it.
        revisions.record(statement, current_user, revisions.DELETE)
        delete_statement(statement)
        content_changed()
        jobs.fan_out_later(announcements.after_delete(statement_id, datetime.now(UTC)))
        flash(gettext("The statement was deleted."))
        return redirect(url_for("admin.index"))
    return render_template(
        "admin/delete.html", statement=statement, form=form, logout_form=ConfirmForm()
    )
