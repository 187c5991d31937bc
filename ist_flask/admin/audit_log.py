"""The audit log in the editor, for admins: newest first, a page at a time."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l

from .. import audit
from ..revision_queries import audit_count, audit_events
from ..urls import page_number
from . import bp
from .access import ADMINS_ONLY, allow
from .revisions import moment
from .sign_in_forms import ConfirmForm

EVENTS_PER_PAGE = 100

EVENT_WORDS = {
    audit.SIGN_IN: _l("signed in"),
    audit.SIGN_IN_FAILED: _l("failed to sign in"),
    audit.SIGN_OUT: _l("signed out"),
    audit.ROLE: _l("account or role changed"),
    audit.PUBLISH: _l("published"),
    audit.DELETE: _l("deleted"),
    audit.RESTORE: _l("restored"),
}


@bp.get("/audit")
@allow(ADMINS_ONLY)
def audit_log() -> str:
    page = page_number()
    total = audit_count()
    return render_template(
        "admin/audit.html",
        events=audit_events(EVENTS_PER_PAGE, (page - 1) * EVENTS_PER_PAGE),
        total=total,
        page=page,
        more=page * EVENTS_PER_PAGE < total,
        event_words=EVENT_WORDS,
        moment=moment,
        logout_form=ConfirmForm(),
    )
