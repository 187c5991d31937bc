"""The image tables (migration 0013): a cleaned original, its renditions, and
the lead image each statement takes.

They are their own module because they hold bytes and sizes, not words:
images.py makes what they store, lead_images.py writes and reads them, and
Statement reaches its lead image by name ("Image"), so models.py maps this
module after Statement, as it does the other *_models modules.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Model, UTCDateTime


class Image(Model):
    """A cleaned original (images.clean_upload: no metadata), named by the
    SHA-256 of its bytes; its renditions are what pages serve."""

    __tablename__ = "images"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # Kept in the database, so that every process on every machine reads it
    # the same way, on SQLite and PostgreSQL alike; never loaded unless asked.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    # An upload no statement took is removed a day later (editing.py).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    renditions: Mapped[list[Rendition]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="Rendition.id"
    )


class Rendition(Model):
    """One served size of an image in one format, made once at upload."""

    __tablename__ = "renditions"
    __table_args__ = (
        UniqueConstraint("image_id", "width", "media_type", name="uq_renditions_image_size"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id", ondelete="CASCADE"))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    media_type: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class StatementImage(Model):
    """A statement's lead image: at most one, shared by its translations."""

    __tablename__ = "statement_images"

    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), primary_key=True
    )
    image_id: Mapped[int] = mapped_column(ForeignKey("images.id"), index=True)
