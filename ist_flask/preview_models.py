"""Preview links: a signed address that shows a draft or scheduled statement
to someone without an account, until it expires or is revoked."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Model, Statement, UTCDateTime

if TYPE_CHECKING:
    from .account_models import User


class PreviewLink(Model):
    """One preview link given out for one statement (migration 0020)."""

    __tablename__ = "preview_links"
    # An id is never given twice: a token names its row by id, and must not
    # come to name a newer link after its own was deleted with its statement.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statements.id", ondelete="CASCADE"), index=True
    )
    # Who made it; the link outlives the account, which may be deleted.
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    statement: Mapped[Statement] = relationship()
    creator: Mapped[User | None] = relationship()

    def is_live(self, now: datetime) -> bool:
        """Whether the link still shows its statement at ``now``."""
        return self.revoked_at is None and now < self.expires_at
