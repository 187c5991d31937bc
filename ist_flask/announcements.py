"""Which events a change of the site means for the outside world.

The announcements table says which translations the channels were told are
visible. A translation visible now and not announced is a publish; announced
and no longer visible (deleted, made a draft, moved into the future) is a
delete; announced, still visible and changed is an update. Each claim is an
INSERT or DELETE that only one process can win, so whichever process looks
(the editor's request, a worker's minute task), each event fires once.

An event the job queue did not take (Redis away) is not lost: a publish
leaves its row UNTOLD, an update or a delete OWED, and the minute task tells
the channels what is true by then: an untold translation readers see is a
publish (one they no longer see is nothing), an owed one an update, or a
delete if they no longer see it.

Nothing here sends anything: the caller hands the events to the job queue
(jobs.fan_out_later) after this module has committed them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Delete, String, Table, Update, delete, insert, literal, update
from sqlalchemy.dialects import postgresql, sqlite

from . import announcement_queries
from .channel_types import Event, EventKind
from .extensions import db
from .models import Statement, UTCDateTime
from .reach_models import OWED, UNTOLD, Announcement

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


def _claim(statement_id: int, language: str, now: datetime, kind: str = "publish") -> bool:
    """Record ``language`` of the statement as announced (or as ``kind``);
    False when another process did first."""
    values = {"statement_id": statement_id, "language": language, "kind": kind, "at": now}
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
    visible = set(announcement_queries.visible_languages(statement_id, now))
    announced = set(announcement_queries.announced_languages(statement_id))
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
        for language in sorted(announcement_queries.announced_languages(statement_id))
        if _release(statement_id, language)
    ]
    db.session.commit()
    return events


def announce_due(now: datetime, limit: int = DUE_BATCH) -> list[Event]:
    """What the minute task announces (committed here): publish events for
    the translations whose time has come by ``now`` and that were never
    announced (scheduled statements), then the events the queue did not take."""
    events = [
        _event("publish", statement_id, language, now)
        for statement_id, language in announcement_queries.due_for_announcement(
            now - DUE_WINDOW, now, limit
        )
        if _claim(statement_id, language, now)
    ]
    events += _settle_owed(now, limit)
    db.session.commit()
    return events


def _settle_owed(now: datetime, limit: int) -> list[Event]:
    """What the channels missed, told as it stands at ``now``: for a
    translation readers see, a publish if it was untold, else an update; for
    one they no longer see, a delete if it was owed, else nothing."""
    owed = announcement_queries.owed(limit)
    visible = announcement_queries.visible_among(
        sorted({statement_id for statement_id, _, _ in owed}), now
    )
    events = []
    for statement_id, language, was in owed:
        mine = (
            Announcement.statement_id == statement_id,
            Announcement.language == language,
            Announcement.kind == was,
        )
        # Conditional on the row being as it was read: a save or another
        # worker that settled it first wins, and the event fires once.
        claim: Update | Delete
        kind: EventKind | None
        if (statement_id, language) in visible:
            kind = "publish" if was == UNTOLD else "update"
            claim = update(Announcement).where(*mine).values(kind=kind, at=now)
        else:
            kind = "delete" if was == OWED else None
            claim = delete(Announcement).where(*mine)
        won = db.session.execute(claim.returning(Announcement.language)).first() is not None
        if won and kind is not None:
            events.append(_event(kind, statement_id, language, now))
    return events


def unsent(event: Event) -> None:
    """Keep what the channels were not told, when the queue did not take
    ``event`` (committed here): the minute task tells it later."""
    if event.kind == "delete":
        # The delete released the row; it comes back owed. If a publish has
        # claimed the translation again since, the channels hear that instead.
        _claim(event.statement_id, event.language, event.at, kind=OWED)
    else:
        db.session.execute(
            update(Announcement)
            .where(
                Announcement.statement_id == event.statement_id,
                Announcement.language == event.language,
            )
            .values(kind=UNTOLD if event.kind == "publish" else OWED)
        )
    db.session.commit()


def mark_announced(statement_ids: Sequence[int], now: datetime) -> None:
    """Count the visible translations of these new statements as announced,
    without an event: what an import adds is not news (see the README).
    Part of the caller's transaction."""
    # One INSERT … SELECT: the rows need not come into Python and go back.
    # (What an import's marks cost is SQLite's, and depends on when they
    # are made: statement_import._mark_announced.)
    visible = announcement_queries.visible_translations_of(statement_ids, now).add_columns(
        literal("publish", String()), literal(now, UTCDateTime())
    )
    table = cast(Table, Announcement.__table__)
    db.session.execute(
        insert(table).from_select(["statement_id", "language", "kind", "at"], visible)
    )
