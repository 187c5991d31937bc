"""What the site keeps of the fediverse: its actors' keys, who follows them,
the remote actors it has verified, the activities waiting for that, and the
articles it has announced (migration 0016).

A statement's changes reach no table here: ActivityPub is about people on
other servers, so none of these raises the content version.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .models import Model, UTCDateTime

# The longest URL kept (actor ids, inboxes, key ids): longer ones are refused.
URL_MAX_LENGTH = 2048
# The name of an actor of this site: a language code or the all-languages one.
ACTOR_NAME_MAX_LENGTH = 16
# How long a fetched key is trusted as the sender's only one. Keys do change:
# past this, a signature the kept key does not verify has the worker fetch
# it again; within it, the worker does not, so a forger makes the site ask
# another server at most once per key per this time.
KEY_FRESH_FOR = timedelta(minutes=10)


class ActorKey(Model):
    """One of the site's actors and its RSA key pair, made the first time the
    actor is asked for. The private key never leaves this table but to sign."""

    __tablename__ = "actor_keys"

    name: Mapped[str] = mapped_column(String(ACTOR_NAME_MAX_LENGTH), primary_key=True)
    public_pem: Mapped[str] = mapped_column(Text)
    private_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:  # never the private key, in a log or a traceback
        return f"<ActorKey {self.name}>"


class RemoteActor(Model):
    """An actor on another server whose key was fetched (by the worker) and
    kept, found by the keyId its signatures name."""

    __tablename__ = "remote_actors"

    key_id: Mapped[str] = mapped_column(String(URL_MAX_LENGTH), primary_key=True)
    actor_id: Mapped[str] = mapped_column(String(URL_MAX_LENGTH), index=True)
    public_pem: Mapped[str] = mapped_column(Text)
    inbox: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
    shared_inbox: Mapped[str | None] = mapped_column(String(URL_MAX_LENGTH))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())

    def is_fresh(self, now: datetime) -> bool:
        return now - self.fetched_at < KEY_FRESH_FOR


class Follower(Model):
    """A remote actor following one of the site's actors."""

    __tablename__ = "followers"
    __table_args__ = (UniqueConstraint("actor_name", "actor_id", name="uq_followers_actor"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_name: Mapped[str] = mapped_column(
        ForeignKey("actor_keys.name", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
    inbox: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
    shared_inbox: Mapped[str | None] = mapped_column(String(URL_MAX_LENGTH))
    followed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def delivery_inbox(self) -> str:
        """Where activities for this follower go: its server's shared inbox if any."""
        return self.shared_inbox or self.inbox


class PendingActivity(Model):
    """A signed activity whose sender's key is not known yet: kept as it came
    until the worker has fetched the key and checked the signature."""

    __tablename__ = "pending_activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_name: Mapped[str] = mapped_column(String(ACTOR_NAME_MAX_LENGTH))
    key_id: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
    # The request-target ("/ap/actors/fr/inbox"), its headers (JSON) and body.
    target: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
    headers: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SentArticle(Model):
    """A translation the fediverse was told of, under the id it was given:
    its Delete must name that id even after the translation is gone."""

    __tablename__ = "sent_articles"

    statement_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(16), primary_key=True)
    object_id: Mapped[str] = mapped_column(String(URL_MAX_LENGTH))
