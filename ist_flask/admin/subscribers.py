"""The editor's view of email subscriptions: counts per language, never addresses."""

from __future__ import annotations

from flask import render_template

from .. import subscriber_queries
from ..subscriptions import email_enabled
from . import bp
from .access import EDITORS, allow
from .sign_in_forms import ConfirmForm


@bp.get("/subscribers")
@allow(EDITORS)
def subscribers() -> str:
    return render_template(
        "admin/subscribers.html",
        counts=subscriber_queries.counts_by_language(),
        unconfirmed=subscriber_queries.unconfirmed_count(),
        email_enabled=email_enabled(),
        logout_form=ConfirmForm(),
    )
