"""Preview links on the statement editor's page: make one for a draft or a
scheduled statement, see those that still work, revoke one."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import preview_links
from ..extensions import db
from ..models import ID_MAX, Statement
from . import bp
from .access import EDITORS, allow
from .preview_forms import PreviewLinkForm
from .statements import STATEMENT_ID

LINK_ID = f"<int(max={ID_MAX}):link_id>"


def _back(statement: Statement) -> Response:
    return redirect(url_for("admin.edit", statement_id=statement.id, _anchor="preview-links"))


@bp.post(f"/statements/{STATEMENT_ID}/previews")
@allow(EDITORS)
def create_preview(statement_id: int) -> Response:
    statement = db.get_or_404(Statement, statement_id)
    form = PreviewLinkForm(preview_links.max_days())
    now = datetime.now(UTC)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error))
        return _back(statement)
    if not preview_links.is_previewable(statement, now):
        flash(gettext("This statement is already on the site: share its address instead."))
        return _back(statement)
    preview_links.create_link(statement, current_user, int(form.days.data), now)
    flash(gettext("Preview link made: copy it from the list below."))
    return _back(statement)


@bp.post(f"/statements/{STATEMENT_ID}/previews/{LINK_ID}/revoke")
@allow(EDITORS)
def revoke_preview(statement_id: int, link_id: int) -> Response:
    # CSRFProtect has checked the form's token before the view runs.
    statement = db.get_or_404(Statement, statement_id)
    if not preview_links.revoke(statement, link_id, datetime.now(UTC)):
        abort(404)
    flash(gettext("Preview link revoked: it no longer shows the statement."))
    return _back(statement)
