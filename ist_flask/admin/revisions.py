"""The editor's history of a statement: its revisions listed and compared,
one restored, and a deleted statement brought back from its last revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import announcements, revisions
from ..editing import EditConflict, SlugTaken
from ..extensions import db
from ..i18n import in_zone
from ..models import ID_MAX, Statement
from ..revision_models import Revision
from ..revision_queries import deleted_statements, is_deleted, revision_of, revisions_of
from ..revision_restore import RevisionUnusable, restore, revive
from ..urls import page_number
from . import bp
from .access import EDITORS, EVERY_ROLE, allow
from .drafts import clash_message
from .revision_compare import CHANGE_WORDS, STATEMENT_LABELS, compare
from .sign_in_forms import ConfirmForm
from .statements import STATEMENT_ID, announce_save

REVISION_ID = f"<int(max={ID_MAX}):revision_id>"
DELETED_PER_PAGE = 50

Page = str | Response | tuple[str, int]


def moment(value: datetime) -> str:
    """A revision's time in the site's zone, to the minute."""
    return in_zone(value, current_app.config["TIMEZONE"]).strftime("%Y-%m-%d %H:%M")


def change_summary(revision: Revision) -> str:
    """What a revision changed, in words: fields, then languages."""
    if revision.changes is None:
        return str(gettext("not known"))
    words = [str(STATEMENT_LABELS[name]) for name in revision.changes.get("fields", [])]
    languages: dict[str, Any] = revision.changes.get("languages", {})
    words += [f"{code} ({CHANGE_WORDS[how]})" for code, how in languages.items()]
    words += [f"{code} ({gettext('draft')})" for code in revision.changes.get("drafts", [])]
    return ", ".join(words) or str(gettext("nothing"))


def _title(revision: Revision) -> str:
    return revisions.title_of(revision.snapshot)


def _history(statement_id: int, problem: str | None = None) -> Page:
    kept = revisions_of(statement_id)
    statement = db.session.get(Statement, statement_id)
    if statement is None and not kept:
        abort(404)
    page = render_template(
        "admin/revisions.html",
        statement_id=statement_id,
        statement=statement,
        revisions=kept,
        title=statement.original_translation.title if statement else _title(kept[0]),
        moment=moment,
        change_summary=change_summary,
        action_words=revisions_words(),
        problem=problem,
        form=ConfirmForm(),
        logout_form=ConfirmForm(),
    )
    return (page, 409) if problem else page


def revisions_words() -> dict[str, str]:
    return {
        revisions.CREATE: gettext("created"),
        revisions.EDIT: gettext("saved"),
        revisions.RESTORE: gettext("restored"),
        revisions.DELETE: gettext("deleted"),
        revisions.REVIVE: gettext("brought back"),
        revisions.EARLIER: gettext("as it was before"),
    }


@bp.get(f"/statements/{STATEMENT_ID}/revisions")
@allow(EVERY_ROLE)
def revisions_page(statement_id: int) -> Page:
    return _history(statement_id)


def _chosen(statement_id: int, name: str) -> Revision:
    raw = request.args.get(name, "")
    if not raw.isdecimal() or len(raw) > 9:
        abort(404)
    revision = revision_of(statement_id, int(raw))
    if revision is None:
        abort(404)
    return revision


@bp.get(f"/statements/{STATEMENT_ID}/revisions/compare")
@allow(EVERY_ROLE)
def compare_revisions(statement_id: int) -> str:
    first, second = _chosen(statement_id, "a"), _chosen(statement_id, "b")
    older, newer = sorted((first, second), key=lambda revision: revision.id)
    return render_template(
        "admin/compare.html",
        statement_id=statement_id,
        older=older,
        newer=newer,
        title=_title(newer),
        statement=db.session.get(Statement, statement_id),
        diffs=compare(older.snapshot, newer.snapshot),
        moment=moment,
        form=ConfirmForm(),
        logout_form=ConfirmForm(),
    )


@bp.post(f"/statements/{STATEMENT_ID}/revisions/{REVISION_ID}/restore")
@allow(EDITORS)
def restore_revision(statement_id: int, revision_id: int) -> Page:
    statement = db.get_or_404(Statement, statement_id)
    revision = revision_of(statement_id, revision_id)
    if revision is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    before = announcements.fingerprints(statement)
    kept = revisions.snapshot(statement)
    try:
        saved = restore(statement, revision.snapshot)
    except SlugTaken as taken:
        return _history(statement_id, _slug_problem(taken))
    except EditConflict:
        db.session.rollback()
        return _history(statement_id, gettext("Someone saved this statement meanwhile: try again."))
    except RevisionUnusable:
        return _history(statement_id, gettext("This revision has no text to restore."))
    announce_save(before, saved)
    revisions.record(saved, current_user, revisions.RESTORE, kept)
    flash(gettext("The revision of %(time)s was restored.", time=moment(revision.created_at)))
    return redirect(url_for("admin.edit", statement_id=statement_id))


def _slug_problem(taken: SlugTaken) -> str:
    return str(
        gettext(
            "Nothing was restored: the address “%(slug)s” (%(language)s) is not free. %(why)s",
            slug=taken.slug,
            language=taken.language,
            why=clash_message(taken.clash),
        )
    )


@bp.get("/statements/deleted")
@allow(EDITORS)
def deleted() -> str:
    page = page_number()
    last, total = deleted_statements(page, DELETED_PER_PAGE)
    return render_template(
        "admin/deleted.html",
        revisions=last,
        total=total,
        page=page,
        more=page * DELETED_PER_PAGE < total,
        title_of=revisions.title_of,
        moment=moment,
        form=ConfirmForm(),
        logout_form=ConfirmForm(),
    )


@bp.post(f"/statements/{STATEMENT_ID}/bring-back")
@allow(EDITORS)
def bring_back(statement_id: int) -> Page:
    if not is_deleted(statement_id):
        flash(gettext("This statement is not deleted."))
        return redirect(url_for("admin.edit", statement_id=statement_id))
    last = revisions.latest(statement_id)
    if last is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        saved = revive(statement_id, last.snapshot)
    except SlugTaken as taken:
        return _history(statement_id, _slug_problem(taken))
    except RevisionUnusable:
        return _history(statement_id, gettext("This revision has no text to restore."))
    announce_save({}, saved)
    revisions.record(saved, current_user, revisions.REVIVE, {})
    flash(gettext("The statement was brought back."))
    return redirect(url_for("admin.edit", statement_id=statement_id))
