"""What is kept of the editor's work: a statement's revisions, and the audit
log of who signed in, changed roles, published, deleted and restored.

Neither table has a foreign key: a revision outlives its statement (so a
deleted statement can be brought back) and both outlive the account that
made them, whose e-mail address is kept as text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Model, UTCDateTime


class Revision(Model):
    """A statement as one save left it: a JSON snapshot of its fields, groups,
    lead image and every translation (revisions.snapshot says what is in it)."""

    __tablename__ = "revisions"
    __table_args__ = (Index("ix_revisions_statement_id_id", "statement_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # A plain integer, not a foreign key: the revision stays when the statement goes.
    statement_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who saved: None for a command or a revision taken before the first one kept.
    author_id: Mapped[int | None] = mapped_column(Integer)
    author_email: Mapped[str | None] = mapped_column(String(254))
    # revisions.ACTIONS: create, edit, restore, delete, revive, earlier.
    action: Mapped[str] = mapped_column(String(16))
    # {"fields": [...], "languages": {code: "added" | "changed" | "removed"}};
    # None when there was nothing to compare with.
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)


class AuditEvent(Model):
    """One thing done in the editor that an admin may need to trace later."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_event_id", "event", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    # audit.EVENTS: sign-in, sign-in-failed, sign-out, role, publish, delete, restore.
    event: Mapped[str] = mapped_column(String(32))
    # Who did it (None: a command, or nobody signed in), kept as text too.
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    # The client's address, when it came through the web.
    address: Mapped[str | None] = mapped_column(String(64))
    # What it was done to: an account's address, "statement 12".
    subject: Mapped[str | None] = mapped_column(String(254))
    detail: Mapped[str | None] = mapped_column(String(500))
