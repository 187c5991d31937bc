"""The form that makes a preview link: how many days it works, within
IST_PREVIEW_MAX_DAYS. Its own module because it belongs to preview links
(admin/previews.py, admin/preview_section.py), not to the statement form it
is shown beside.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..preview_links import DEFAULT_DAYS as DEFAULT_PREVIEW_DAYS


class PreviewLinkForm(FlaskForm):
    """How long a new preview link works (admin/previews.py)."""

    days = IntegerField(_l("Days the link works"), validators=[InputRequired()])

    def __init__(self, max_days: int, shown_only: bool = False) -> None:
        # Shown on the editor's page, the form must not read that page's own
        # POST (the statement's fields) as its input.
        if shown_only:
            super().__init__(formdata=None)
        else:
            super().__init__()
        self.days.validators = [
            InputRequired(_l("Say how many days the link should work.")),
            NumberRange(1, max_days, _l("A link works from %(min)s to %(max)s days.")),
        ]
        self.days.render_kw = {"min": 1, "max": max_days}
        if self.days.data is None and (shown_only or not self.is_submitted()):
            self.days.data = min(DEFAULT_PREVIEW_DAYS, max_days)
