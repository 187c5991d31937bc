"""Reading what the fediverse side needs: outbox pages, follower counts,
the inboxes an activity goes to, and the remote actors already verified."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .fediverse_models import Follower, PendingActivity, RemoteActor, SentArticle
from .models import Statement, Translation
from .queries import newest_first, visible


def outbox_count(language: str | None) -> int:
    """Visible translations (in ``language``; None: all)."""
    query = select(func.count(Translation.id)).join(Translation.statement).where(visible())
    if language is not None:
        query = query.where(Translation.language == language)
    return int(db.session.execute(query).scalar_one())


def outbox_page(
    language: str | None, languages: list[str], per_page: int, page: int
) -> list[Translation]:
    """One page of an outbox, newest first, with what an Article shows loaded."""
    query = newest_first(select(Translation), language, languages)
    query = query.options(
        selectinload(Translation.statement).options(
            selectinload(Statement.topics),
            selectinload(Statement.lead_image),
            selectinload(Statement.translations),
        )
    )
    query = query.limit(per_page).offset((page - 1) * per_page)
    return list(db.session.execute(query).scalars())


def visible_translation(statement_id: int, language: str) -> Translation | None:
    """The translation an event names, if readers may see it."""
    query = (
        select(Translation)
        .join(Translation.statement)
        .where(visible(), Translation.statement_id == statement_id)
        .where(Translation.language == language)
    )
    return db.session.execute(query).scalar_one_or_none()


def follower_count(actor_name: str) -> int:
    query = select(func.count(Follower.id)).where(Follower.actor_name == actor_name)
    return int(db.session.execute(query).scalar_one())


def delivery_inboxes(actor_names: list[str]) -> list[str]:
    """The distinct inboxes (a server's shared one where it has one) of the
    followers of ``actor_names``, in a stable order."""
    inbox = func.coalesce(Follower.shared_inbox, Follower.inbox)
    query = select(inbox).where(Follower.actor_name.in_(actor_names)).distinct().order_by(inbox)
    return list(db.session.execute(query).scalars())


def follower(actor_name: str, remote_actor: str) -> Follower | None:
    query = select(Follower).where(
        Follower.actor_name == actor_name, Follower.actor_id == remote_actor
    )
    return db.session.execute(query).scalar_one_or_none()


def followers_at(inbox: str) -> list[Follower]:
    """Every follower whose activities go to ``inbox``."""
    query = select(Follower).where((Follower.inbox == inbox) | (Follower.shared_inbox == inbox))
    return list(db.session.execute(query).scalars())


def remote_actor(key_id: str) -> RemoteActor | None:
    return db.session.get(RemoteActor, key_id)


def pending_count() -> int:
    return int(db.session.execute(select(func.count(PendingActivity.id))).scalar_one())


def sent_article(statement_id: int, language: str) -> SentArticle | None:
    return db.session.get(SentArticle, (statement_id, language))
