"""The tables of reach (migration 0014): which translations the world has been
told about, and which deliveries have been made.

Both are claims that several worker processes race for: a primary key decides
who wins, so each translation is announced once and each delivery key is
delivered once, whichever process gets there first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Model, UTCDateTime

# The length of a delivered key's SHA-256, in hex: keys of any length (a hub's
# URL and a feed's) are kept as their digest.
KEY_DIGEST_LENGTH = 64
# An announcement whose event the job queue did not take (Redis away): OWED,
# an update or a delete the channels missed; UNTOLD, a publish they never
# heard. The minute task tells them what is true by then (announcements.py).
OWED = "owed"
UNTOLD = "untold"
# Those rows: the partial index's condition, and the minute task's, the same
# text, since SQLite takes a partial index only for a term it can see matches.
OWED_OR_UNTOLD = text(f"kind IN ('{OWED}', '{UNTOLD}')")


class Announcement(Model):
    """A translation the channels were told is visible (publish, then any
    updates). The row goes when the translation goes away (a delete event),
    so that it is announced again if it comes back. A row whose event the
    job queue did not take is OWED or UNTOLD until the minute task tells it.

    No foreign key: a deleted statement's rows are removed by the delete
    event itself, and statement ids are never reused (migration 0007).
    """

    __tablename__ = "announcements"
    # Partial: the minute task finds the few owed rows without a walk of every
    # announcement, and an import's hundreds of thousands of rows add nothing
    # to it (migration 0023).
    __table_args__ = (
        Index(
            "ix_announcements_owed",
            "at",
            sqlite_where=OWED_OR_UNTOLD,
            postgresql_where=OWED_OR_UNTOLD,
        ),
    )

    statement_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    # The last event announced, "publish" or "update"; or OWED or UNTOLD.
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class DeliveredKey(Model):
    """A Delivery.key delivered successfully: never delivered again."""

    __tablename__ = "delivered_keys"

    digest: Mapped[str] = mapped_column(String(KEY_DIGEST_LENGTH), primary_key=True)
    channel: Mapped[str] = mapped_column(String(64))
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime())
