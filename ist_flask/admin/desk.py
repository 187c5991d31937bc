"""The translation desk: one statement's original beside its translation into
one language, what changed in the original since, drafts, publishing, marking
current and machine pre-fill. Translators only in their languages (roles.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import announcements, jobs, revisions, roles
from ..caching import content_changed
from ..content import TextLimits
from ..desk_models import DraftTranslation
from ..desk_saving import (
    DeskBase,
    NotReviewed,
    current_source,
    draft_of,
    mark_current,
    prefill,
    publish,
    save_draft,
)
from ..desk_text import side_by_side, text_diff
from ..edit_versions import EditConflict
from ..editing import SlugTaken, free_slug
from ..extensions import db
from ..i18n import supported_languages
from ..machine_translation import TranslationUnavailable, configured_translator
from ..models import Statement, Translation, text_fingerprint
from . import bp
from .access import EVERY_ROLE, allow, refuse
from .desk_forms import DeskFormBase, MarkCurrentForm, desk_form_class
from .drafts import clash_message
from .sign_in_forms import ConfirmForm
from .statements import STATEMENT_ID

# <language>, not <lang>: a view argument named lang sets the editor's own
# language (i18n.page_language), and the desk speaks the maintainer's.
DESK = f"/statements/{STATEMENT_ID}/translate/<language>"

Page = str | Response | tuple[str, int]


def _open(statement_id: int, lang: str) -> Statement:
    """The statement, if this maintainer may translate it into ``lang``: 404
    for what does not exist, 403 for what their role may not touch."""
    statement = db.get_or_404(Statement, statement_id)
    if lang not in supported_languages():
        abort(404)
    if not roles.may_translate(current_user, lang):
        refuse()
    if lang == statement.original_language:
        # The original is the statement editor's, never the desk's.
        if not roles.may_edit_statements(current_user):
            refuse()
        abort(404)
    if statement.translation(statement.original_language) is None:
        # Nothing to translate from (an import can leave a statement so).
        abort(404)
    return statement


def _base(form: MarkCurrentForm | DeskFormBase) -> DeskBase:
    def number(value: str | None) -> int | None:
        return int(value) if value and value.isdecimal() else None

    return DeskBase(
        number(form.draft_version.data), number(form.version.data), form.source_sha256.data or ""
    )


def _fill(
    form: DeskFormBase | MarkCurrentForm, statement: Statement, lang: str, text: bool = False
) -> None:
    """Put what the page is made from into the form, and the stored text if asked."""
    draft, published = draft_of(statement, lang), statement.translation(lang)
    form.draft_version.data = str(draft.version) if draft else ""
    form.version.data = str(published.version) if published else ""
    form.source_sha256.data = text_fingerprint(current_source(statement) or "")
    if not isinstance(form, DeskFormBase) or not text:
        return
    if draft is not None:
        values = {
            "title": draft.title,
            "slug": draft.slug,
            "summary": draft.summary,
            "body": draft.markdown,
            "image_alt": draft.image_alt,
            "image_caption": draft.image_caption,
            "image_credit": draft.image_credit,
        }
    elif published is not None:
        values = {
            "title": published.title,
            "slug": published.slug,
            "summary": published.summary or "",
            "body": published.body_source or published.body,
            "image_alt": published.image_alt or "",
            "image_caption": published.image_caption or "",
            "image_credit": published.image_credit or "",
        }
    else:
        return
    for name, value in values.items():
        getattr(form, name).data = value


def _base_text(draft: DraftTranslation | None, published: Translation | None) -> str | None:
    """The original's text the translation was made from, if known."""
    if draft is not None:
        return draft.source_markdown
    return published.source_markdown if published is not None else None


def _desk(statement: Statement, lang: str, form: DeskFormBase, **extra: object) -> str:
    draft, published = draft_of(statement, lang), statement.translation(lang)
    original = statement.translation(statement.original_language)
    source = current_source(statement) or ""
    base = _base_text(draft, published)
    exists = draft is not None or published is not None
    outdated = exists and (
        base != source if base is not None else bool(published and published.may_be_outdated())
    )
    mark_form = MarkCurrentForm()
    _fill(mark_form, statement, lang)
    return render_template(
        "admin/desk.html",
        statement=statement,
        lang=lang,
        original=original,
        draft=draft,
        published=published,
        form=form,
        mark_form=mark_form,
        prefill_form=ConfirmForm(),
        may_publish=roles.may_publish_translation(current_user, lang),
        may_prefill=not exists and configured_translator(current_app.config) is not None,
        outdated=outdated,
        base_known=base is not None,
        changes=text_diff(base, source) if outdated and base is not None else [],
        paragraphs=side_by_side(
            (original.body_source or original.body) if original else "", form.body.data or ""
        ),
        logout_form=ConfirmForm(),
        **extra,
    )


@bp.route(DESK, methods=["GET", "POST"])
@allow(EVERY_ROLE)
def desk(statement_id: int, language: str) -> Page:
    lang = language
    statement = _open(statement_id, lang)
    form = desk_form_class(TextLimits.from_config(current_app.config))()
    if request.method == "GET":
        _fill(form, statement, lang, text=True)
        return _desk(statement, lang, form)
    if not form.validate_on_submit():
        return _desk(statement, lang, form), 422
    if request.form.get("action") == "publish":
        return _publish(statement, lang, form)
    draft = draft_of(statement, lang)
    needs_review = bool(draft and draft.needs_review) and not form.reviewed.data
    before = revisions.snapshot(statement)
    try:
        save_draft(
            statement,
            lang,
            form.text((form.slug.data or "").strip()),
            _base(form),
            current_user,
            needs_review,
        )
    except EditConflict:
        return _desk(statement, lang, form, conflict=True), 409
    _after_save(statement, before)
    flash(gettext("The draft was saved. It is not on the site."))
    return redirect(url_for("admin.desk", statement_id=statement.id, language=lang))


def _publish(statement: Statement, lang: str, form: DeskFormBase) -> Page:
    if not roles.may_publish_translation(current_user, lang):
        refuse()
    if form.missing_for_publishing():
        return _desk(statement, lang, form), 422
    limits = TextLimits.from_config(current_app.config)
    slug = (form.slug.data or "").strip() or free_slug(
        lang, form.title.data or "", statement.id, limits.slug
    )
    before = announcements.fingerprints(statement)
    kept = revisions.snapshot(statement)
    try:
        publish(statement, lang, form.text(slug), _base(form), bool(form.reviewed.data))
    except NotReviewed:
        form.reviewed.errors = [
            gettext("A machine made this draft: say you have read it before publishing.")
        ]
        return _desk(statement, lang, form), 422
    except EditConflict:
        return _desk(statement, lang, form, conflict=True), 409
    except SlugTaken as taken:
        form.slug.errors = [clash_message(taken.clash)]
        return _desk(statement, lang, form), 422
    _published(statement, before)
    _after_save(statement, kept)
    flash(gettext("Published."))
    return redirect(url_for("admin.desk", statement_id=statement.id, language=lang))


def _published(statement: Statement, before: dict[str, announcements.Fingerprint]) -> None:
    """What every change to a published translation sets off, as the editor's save does."""
    content_changed()
    db.session.refresh(statement)
    after = announcements.fingerprints(statement)
    changed = [language for language, words in after.items() if before.get(language) != words]
    jobs.fan_out_later(announcements.after_save(statement.id, changed, datetime.now(UTC)))


def _after_save(statement: Statement, before: revisions.Snapshot) -> None:
    """After every desk save that changed something (a draft, a publish, a
    mark as current, a pre-fill): a revision, as the editor's saves keep.
    ``before``: revisions.snapshot(statement) taken before the change."""
    revisions.record(statement, current_user, revisions.EDIT, before)


@bp.post(f"{DESK}/current")
@allow(EVERY_ROLE)
def mark_translation_current(statement_id: int, language: str) -> Page:
    lang = language
    statement = _open(statement_id, lang)
    form = MarkCurrentForm()
    if not form.validate_on_submit():
        abort(400)
    desk_form = desk_form_class(TextLimits.from_config(current_app.config))(formdata=None)
    before = revisions.snapshot(statement)
    try:
        mark_current(statement, lang, _base(form))
    except EditConflict:
        _fill(desk_form, statement, lang, text=True)
        return _desk(statement, lang, desk_form, conflict=True), 409
    content_changed()
    _after_save(statement, before)
    flash(gettext("Marked as following the original as it is now."))
    return redirect(url_for("admin.desk", statement_id=statement.id, language=lang))


@bp.post(f"{DESK}/prefill")
@allow(EVERY_ROLE)
def prefill_translation(statement_id: int, language: str) -> Page:
    lang = language
    statement = _open(statement_id, lang)
    translator = configured_translator(current_app.config)
    if translator is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    before = revisions.snapshot(statement)
    try:
        prefill(statement, lang, translator, current_user)
    except EditConflict:
        flash(gettext("This translation is no longer empty: nothing was filled in."))
    except TranslationUnavailable:
        flash(gettext("The machine translation service did not answer. Nothing was changed."))
    else:
        _after_save(statement, before)
        flash(
            gettext(
                "Filled in by machine as a draft. Read it against the original before publishing."
            )
        )
    return redirect(url_for("admin.desk", statement_id=statement.id, language=lang))
