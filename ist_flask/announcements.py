"""Which events a change of the site means for the outside world.

The announcements table says which translations the channels were told are
visible. A translation visible now and not announced is a publish; announced
and no longer visible (deleted, made a draft, moved into the future) is a
delete; announced, still visible and changed is an update. Each claim is an
INSERT or DELETE that only one process can win, so whichever process looks
(the editor's request, a worker's minute task), each event fires once.

Nothing here sends anything: the caller hands the events to the job queue
(jobs.fan_out_later) after this module has committed them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import String, Table, delete, insert, literal, update
from sqlalchemy.dialects import postgresql, sqlite

from . import queries
from .channel_types import Event, EventKind
from .extensions import db
from .models import Statement, UTCDateTime
from .reach_models import Announcement

# Translations the minute task announces at most in one run: a large schedule
# arriving at once is announced over a few minutes, not in one transaction.
DUE_BATCH = 500
# How far back the minute task looks for a statement whose time came while no
# worker ran: a worker may be down this long without an announcement lost.
DUE_WINDOW = timedelta(days=30)

Fingerprint = tuple[Any, ...]


def fingerprints(statement: Statement) -> dict[str, Fingerprint]:
    """What readers of each translation's feeds would notice changing, by language."""
    image = statement.lead_image.id if statement.lead_image is not None else None
    shared = (
        statement.published_at,
        image,
        tuple(t.id for t in statement.topics),
        tuple(o.id for o in statement.organisations),
    )
    return {
        t.language: (t.title, t.slug, t.summary, t.body, t.image_alt, *shared)
        for t in statement.translations
    }


def _claim(statement_id: int, language: str, now: datetime) -> bool:
    """Record ``language`` of the statement as announced; False when another
    process did first."""
    values = {"statement_id": statement_id, "language": language, "kind": "publish", "at": now}
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    claim = dialect.insert(Announcement).values(values).on_conflict_do_nothing()
    # RETURNING, not rowcount: psycopg reports -1 for these statements.
    won = db.session.execute(claim.returning(Announcement.language)).first()
    return won is not None


def _release(statement_id: int, language: str) -> bool:
    """Forget the announcement; False when another process already did."""
    gone = db.session.execute(
        delete(Announcement)
        .where(Announcement.statement_id == statement_id, Announcement.language == language)
        .returning(Announcement.language)
    ).first()
    return gone is not None


def _event(kind: EventKind, statement_id: int, language: str, now: datetime) -> Event:
    return Event(kind=kind, statement_id=statement_id, language=language, at=now)


def after_save(statement_id: int, changed: Iterable[str], now: datetime) -> list[Event]:
    """The events of a statement just saved by the editor (committed here);
    ``changed``: the languages whose translation the save changed."""
    visible = set(queries.visible_languages(statement_id, now))
    announced = set(queries.announced_languages(statement_id))
    events = []
    for language in sorted(visible - announced):
        if _claim(statement_id, language, now):
            events.append(_event("publish", statement_id, language, now))
    for language in sorted(announced - visible):
        if _release(statement_id, language):
            events.append(_event("delete", statement_id, language, now))
    for language in sorted(visible & announced & set(changed)):
        db.session.execute(
            update(Announcement)
            .where(Announcement.statement_id == statement_id, Announcement.language == language)
            .values(kind="update", at=now)
        )
        events.append(_event("update", statement_id, language, now))
    db.session.commit()
    return events


def after_delete(statement_id: int, now: datetime) -> list[Event]:
    """The events of a statement just deleted (committed here)."""
    events = [
        _event("delete", statement_id, language, now)
        for language in sorted(queries.announced_languages(statement_id))
        if _release(statement_id, language)
    ]
    db.session.commit()
    return events


def announce_due(now: datetime, limit: int = DUE_BATCH) -> list[Event]:
    """Publish events for the translations whose time has come by ``now``
    and that were never announced: scheduled statements (committed here)."""
    events = [
        _event("publish", statement_id, language, now)
        for statement_id, language in queries.due_for_announcement(now - DUE_WINDOW, now, limit)
        if _claim(statement_id, language, now)
    ]
    db.session.commit()
    return events


def forget(event: Event) -> None:
    """Undo the claim of a publish that could not be queued (committed here)."""
    _release(event.statement_id, event.language)
    db.session.commit()


def mark_announced(statement_ids: Sequence[int], now: datetime) -> None:
    """Count the visible translations of these new statements as announced,
    without an event: what an import adds is not news (see the README).
    Part of the caller's transaction."""
    # One INSERT … SELECT: the rows need not come into Python and go back.
    # (What an import's marks cost is SQLite's, and depends on when they
    # are made: statement_import._mark_announced.)
    visible = queries.visible_translations_of(statement_ids, now).add_columns(
        literal("publish", String()), literal(now, UTCDateTime())
    )
    table = cast(Table, Announcement.__table__)
    db.session.execute(
        insert(table).from_select(["statement_id", "language", "kind", "at"], visible)
    )
