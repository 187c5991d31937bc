"""The ActivityPub channel of reach (channel_types.py): runs in the job
queue's worker, in an app context.

deliveries(): a translation published is a Create by its language's actor,
sent to each distinct inbox of that actor's followers, and an Announce by the
all-languages actor to each of its followers' inboxes; an update is an
Update, and a deletion a Delete with a Tombstone, by the language's actor to
both sets of inboxes (whoever saw it hears it changed or went).

deliver(): kind "post" signs and POSTs one activity; kind "verify" checks a
Follow or Undo that came with an unknown key (inbox.py): it fetches the key,
keeps it, checks the signature against what was kept, and acts on it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from flask import current_app

from . import fediverse_queries, follows, signed_posts
from .actors import ALL_LANGUAGES, actor_key, key_id
from .articles import announce, create, delete, update
from .channel_types import Delivery, Event, Undeliverable
from .extensions import db
from .fediverse_http import Refused, Unavailable, fetch_json, post_activity
from .fediverse_models import PendingActivity, RemoteActor, SentArticle
from .http_signatures import SignatureError
from .urls import statement_url


def _site_context() -> AbstractContextManager[Any]:
    """A request context at IST_SITE_URL: url_for and the ids need one, and
    the worker has no request of its own."""
    return current_app.test_request_context(base_url=current_app.config["SITE_URL"])


def _private_networks() -> bool:
    return bool(current_app.config["ACTIVITYPUB_PRIVATE_NETWORKS"])


def _short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class ActivityPubChannel:
    name = follows.CHANNEL

    def deliveries(self, event: Event) -> Iterator[Delivery]:
        if not current_app.config["ACTIVITYPUB"]:
            return  # off: nobody can have followed
        with _site_context():
            yield from self._deliveries(event)

    def _deliveries(self, event: Event) -> Iterator[Delivery]:
        language = event.language
        base = f"{self.name}:{event.statement_id}:{language}:{event.kind}"
        if event.kind == "delete":
            sent = fediverse_queries.sent_article(event.statement_id, language)
            if sent is None:
                return  # never told of it: nothing to take back
            activity = delete(sent.object_id, language)
            db.session.delete(sent)
            db.session.commit()
            yield from self._to(base, language, [language, ALL_LANGUAGES], activity)
            return
        translation = fediverse_queries.visible_translation(event.statement_id, language)
        if translation is None:
            return  # not visible (any more): its own event will say what became of it
        current = statement_url(language, translation.slug)
        told = self._remember(translation.statement_id, language, current)
        stamp = event.at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        moved = event.kind == "update" and told is not None and told != current
        if moved:
            # A new slug is a new address, so a new id: servers cannot update
            # an id in place, so the old article goes and the new one comes.
            gone = delete(str(told), language)
            yield from self._to(f"{base}:{stamp}:moved", language, [language, ALL_LANGUAGES], gone)
            base = f"{base}:{stamp}"
        if event.kind == "publish" or moved:
            yield from self._to(base, language, [language], create(translation))
            yield from self._to(base, ALL_LANGUAGES, [ALL_LANGUAGES], announce(translation))
        else:
            activity = update(translation, stamp)
            yield from self._to(f"{base}:{stamp}", language, [language, ALL_LANGUAGES], activity)

    def _remember(self, statement_id: int, language: str, object_id: str) -> str | None:
        """Keep ``object_id`` as the id the article was given; the one kept before."""
        sent = fediverse_queries.sent_article(statement_id, language)
        told = None if sent is None else sent.object_id
        if sent is None:
            db.session.add(
                SentArticle(statement_id=statement_id, language=language, object_id=object_id)
            )
        else:
            sent.object_id = object_id
        db.session.commit()
        return told

    def _to(
        self, base: str, sender: str, audience: list[str], activity: dict[str, Any]
    ) -> Iterator[Delivery]:
        for inbox in fediverse_queries.delivery_inboxes(audience):
            payload = {"kind": "post", "actor": sender, "inbox": inbox, "activity": activity}
            yield Delivery(key=f"{base}:{sender}:{_short(inbox)}", payload=payload)

    def deliver(self, delivery: Delivery) -> None:
        with _site_context():
            if delivery.payload.get("kind") == "verify":
                self._verify(int(delivery.payload["pending"]))
            else:
                self._post(delivery.payload)

    def _post(self, payload: dict[str, Any]) -> None:
        sender = str(payload["actor"])
        inbox = str(payload["inbox"])
        key = actor_key(sender)
        try:
            post_activity(
                inbox, payload["activity"], key_id(sender), key.private_pem, _private_networks()
            )
        except Refused as error:
            follows.forget_inbox(inbox)
            raise Undeliverable(str(error)) from error
        except Unavailable:
            raise  # the queue tries again later

    def _verify(self, pending_id: int) -> None:
        pending = db.session.get(PendingActivity, pending_id)
        if pending is None:
            return  # done already
        headers: dict[str, str] = json.loads(pending.headers)
        activity = json.loads(pending.body)
        try:
            sender = self._fetch_sender(pending.key_id, str(activity.get("actor")))
            signed_posts.verify(
                current_app.config["SITE_URL"],
                pending.target,
                headers,
                pending.body.encode("utf-8"),
                sender.public_pem,
            )
        except (Refused, SignatureError) as error:
            db.session.delete(pending)
            db.session.commit()
            raise Undeliverable(str(error)) from error
        follows.apply(activity, sender)
        db.session.delete(pending)
        db.session.commit()

    def _fetch_sender(self, wanted_key: str, actor: str) -> RemoteActor:
        """Fetch the key ``wanted_key`` and its owner, who must be ``actor``;
        keep them (the next activity signed with it is checked at once).
        A key fetched moments ago is not fetched again (RemoteActor.is_fresh)."""
        kept = db.session.get(RemoteActor, wanted_key)
        if kept is not None and kept.actor_id == actor and kept.is_fresh(datetime.now(UTC)):
            return kept
        own = actor_key(ALL_LANGUAGES)

        def fetch(url: str) -> Any:
            return fetch_json(url, key_id(ALL_LANGUAGES), own.private_pem, _private_networks())

        document = fetch(wanted_key.split("#", 1)[0])
        if not isinstance(document, dict):
            raise Refused("the key's address holds no object")
        if "publicKeyPem" in document:  # the key on its own: its owner has the inbox
            key, owner = document, fetch(str(document.get("owner")))
        else:
            key, owner = _key_in(document, wanted_key), document
        if not isinstance(owner, dict) or owner.get("id") != actor or key.get("owner") != actor:
            raise Refused("the key is not the activity's actor's")
        inbox = owner.get("inbox")
        endpoints = owner.get("endpoints")
        shared = endpoints.get("sharedInbox") if isinstance(endpoints, dict) else None
        if not follows.is_url(inbox) or not isinstance(key.get("publicKeyPem"), str):
            raise Refused("the actor has no inbox or no key")
        sender = kept or RemoteActor(key_id=wanted_key)
        sender.actor_id = actor
        sender.public_pem = str(key["publicKeyPem"])
        sender.inbox = str(inbox)
        sender.shared_inbox = str(shared) if follows.is_url(shared) else None
        sender.fetched_at = datetime.now(UTC)
        db.session.add(sender)
        db.session.commit()
        return sender


def _key_in(actor: dict[str, Any], wanted_key: str) -> dict[str, Any]:
    keys = actor.get("publicKey")
    for key in keys if isinstance(keys, list) else [keys]:
        if isinstance(key, dict) and key.get("id") == wanted_key:
            return key
    raise Refused("the actor does not hold the key")
