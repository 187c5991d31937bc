"""Blueprint: the fediverse's view of the site. WebFinger and NodeInfo, each
actor's document, outbox and followers count (the inboxes are inbox.py's).

Registered only when IST_ACTIVITYPUB is on. None of these answers is kept in
the page cache: a follower count changes without the content version.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Blueprint, Response, abort, current_app, request

from . import fediverse_queries
from .actors import (
    ALL_LANGUAGES,
    CONTEXT,
    actor_document,
    actor_id,
    actor_names,
    followers_id,
    host,
    is_actor,
    language_of_actor,
    webfinger,
)
from .articles import activity_json, announce, create
from .i18n import supported_languages
from .urls import absolute_url, page_number

bp = Blueprint("activitypub", __name__)

# The longest ?resource= read: an acct: handle or one of the actors' URLs.
MAX_RESOURCE_LENGTH = 512


def _actor_or_404(name: str) -> str:
    if not is_actor(name):
        abort(404)
    return name


@bp.get("/.well-known/webfinger")
def webfinger_document() -> Response:
    """acct:fr@host (or an actor's id) to its actor; 400 for nonsense, 404
    for a handle that is not ours. Readable from any page (CORS)."""
    resource = request.args.get("resource", "")
    if not resource or len(resource) > MAX_RESOURCE_LENGTH:
        abort(400)
    name = _named_actor(resource)
    if name is None:
        abort(404)
    response = activity_json(webfinger(name), "application/jrd+json; charset=utf-8")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _named_actor(resource: str) -> str | None:
    if resource.startswith("acct:"):
        user, at, domain = resource.removeprefix("acct:").lstrip("@").rpartition("@")
        if not at or not user:
            abort(400)
        return user if domain.lower() == host().lower() and is_actor(user) else None
    if resource.startswith(("https://", "http://")):
        return next((name for name in actor_names() if actor_id(name) == resource), None)
    abort(400)


@bp.get("/.well-known/nodeinfo")
def nodeinfo_links() -> Response:
    schema = "http://nodeinfo.diaspora.software/ns/schema/2.1"
    links = {"links": [{"rel": schema, "href": absolute_url("activitypub.nodeinfo")}]}
    response = activity_json(links, "application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/nodeinfo/2.1")
def nodeinfo() -> Response:
    document = {
        "version": "2.1",
        "software": {"name": "ist-flask", "version": "0.1.0"},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["atom1.0", "rss2.0"]},
        "openRegistrations": False,
        "usage": {
            "users": {"total": len(actor_names())},
            "localPosts": fediverse_queries.outbox_count(None),
        },
        "metadata": {"nodeName": current_app.config["ORGANISATION_NAME"]},
    }
    profile = 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"'
    response = activity_json(document, profile)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/ap/actors/<name>")
def actor(name: str) -> Response:
    return activity_json(actor_document(_actor_or_404(name)))


@bp.get("/ap/actors/<name>/followers")
def followers(name: str) -> Response:
    """How many follow, never who: followers are people, not the site's to list."""
    document = {
        "@context": CONTEXT,
        "id": followers_id(_actor_or_404(name)),
        "type": "OrderedCollection",
        "totalItems": fediverse_queries.follower_count(name),
    }
    return activity_json(document)


@bp.get("/ap/actors/<name>/outbox")
def outbox(name: str) -> Response:
    """The actor's activities, newest first, a page at a time (?page=1…)."""
    language = language_of_actor(_actor_or_404(name))
    own_id = absolute_url("activitypub.outbox", name=name)
    total = fediverse_queries.outbox_count(language)
    per_page = int(current_app.config["ENTRIES_PER_PAGE"])
    pages = max(1, math.ceil(total / per_page))
    if "page" not in request.args:
        collection = {
            "@context": CONTEXT,
            "id": own_id,
            "type": "OrderedCollection",
            "totalItems": total,
            "first": f"{own_id}?page=1",
            "last": f"{own_id}?page={pages}",
        }
        return activity_json(collection)
    page = page_number()
    if page > pages:
        abort(404)
    translations = fediverse_queries.outbox_page(language, supported_languages(), per_page, page)
    activity = announce if name == ALL_LANGUAGES else create
    items = [activity(t) for t in translations]
    for item in items:
        item.pop("@context")
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": f"{own_id}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": own_id,
        "totalItems": total,
        "orderedItems": items,
    }
    if page > 1:
        document["prev"] = f"{own_id}?page={page - 1}"
    if page < pages:
        document["next"] = f"{own_id}?page={page + 1}"
    return activity_json(document)
