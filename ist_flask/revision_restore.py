"""Writing a revision back: to the statement it belongs to, or to bring back
a deleted statement with its id. Both go through the editor's own save
(editing.save_statement), so its rules hold: slugs unique, a changed slug
leaves a redirect, the version check refuses a save made meanwhile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select

from .editing import SlugTaken, StatementDraft, TranslationDraft, save_statement, slug_clashes
from .extensions import db
from .group_models import Organisation, Topic
from .lead_images import image_by_hash
from .models import Statement
from .revisions import Snapshot


class RevisionUnusable(ValueError):
    """A snapshot that cannot be written back (no translation in it)."""


def draft_from(state: Snapshot) -> StatementDraft:
    """The editor's draft that would save ``state``: the Markdown where the
    editor wrote one, or else the HTML, as the editor's form would show it.
    Topics, organisations or an image deleted since are left out."""
    translations: dict[str, Any] = state.get("translations") or {}
    if not translations:
        raise RevisionUnusable("no translation")
    image = state.get("image_sha256")
    return StatementDraft(
        published_at=datetime.fromisoformat(state["published_at"]),
        status=state["status"],
        original_language=state["original_language"],
        translations={
            language: TranslationDraft(
                title=text["title"],
                slug=text["slug"],
                summary=text.get("summary") or "",
                markdown=text.get("body_source") or text["body"],
                image_alt=text.get("image_alt") or "",
                image_caption=text.get("image_caption") or "",
                image_credit=text.get("image_credit") or "",
            )
            for language, text in sorted(translations.items())
        },
        topic_ids=_existing(Topic, state.get("topic_ids") or ()),
        organisation_ids=_existing(Organisation, state.get("organisation_ids") or ()),
        image_sha256=image if image and image_by_hash(image) is not None else None,
    )


def _existing(model: type[Topic] | type[Organisation], ids: Sequence[int]) -> tuple[int, ...]:
    if not ids:
        return ()
    return tuple(db.session.scalars(select(model.id).where(model.id.in_(ids)).order_by(model.id)))


def _refuse_clashes(draft: StatementDraft, statement_id: int) -> None:
    clashes = slug_clashes(draft.translations, statement_id)
    if clashes:
        language = sorted(clashes)[0]
        raise SlugTaken(language, draft.translations[language].slug, clashes[language])


def restore(statement: Statement, state: Snapshot) -> Statement:
    """Write ``state`` back to ``statement``, as a save from the editor would.

    Raises SlugTaken when another statement has (or had) one of its slugs,
    and EditConflict when the statement is saved meanwhile; nothing changes then.
    """
    # Based on the statement as it is now: each translation's current version.
    draft = replace(
        draft_from(state),
        known_versions={t.language: t.version for t in statement.translations},
    )
    _refuse_clashes(draft, statement.id)
    return save_statement(statement, draft, statement.version)


def revive(statement_id: int, state: Snapshot) -> Statement:
    """Bring back a deleted statement from ``state``, with its old id (ids
    are never given twice, so it is free) and its slugs.

    Raises SlugTaken when another statement took one of its slugs meanwhile.
    """
    draft = draft_from(state)
    _refuse_clashes(draft, statement_id)
    statement = Statement(
        id=statement_id,
        version=1,
        published_at=draft.published_at,
        status=draft.status,
        original_language=draft.original_language,
    )
    db.session.add(statement)
    db.session.flush()
    return save_statement(statement, draft, statement.version)
