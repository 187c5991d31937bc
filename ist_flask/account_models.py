"""Maintainers' accounts: who may sign in to the editor, in which role,
and, for translators, in which languages (roles.py says what each may do)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Model, UTCDateTime
from .roles import ROLES, Role


class User(Model):
    """A maintainer who may sign in to the editor."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{role}'" for role in ROLES) + ")", name="role_known"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased, so that one address is one account.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Part of every session cookie; raised when the maintainer signs out, gets
    # a new password or is signed out everywhere, so older cookies stop working.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Migration 0017 made every maintainer before roles an admin.
    role: Mapped[str] = mapped_column(String(16), default=Role.ADMIN, server_default=Role.ADMIN)
    # A translator's translations may be published by them, not only kept as drafts.
    may_publish: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    # Two-factor sign-in (two_factor.py): the TOTP secret, kept while the
    # maintainer enrols and after; 2FA is on only once a code confirmed it.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last 30-second step whose code was accepted: a code is never taken twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    languages: Mapped[list[UserLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="UserLanguage.language", lazy="selectin"
    )

    # What Flask-Login asks of a user object.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the session cookie keeps: the id and the session generation
        (Flask-Login's "alternative tokens")."""
        return f"{self.id}.{self.session_generation}"

    @property
    def uses_two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def language_codes(self) -> frozenset[str]:
        """The languages a translator works in (empty for other roles)."""
        return frozenset(entry.language for entry in self.languages)


class UserLanguage(Model):
    """One language a translator may translate into."""

    __tablename__ = "user_languages"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(String(16), primary_key=True)


class RecoveryCode(Model):
    """One of a maintainer's one-time recovery codes, for a lost device: only
    its SHA-256 is kept (the codes are random, 80 bits), and it is deleted
    when used."""

    __tablename__ = "recovery_codes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    code_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
