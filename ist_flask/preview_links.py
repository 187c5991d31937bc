"""Preview links: made for a draft or scheduled statement, found again by
their signed token, revoked by an editor. The reading side of previews and
their one rule for what may be previewed."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import select

from .account_models import User
from .extensions import db
from .models import DRAFT, ID_MAX, Statement
from .preview_models import PreviewLink

# A salt of its own: no other signed value of the site (sign-in devices,
# subscriptions) can pass for a preview token, nor one for them.
SALT = "statement-preview"
DEFAULT_DAYS = 7
# Far longer than any token the site signs (about 40 characters): anything
# longer is refused before it is even decoded.
MAX_TOKEN_LENGTH = 200


class PreviewUnknown(Exception):
    """No preview link has this token: mistyped, forged or cut short."""


class PreviewEnded(Exception):
    """The link was real, but it expired or was revoked."""


def is_previewable(statement: Statement, now: datetime) -> bool:
    """Whether readers cannot see ``statement`` yet: a draft, or timed later."""
    return statement.status == DRAFT or statement.published_at > now


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _signer_at(moment: datetime) -> URLSafeTimedSerializer:
    """A signer that dates what it signs ``moment``: a link's address is then
    the same each time the editor's page shows it, and its age counts from
    its making."""

    class SignedAt(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(moment.timestamp())

    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT, signer=SignedAt)


def max_days() -> int:
    """The longest a preview link may last (IST_PREVIEW_MAX_DAYS)."""
    return int(current_app.config["PREVIEW_MAX_DAYS"])


def create_link(statement: Statement, creator: User | None, days: int, now: datetime) -> str:
    """Make a link to ``statement`` lasting ``days`` (1 to max_days) from
    ``now``, and give back its token. The caller checks is_previewable."""
    if not 1 <= days <= max_days():
        raise ValueError(f"a preview link lasts 1 to {max_days()} days, not {days}")
    link = PreviewLink(
        statement_id=statement.id,
        created_by=creator.id if creator is not None else None,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(link)
    db.session.commit()
    return token_for(link)


def token_for(link: PreviewLink) -> str:
    """The link's token: its id and its statement's, signed. Statement ids
    are never reused (migration 0007), so a token cannot come to name
    another statement's link."""
    return str(_signer_at(link.created_at).dumps([link.id, link.statement_id]))


def live_link(token: str, now: datetime) -> PreviewLink:
    """The link ``token`` names, if it still shows its statement at ``now``.

    Raises PreviewUnknown for anything the site never signed (or whose row is
    gone with its statement), PreviewEnded for a link that expired or was
    revoked.
    """
    if len(token) > MAX_TOKEN_LENGTH:
        raise PreviewUnknown()
    try:
        named = _signer().loads(token, max_age=max_days() * 24 * 3600)
    except SignatureExpired as expired:
        raise PreviewEnded() from expired
    except BadSignature as bad:
        raise PreviewUnknown() from bad
    if not (
        isinstance(named, list)
        and len(named) == 2
        and all(type(part) is int and 1 <= part <= ID_MAX for part in named)
    ):
        # Signed by this site, but not as a preview token (or with an id no
        # column holds): nothing to ask the database.
        raise PreviewUnknown()
    link_id, statement_id = named
    link = db.session.get(PreviewLink, link_id)
    if link is None or link.statement_id != statement_id:
        raise PreviewUnknown()
    if not link.is_live(now):
        raise PreviewEnded()
    return link


def live_links(statement: Statement, now: datetime) -> list[PreviewLink]:
    """The statement's links that still work, newest first."""
    query = (
        select(PreviewLink)
        .where(
            PreviewLink.statement_id == statement.id,
            PreviewLink.revoked_at.is_(None),
            PreviewLink.expires_at > now,
        )
        .order_by(PreviewLink.id.desc())
    )
    return list(db.session.execute(query).scalars())


def revoke(statement: Statement, link_id: int, now: datetime) -> bool:
    """Stop the statement's link ``link_id`` from working; False when the
    statement has no such link (revoking twice keeps the first time)."""
    link = db.session.get(PreviewLink, link_id)
    if link is None or link.statement_id != statement.id:
        return False
    if link.revoked_at is None:
        link.revoked_at = now
        db.session.commit()
    return True
