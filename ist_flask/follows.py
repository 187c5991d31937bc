"""Following and unfollowing: what a verified Follow or Undo(Follow) does,
whether it was verified in the inbox request (key already known) or later by
the worker (key fetched first). Anything else is ignored."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from . import channel_types, fediverse_queries
from .actors import CONTEXT, actor_id, actor_key, actor_names
from .channel_types import Delivery
from .extensions import db
from .fediverse_models import URL_MAX_LENGTH, Follower, RemoteActor

# The channel's name (channel_types.py): on the queue and in delivery keys.
CHANNEL = "activitypub"


def followed_actor(follow: Any) -> str | None:
    """The name of the site's actor a Follow is for, if it is one of ours."""
    if not isinstance(follow, dict) or follow.get("type") != "Follow":
        return None
    target = follow.get("object")
    if isinstance(target, dict):
        target = target.get("id")
    return next((name for name in actor_names() if actor_id(name) == target), None)


def is_follow_or_undo(activity: dict[str, Any]) -> bool:
    """Whether the site acts on ``activity`` at all (everything else is ignored)."""
    kind = activity.get("type")
    if kind == "Follow":
        return True
    return kind == "Undo" and isinstance(activity.get("object"), dict)


def apply(activity: dict[str, Any], sender: RemoteActor) -> None:
    """Act on a verified activity from ``sender`` (its signer and its actor)."""
    if activity.get("type") == "Follow":
        name = followed_actor(activity)
        if name is not None:
            _follow(name, sender, activity)
    elif activity.get("type") == "Undo":
        followed = activity.get("object")
        name = followed_actor(followed)
        if (
            name is not None
            and isinstance(followed, dict)
            and followed.get("actor") == sender.actor_id
        ):
            _unfollow(name, sender)
    db.session.commit()


def _follow(name: str, sender: RemoteActor, follow: dict[str, Any]) -> None:
    actor_key(name)  # the followed actor exists in the database from now on
    found = fediverse_queries.follower(name, sender.actor_id)
    if found is None:
        found = Follower(actor_name=name, actor_id=sender.actor_id, followed_at=datetime.now(UTC))
        db.session.add(found)
    found.inbox = sender.inbox
    found.shared_inbox = sender.shared_inbox
    db.session.flush()
    # Followed at once: nothing here needs approving.
    accept = {
        "@context": CONTEXT,
        "id": f"{actor_id(name)}#accept-{_digest(str(follow.get('id') or sender.actor_id))}",
        "type": "Accept",
        "actor": actor_id(name),
        "object": follow,
    }
    payload = {"kind": "post", "actor": name, "inbox": sender.inbox, "activity": accept}
    key = f"{CHANNEL}:accept:{name}:{_digest(sender.actor_id + str(follow.get('id')))}"
    channel_types.send(CHANNEL, Delivery(key=key, payload=payload))


def _unfollow(name: str, sender: RemoteActor) -> None:
    found = fediverse_queries.follower(name, sender.actor_id)
    if found is not None:
        db.session.delete(found)


def forget_inbox(inbox: str) -> int:
    """Drop every follower whose activities go to ``inbox``, which refused
    one for good; how many went."""
    gone = fediverse_queries.followers_at(inbox)
    for follower in gone:
        db.session.delete(follower)
    db.session.commit()
    return len(gone)


def is_url(value: Any) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(("https://", "http://"))
        and len(value) <= URL_MAX_LENGTH
    )


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
