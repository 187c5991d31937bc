"""The site's fediverse actors: one per language (@fr@host) and one for all
languages (@ist@host); their keys, addresses and documents.

Ids are absolute URLs under IST_SITE_URL, which must therefore be set when
ActivityPub is on (config_checks.check_activitypub): an id that followed the
request's host would change with it, and the worker has no request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy.exc import IntegrityError

from .extensions import db
from .fediverse_models import ActorKey
from .http_signatures import new_key_pair
from .i18n import language_name, supported_languages
from .urls import absolute_url

# The actor that speaks every language: it announces each one's articles.
ALL_LANGUAGES = "ist"
ACTIVITY_JSON = "application/activity+json"
CONTEXT: list[Any] = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


def actor_names() -> list[str]:
    """Every actor's name: the languages in display order, then the all-languages one."""
    return [*supported_languages(), ALL_LANGUAGES]


def is_actor(name: str) -> bool:
    return name in actor_names()


def host() -> str:
    """The host of handles (fr@host) and ids."""
    return urlsplit(str(current_app.config["SITE_URL"])).netloc


def actor_id(name: str) -> str:
    return absolute_url("activitypub.actor", name=name)


def key_id(name: str) -> str:
    return actor_id(name) + "#main-key"


def followers_id(name: str) -> str:
    return absolute_url("activitypub.followers", name=name)


def actor_key(name: str) -> ActorKey:
    """``name``'s key pair, made and kept the first time it is needed. Two
    processes making one at once: the first kept wins for both."""
    found = db.session.get(ActorKey, name)
    if found is not None:
        return found
    private, public = new_key_pair()
    made = ActorKey(name=name, public_pem=public, private_pem=private, created_at=datetime.now(UTC))
    db.session.add(made)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        found = db.session.get(ActorKey, name)
        assert found is not None
        return found
    return made


def _front_page(name: str) -> str:
    return absolute_url("site.index", lang=None if name == ALL_LANGUAGES else name)


def actor_document(name: str) -> dict[str, Any]:
    """The actor's JSON: who it is, in its own language, and its public key."""
    language = current_app.config["BABEL_DEFAULT_LOCALE"] if name == ALL_LANGUAGES else name
    organisation = current_app.config["ORGANISATION_NAME"]
    with force_locale(language):
        if name == ALL_LANGUAGES:
            title = organisation
            summary = gettext(
                "Statements of the %(organisation)s, in every language.",
                organisation=organisation,
            )
        else:
            # The language named on its own: no grammatical case to agree with.
            title = f"{organisation} ({language_name(name)})"
            summary = gettext(
                "Statements of the %(organisation)s. Language: %(language)s.",
                organisation=organisation,
                language=language_name(name),
            )
    me = actor_id(name)
    return {
        "@context": CONTEXT,
        "id": me,
        "type": "Organization",
        "preferredUsername": name,
        "name": title,
        "summary": summary,
        "url": _front_page(name),
        "icon": {
            "type": "Image",
            "mediaType": "image/png",
            "url": absolute_url("static", filename="icon-512.png"),
        },
        "inbox": absolute_url("activitypub.inbox", name=name),
        "outbox": absolute_url("activitypub.outbox", name=name),
        "followers": followers_id(name),
        "endpoints": {"sharedInbox": absolute_url("activitypub.inbox", name=None)},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {
            "id": key_id(name),
            "owner": me,
            "publicKeyPem": actor_key(name).public_pem,
        },
    }


def webfinger(name: str) -> dict[str, Any]:
    """The JRD that points acct:name@host at the actor."""
    return {
        "subject": f"acct:{name}@{host()}",
        "aliases": [actor_id(name), _front_page(name)],
        "links": [
            {"rel": "self", "type": ACTIVITY_JSON, "href": actor_id(name)},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": _front_page(name),
            },
        ],
    }


def language_of_actor(name: str) -> str | None:
    """The language an actor speaks; None for the all-languages one."""
    return None if name == ALL_LANGUAGES else name
