"""Topics and signatories: named groups of statements, each with a page and feeds.

A topic has a name and a slug in each language it is named in; a page in
another language shows its name in the default language, or else its first.
An organisation (a signatory) has one name and one slug, and a name of its
own in the languages where it differs, a country and a web address.
Both answer the same questions (``name_in``, ``slug_in``), which the one
mechanism of group pages and feeds (groups.py) asks.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .group_records import default_language_of
from .models import Model

statement_topics = Table(
    "statement_topics",
    db.metadata,
    Column(
        "statement_id",
        ForeignKey("statements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True),
)

statement_signatories = Table(
    "statement_signatories",
    db.metadata,
    Column(
        "statement_id",
        ForeignKey("statements.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "organisation_id",
        ForeignKey("organisations.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Topic(Model):
    """What statements are about: "Anti-war", "Declarations"."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    names: Mapped[list[TopicName]] = relationship(
        back_populates="topic", cascade="all, delete-orphan", order_by="TopicName.language"
    )
    # Addresses its pages had (group_editing, the import): each redirects.
    old_slugs: Mapped[list[TopicOldSlug]] = relationship(
        cascade="all, delete-orphan", order_by="TopicOldSlug.id"
    )

    def own_name(self, language: str) -> TopicName | None:
        return next((n for n in self.names if n.language == language), None)

    def default_name(self) -> TopicName:
        """Its name in the default language, or else its first: what stands
        for it in a language it has no name in."""
        language = default_language_of(n.language for n in self.names)
        own = self.own_name(language)
        assert own is not None
        return own

    def name_in(self, language: str) -> str:
        return (self.own_name(language) or self.default_name()).name

    def slug_in(self, language: str) -> str:
        return (self.own_name(language) or self.default_name()).slug

    def names_in(self, order: Sequence[str]) -> list[TopicName]:
        """Its names in the configured language order, then any other by code."""
        position = {code: n for n, code in enumerate(order)}
        return sorted(self.names, key=lambda n: (position.get(n.language, len(order)), n.language))


class TopicName(Model):
    """A topic's name and slug in one language."""

    __tablename__ = "topic_names"
    __table_args__ = (
        UniqueConstraint("topic_id", "language", name="uq_topic_names_topic_language"),
        UniqueConstraint("language", "slug", name="uq_topic_names_language_slug"),
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(200))

    topic: Mapped[Topic] = relationship(back_populates="names")


class Organisation(Model):
    """A member organisation that signs statements."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("slug <> ''", name="slug_not_empty"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # ISO 3166-1 alpha-2, upper case ("GB"); shown in each page's language.
    country: Mapped[str | None] = mapped_column(String(2))
    # An http(s) address, only ever shown as a link: never fetched.
    web_address: Mapped[str | None] = mapped_column(String(500))
    names: Mapped[list[OrganisationName]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="OrganisationName.language",
    )
    old_slugs: Mapped[list[OrganisationOldSlug]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationOldSlug.id"
    )

    def name_in(self, language: str) -> str:
        own = next((n for n in self.names if n.language == language), None)
        return own.name if own is not None else self.name

    def slug_in(self, language: str) -> str:
        return self.slug


class OrganisationName(Model):
    """An organisation's name in a language where it differs from its own."""

    __tablename__ = "organisation_names"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "language", name="uq_organisation_names_organisation_language"
        ),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship(back_populates="names")


class TopicOldSlug(Model):
    """A slug a topic's page had in a language: it answers with a 301 to the
    page's address now (migration 0012), so links already out there work."""

    __tablename__ = "topic_old_slugs"
    __table_args__ = (
        UniqueConstraint("language", "slug", name="uq_topic_old_slugs_language_slug"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(16))
    slug: Mapped[str] = mapped_column(String(200))


class OrganisationOldSlug(Model):
    """A slug an organisation had: its old address redirects (301) to its page."""

    __tablename__ = "organisation_old_slugs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    slug: Mapped[str] = mapped_column(String(200), unique=True)
