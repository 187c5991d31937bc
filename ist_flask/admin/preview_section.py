"""The preview links part of the statement editor's page: its form, and
the links that still work, each with its address to copy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import url_for

from .. import preview_links
from ..models import Statement
from ..preview_models import PreviewLink
from ..urls import absolute
from .preview_forms import PreviewLinkForm
from .sign_in_forms import ConfirmForm


@dataclass(frozen=True)
class LivePreview:
    link: PreviewLink
    url: str


@dataclass(frozen=True)
class PreviewSection:
    """What the editor's page shows of a statement's preview links."""

    previewable: bool
    links: list[LivePreview]
    form: PreviewLinkForm
    revoke_form: ConfirmForm


def preview_section(statement: Statement) -> PreviewSection:
    """The statement's preview links that still work, and the forms around them."""
    now = datetime.now(UTC)
    links = [
        LivePreview(
            link, absolute(url_for("previews.preview", token=preview_links.token_for(link)))
        )
        for link in preview_links.live_links(statement, now)
    ]
    return PreviewSection(
        preview_links.is_previewable(statement, now),
        links,
        PreviewLinkForm(preview_links.max_days(), shown_only=True),
        ConfirmForm(),
    )
