"""Two revisions side by side, as the editor shows them: each field of the
statement, then each language's fields, with the words that changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..group_models import Organisation, Topic
from ..i18n import in_zone, page_language
from ..revision_diff import Paragraph, changed, text_diff
from ..revisions import Snapshot

STATEMENT_LABELS: dict[str, LazyString] = {
    "published_at": _l("Publication date and time"),
    "status": _l("Status"),
    "original_language": _l("Original language"),
    "topic_ids": _l("Topics"),
    "organisation_ids": _l("Signed by"),
    "image_sha256": _l("Lead image"),
}
TRANSLATION_LABELS: dict[str, LazyString] = {
    "title": _l("Title"),
    "slug": _l("Slug"),
    "summary": _l("Summary"),
    "text": _l("Text"),
    "image_alt": _l("Image description (alt text)"),
    "image_caption": _l("Image caption"),
    "image_credit": _l("Image credit"),
}
# What the editor shows for "what changed" in a revision's row.
CHANGE_WORDS: dict[str, LazyString] = {
    "added": _l("added"),
    "changed": _l("changed"),
    "removed": _l("removed"),
}


@dataclass(frozen=True)
class FieldDiff:
    label: str
    language: str | None
    paragraphs: list[Paragraph]


def _time(value: str | None) -> str:
    if not value:
        return ""
    moment = in_zone(datetime.fromisoformat(value), current_app.config["TIMEZONE"])
    return moment.strftime("%Y-%m-%d %H:%M")


def _names(model: type[Topic] | type[Organisation], ids: list[int], language: str) -> str:
    """The groups' names, or "#12" for one deleted since."""
    if not ids:
        return ""
    groups: list[Topic | Organisation] = list(
        db.session.scalars(select(model).where(model.id.in_(ids)))
    )
    found = {group.id: group for group in groups}
    return ", ".join(found[i].name_in(language) if i in found else f"#{i}" for i in ids)


def _statement_value(state: Snapshot, name: str, language: str) -> str:
    value = state.get(name)
    if name == "published_at":
        return _time(value)
    if name == "topic_ids":
        return _names(Topic, value or [], language)
    if name == "organisation_ids":
        return _names(Organisation, value or [], language)
    return str(value or "")


def _text(translation: Mapping[str, Any] | None, name: str) -> str:
    if translation is None:
        return ""
    if name == "text":
        # The Markdown the maintainer wrote; the HTML for imported text.
        return str(translation.get("body_source") or translation.get("body") or "")
    return str(translation.get(name) or "")


def compare(older: Snapshot, newer: Snapshot) -> list[FieldDiff]:
    """The fields that differ from ``older`` to ``newer``, in the editor's order."""
    language = page_language()
    diffs = []
    for name, label in STATEMENT_LABELS.items():
        diff = text_diff(
            _statement_value(older, name, language), _statement_value(newer, name, language)
        )
        if changed(diff):
            diffs.append(FieldDiff(str(label), None, diff))
    old_texts: Mapping[str, Any] = older.get("translations") or {}
    new_texts: Mapping[str, Any] = newer.get("translations") or {}
    for code in sorted(set(old_texts) | set(new_texts)):
        for name, label in TRANSLATION_LABELS.items():
            diff = text_diff(_text(old_texts.get(code), name), _text(new_texts.get(code), name))
            if changed(diff):
                diffs.append(FieldDiff(str(label), code, diff))
    old_drafts: Mapping[str, Any] = older.get("drafts") or {}
    new_drafts: Mapping[str, Any] = newer.get("drafts") or {}
    for code in sorted(set(old_drafts) | set(new_drafts)):
        for name, label in TRANSLATION_LABELS.items():
            diff = text_diff(
                _draft_text(old_drafts.get(code), name), _draft_text(new_drafts.get(code), name)
            )
            if changed(diff):
                diffs.append(FieldDiff(f"{label} ({gettext('draft')})", code, diff))
    return diffs


def _draft_text(draft: Mapping[str, Any] | None, name: str) -> str:
    # A draft keeps its Markdown as "markdown" (desk_models.DraftTranslation).
    if draft is None:
        return ""
    return str(draft.get("markdown" if name == "text" else name) or "")
