"""Translations not yet on the site: the translation desk's drafts (migration 0021).

A draft lives beside the published translation, never in it, so that no
public page, feed or search can show it; publishing moves it into
``translations`` (desk_saving.publish) and removes it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .images import ALT_MAX_LENGTH, CAPTION_MAX_LENGTH, CREDIT_MAX_LENGTH
from .models import Model, Statement, UTCDateTime

if TYPE_CHECKING:
    from .account_models import User


class DraftTranslation(Model):
    """A statement's text in one language, saved at the desk but not published."""

    __tablename__ = "translation_drafts"
    __table_args__ = (
        UniqueConstraint(
            "statement_id", "language", name="uq_translation_drafts_statement_language"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), index=True
    )
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # Empty: made from the title when the draft is published.
    slug: Mapped[str] = mapped_column(String(200), default="", server_default="")
    summary: Mapped[str] = mapped_column(Text, default="", server_default="")
    markdown: Mapped[str] = mapped_column(Text, default="", server_default="")
    image_alt: Mapped[str] = mapped_column(String(ALT_MAX_LENGTH), default="", server_default="")
    image_caption: Mapped[str] = mapped_column(
        String(CAPTION_MAX_LENGTH), default="", server_default=""
    )
    image_credit: Mapped[str] = mapped_column(
        String(CREDIT_MAX_LENGTH), default="", server_default=""
    )
    # Who saved it last; kept when their account goes.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Filled by a machine (machine_translation.py): never published until a
    # person has said they reviewed it.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # The original's text (models.source_text) the draft was made from.
    source_markdown: Mapped[str | None] = mapped_column(Text)
    # Raised by every save, so that two people saving one draft conflict.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    statement: Mapped[Statement] = relationship()
    author: Mapped[User | None] = relationship()
