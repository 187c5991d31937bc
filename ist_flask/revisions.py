"""A statement's revisions: every save keeps a JSON snapshot of the whole
statement, so that any two can be compared and any one restored, even after
the statement was deleted.

One home for recording: ``record``, which every writer of a statement calls
after its commit (the editor's save and delete, the translation desk, the
XLIFF import). The bulk `flask statements import` records nothing: it is
measured, and a file can be imported again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from . import audit
from .content import PUBLISHED
from .desk_models import DraftTranslation
from .extensions import db
from .models import Statement
from .revision_models import Revision

Snapshot = dict[str, Any]

CREATE = "create"
EDIT = "edit"
RESTORE = "restore"
DELETE = "delete"
REVIVE = "revive"
# The statement as it was before a save, when no revision had kept it
# (statements from before revisions, or changed by the import since).
EARLIER = "earlier"
ACTIONS = (CREATE, EDIT, RESTORE, DELETE, REVIVE, EARLIER)

# The statement's own fields in a snapshot, in the order the editor shows them.
STATEMENT_FIELDS = (
    "published_at",
    "status",
    "original_language",
    "topic_ids",
    "organisation_ids",
    "image_sha256",
)
DRAFT_FIELDS = (
    "title",
    "slug",
    "summary",
    "markdown",
    "image_alt",
    "image_caption",
    "image_credit",
    "needs_review",
)
TRANSLATION_FIELDS = (
    "title",
    "slug",
    "summary",
    "body_source",
    "body",
    "image_alt",
    "image_caption",
    "image_credit",
)


def snapshot(statement: Statement | None) -> Snapshot:
    """Everything a save can change, as JSON: the statement's fields, its
    topics' and organisations' ids, its lead image's SHA-256, and each
    translation's text (its Markdown and the HTML made from it). ``{}`` for
    no statement (one about to be created)."""
    if statement is None:
        return {}
    return {
        "published_at": statement.published_at.astimezone(UTC).isoformat(),
        "status": statement.status,
        "original_language": statement.original_language,
        "topic_ids": [topic.id for topic in statement.topics],
        "organisation_ids": sorted(organisation.id for organisation in statement.organisations),
        "image_sha256": statement.lead_image.sha256 if statement.lead_image else None,
        "translations": {
            t.language: {name: getattr(t, name) for name in TRANSLATION_FIELDS}
            for t in statement.translations
        },
        # Translations not on the site yet (the desk's drafts): kept, compared,
        # but never written back by a restore, which restores what readers saw.
        "drafts": {
            draft.language: {name: getattr(draft, name) for name in DRAFT_FIELDS}
            for draft in db.session.execute(
                select(DraftTranslation)
                .where(DraftTranslation.statement_id == statement.id)
                .order_by(DraftTranslation.language)
            ).scalars()
        },
    }


def changes(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """Which of the statement's fields changed, and which languages were
    added, changed or removed, from ``before`` to ``after``."""
    fields = [name for name in STATEMENT_FIELDS if before.get(name) != after.get(name)]
    old: Mapping[str, Any] = before.get("translations", {})
    new: Mapping[str, Any] = after.get("translations", {})
    languages = {}
    for language in sorted(set(old) | set(new)):
        if language not in old:
            languages[language] = "added"
        elif language not in new:
            languages[language] = "removed"
        elif _visible(old[language]) != _visible(new[language]):
            languages[language] = "changed"
    old_drafts: Mapping[str, Any] = before.get("drafts", {})
    new_drafts: Mapping[str, Any] = after.get("drafts", {})
    drafts = sorted(
        language
        for language in set(old_drafts) | set(new_drafts)
        if old_drafts.get(language) != new_drafts.get(language)
    )
    found: dict[str, Any] = {"fields": fields, "languages": languages}
    if drafts:
        found["drafts"] = drafts
    return found


def _visible(translation: Mapping[str, Any]) -> dict[str, Any]:
    # The Markdown aside: the editor's first save of an imported translation
    # gives it its HTML as Markdown, which changes nothing a reader sees.
    return {name: value for name, value in translation.items() if name != "body_source"}


def latest(statement_id: int) -> Revision | None:
    """The statement's last revision, if any was kept."""
    return db.session.execute(
        select(Revision)
        .where(Revision.statement_id == statement_id)
        .order_by(Revision.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def record(
    statement: Statement,
    author: audit.Actor | None,
    action: str,
    before: Snapshot | None = None,
) -> Revision:
    """Keep a revision of ``statement`` as it is now, and commit it.

    Call it after your own commit, from any writer of statements:
    ``revisions.record(statement, current_user, revisions.EDIT, before)``.

    - ``author``: the maintainer who saved (kept as id and e-mail address, so
      the revision survives their account); None for a command.
    - ``action``: CREATE, EDIT, RESTORE, DELETE (call it before deleting) or
      REVIVE.
    - ``before``: ``snapshot(statement)`` taken before your change. Optional,
      but without it a statement never recorded before (or changed since by
      a writer that records nothing, such as the import) loses the state it
      was in; with it, that state is kept first as an EARLIER revision.

    What changed is worked out against ``before`` (or else the last
    revision; with neither it is not known). A save that makes the statement
    published, or adds a translation to a published one, is also written to
    the audit log as a publish (when what was before is known); a delete, a
    restore and a revive are written there too.
    """
    now = datetime.now(UTC)
    after = snapshot(statement)
    previous = latest(statement.id)
    if before and (previous is None or previous.snapshot != before):
        db.session.add(_revision(statement.id, now, None, EARLIER, None, before))
    known = before if before is not None else (previous.snapshot if previous else None)
    changed = changes(known, after) if known is not None else None
    revision = _revision(statement.id, now, author, action, changed, after)
    db.session.add(revision)
    _audit(statement.id, author, action, known, after)
    db.session.commit()
    return revision


def _revision(
    statement_id: int,
    now: datetime,
    author: audit.Actor | None,
    action: str,
    changed: dict[str, Any] | None,
    state: Snapshot,
) -> Revision:
    return Revision(
        statement_id=statement_id,
        created_at=now,
        author_id=author.id if author is not None else None,
        author_email=author.email if author is not None else None,
        action=action,
        changes=changed,
        snapshot=state,
    )


def _audit(
    statement_id: int,
    author: audit.Actor | None,
    action: str,
    before: Snapshot | None,
    after: Snapshot,
) -> None:
    subject = f"statement {statement_id}"
    if action == DELETE:
        audit.log(audit.DELETE, subject, title_of(after), actor=author)
        return
    if action in (RESTORE, REVIVE):
        audit.log(audit.RESTORE, subject, title_of(after), actor=author)
    if before is None or after.get("status") != PUBLISHED:
        return
    if before.get("status") != PUBLISHED:
        audit.log(audit.PUBLISH, subject, title_of(after), actor=author)
        return
    added = sorted(set(after.get("translations", {})) - set(before.get("translations", {})))
    if added:
        audit.log(audit.PUBLISH, subject, f"{title_of(after)} ({', '.join(added)})", actor=author)


def title_of(state: Snapshot) -> str:
    """The title in the original language, or else the first, as elsewhere."""
    translations: Mapping[str, Any] = state.get("translations", {})
    chosen = translations.get(state.get("original_language", "")) or next(
        iter(translations.values()), None
    )
    return str(chosen["title"]) if chosen else ""
