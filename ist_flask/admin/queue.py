"""The translation queue: what is missing or may be out of date in the
languages a maintainer translates, newest first."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ..desk_queries import translation_queue
from ..i18n import supported_languages
from ..roles import may_edit_statements
from ..urls import page_number
from . import bp
from .access import EVERY_ROLE, allow
from .sign_in_forms import ConfirmForm

QUEUE_PER_PAGE = 50


@bp.get("/translate")
@allow(EVERY_ROLE)
def queue() -> str:
    page = page_number()
    if may_edit_statements(current_user):
        languages = list(supported_languages())
    else:
        languages = [code for code in supported_languages() if code in current_user.language_codes]
    entries, total = translation_queue(languages, page, QUEUE_PER_PAGE)
    return render_template(
        "admin/queue.html",
        entries=entries,
        languages=languages,
        total=total,
        page=page,
        more=page * QUEUE_PER_PAGE < total,
        logout_form=ConfirmForm(),
    )
