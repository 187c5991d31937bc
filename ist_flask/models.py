"""The site's data: a Statement and its Translations, one per language."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, Mapper, mapped_column, relationship

from .content import DRAFT, PUBLISHED, STATUSES, derived_texts
from .extensions import Base, db
from .images import ALT_MAX_LENGTH, CAPTION_MAX_LENGTH, CREDIT_MAX_LENGTH

if TYPE_CHECKING:
    from .group_models import Organisation, Topic
    from .image_models import Image

__all__ = [
    "DRAFT",
    "ID_MAX",
    "PUBLISHED",
    "STATUSES",
    "SiteState",
    "SlugRedirect",
    "Statement",
    "Translation",
    "source_text",
    "source_text_of",
    "text_fingerprint",
]


# Flask-SQLAlchemy makes db.Model at run time, so type checkers cannot see it
# as a class: they see the declarative base it is made from (extensions.Base),
# which gives every column its Mapped[...] type. The one typing exception.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

# The largest id an Integer column holds on every database (PostgreSQL's int4).
ID_MAX = 2**31 - 1


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


class Statement(Model):
    """One piece of news, published at one time, in one or more languages.

    Readers see it once it is published and its time has come; a draft or a
    statement scheduled for later stays on the editor's side.
    """

    __tablename__ = "statements"
    __table_args__ = (
        CheckConstraint(f"status IN ('{DRAFT}', '{PUBLISHED}')", name="status_known"),
        Index("ix_statements_status_published_at", "status", "published_at"),
        # An id is never given twice, even after a delete: feed entry ids hold it
        # (migration 0007; PostgreSQL's sequences never reuse one).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The language the statement was written in; the others are translations of it.
    original_language: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=PUBLISHED, server_default=PUBLISHED)
    # Raised by every save in the editor, so that a save based on an older
    # version is refused instead of overwriting someone else's work.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    translations: Mapped[list[Translation]] = relationship(
        back_populates="statement",
        cascade="all, delete-orphan",
        order_by="Translation.language",
    )
    # What it is about, and who signed it (group_models.py).
    topics: Mapped[list[Topic]] = relationship(secondary="statement_topics", order_by="Topic.id")
    organisations: Mapped[list[Organisation]] = relationship(
        secondary="statement_signatories", order_by="Organisation.name"
    )
    # The picture at its head (migration 0013), through the statement_images
    # table (image_models.py).
    lead_image: Mapped[Image | None] = relationship(secondary="statement_images")

    def translation(self, language: str) -> Translation | None:
        """The translation in ``language``, if the statement has one."""
        return next((t for t in self.translations if t.language == language), None)

    @property
    def original_translation(self) -> Translation:
        """The translation in the original language, or else the first one:
        what stands for the statement where one title is shown."""
        return self.translation(self.original_language) or self.translations[0]

    def translations_in(self, order: Sequence[str]) -> list[Translation]:
        """Its translations in ``order`` (the configured language order), then
        any in a language no longer configured, by code."""
        position = {code: n for n, code in enumerate(order)}
        return sorted(
            self.translations, key=lambda t: (position.get(t.language, len(order)), t.language)
        )


class Translation(Model):
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
    # The Markdown the editor wrote `body` from; None for HTML that came by import.
    body_source: Mapped[str | None] = mapped_column(Text)
    # The words of `body`, which the search index reads (migration 0004), and
    # the excerpt listings and feeds show (migration 0009): both derived from
    # body and summary when those are written (_derive_texts, the import).
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    excerpt: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # What the statement's lead image says in this language (migration 0013).
    image_alt: Mapped[str | None] = mapped_column(String(ALT_MAX_LENGTH))
    image_caption: Mapped[str | None] = mapped_column(String(CAPTION_MAX_LENGTH))
    image_credit: Mapped[str | None] = mapped_column(String(CREDIT_MAX_LENGTH))
    # Raised by every save that changes this translation, so that two people
    # saving the same language conflict and two languages never do (0021).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # The original's text (source_text) this translation was last made or
    # confirmed from; None for translations saved before 0021 and originals.
    source_markdown: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of this translation's own source_text, and of source_markdown:
    # small enough for lists and queues to compare without loading texts.
    text_sha256: Mapped[str] = mapped_column(String(64), default="", server_default="")
    source_sha256: Mapped[str | None] = mapped_column(String(64))

    statement: Mapped[Statement] = relationship(back_populates="translations")
    old_slugs: Mapped[list[SlugRedirect]] = relationship(
        back_populates="translation", cascade="all, delete-orphan"
    )

    def may_be_outdated(self) -> bool:
        """Whether the original's text differs from the text this translation
        was made from; for a translation made before that text was kept, whether
        the original was edited after this translation was last updated."""
        if self.language == self.statement.original_language:
            return False
        original = self.statement.translation(self.statement.original_language)
        if original is None:
            return False
        if self.source_sha256 is not None:
            return original.text_sha256 != self.source_sha256
        return original.updated_at > self.updated_at


class SourceTexts(Protocol):
    """What source_text reads of a translation (a Translation or a draft)."""

    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str | None: ...
    @property
    def body(self) -> str: ...
    @property
    def body_source(self) -> str | None: ...


def text_fingerprint(text: str) -> str:
    """The SHA-256 of a text, in hex: what outdated checks compare."""
    return hashlib.sha256(text.encode()).hexdigest()


def source_text(original: SourceTexts) -> str:
    """The original's words as one Markdown text: its title as a heading, its
    summary, its body. What a translation keeps as the text it was made from;
    its SHA-256 is kept in text_sha256 (_derive_texts)."""
    return source_text_of(original.title, original.summary, original.body, original.body_source)


def source_text_of(title: str, summary: str | None, body: str, body_source: str | None) -> str:
    """source_text, from the columns' values."""
    summary_part = f"{summary}\n\n" if summary is not None else ""
    return f"# {title}\n\n{summary_part}{body_source if body_source is not None else body}"


@event.listens_for(Translation, "before_insert")
@event.listens_for(Translation, "before_update")
def _derive_texts(_mapper: Mapper[Translation], _connection: object, target: Translation) -> None:
    # Every ORM write goes through here, so no page has to parse a body to
    # show an excerpt, and no writer can forget to keep them in step.
    for name, value in derived_texts(target.body, target.summary).items():
        setattr(target, name, value)
    target.text_sha256 = text_fingerprint(source_text(target))
    target.source_sha256 = (
        text_fingerprint(target.source_markdown) if target.source_markdown is not None else None
    )


class SlugRedirect(Model):
    """A slug a translation had before: its old URL answers with a 301 to the new one."""

    __tablename__ = "slug_redirects"
    __table_args__ = (UniqueConstraint("language", "slug", name="uq_slug_redirects_language_slug"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(200))
    translation_id: Mapped[int] = mapped_column(
        ForeignKey("translations.id", ondelete="CASCADE"), index=True
    )

    translation: Mapped[Translation] = relationship(back_populates="old_slugs")


class SiteState(Model):
    """One row that database triggers keep up to date: ``content_version`` rises
    with every change to statements, translations, slugs, topics or
    signatories, whoever makes it,
    so that cached pages in every process know when they are stale."""

    __tablename__ = "site_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


# The accounts', drafts', groups', images', subscribers', fediverse, revision and preview models refer to Statement: they are mapped once it is.
from . import (  # noqa: E402, F401
    account_models,
    desk_models,  # after account_models: a draft names its author
    fediverse_models,
    group_models,
    image_models,
    preview_models,
    revision_models,
    subscriber_models,
)
