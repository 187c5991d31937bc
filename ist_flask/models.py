"""The site's data: a Statement and its Translations, one per language."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime stored in UTC.

    SQLite hands back naive datetimes even for ``DateTime(timezone=True)``, so
    UTC is re-attached here, in one place, and never guessed elsewhere.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Statement(db.Model):
    """One piece of news, published at one time, in one or more languages."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The language the statement was written in; the others are translations of it.
    original_language: Mapped[str] = mapped_column(String(16))

    translations: Mapped[list[Translation]] = relationship(
        back_populates="statement",
        cascade="all, delete-orphan",
        order_by="Translation.language",
    )

    def translation(self, language: str) -> Translation | None:
        """The translation in ``language``, if the statement has one."""
        return next((t for t in self.translations if t.language == language), None)


class Translation(db.Model):
    """A statement's text in one language."""

    __tablename__ = "translations"
    __table_args__ = (
        UniqueConstraint("statement_id", "language", name="uq_translations_statement_language"),
        UniqueConstraint("language", "slug", name="uq_translations_language_slug"),
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
        Index("ix_translations_language_statement", "language", "statement_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500))
    slug: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    statement: Mapped[Statement] = relationship(back_populates="translations")

    def may_be_outdated(self) -> bool:
        """Whether the original was edited after this translation was last updated."""
        if self.language == self.statement.original_language:
            return False
        original = self.statement.translation(self.statement.original_language)
        return original is not None and original.updated_at > self.updated_at
