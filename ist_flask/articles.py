"""A translation as the fediverse sees it: an Article, and the activities
(Create, Update, Delete, Announce) that carry it.

The Article's id is the statement's own address, which answers with this
JSON when asked for application/activity+json (site.statement): a server
that only has the id can always fetch it again.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Response

from .actors import ACTIVITY_JSON, ALL_LANGUAGES, CONTEXT, PUBLIC, actor_id, followers_id
from .i18n import as_utc
from .models import Translation
from .pictures import image_alt, picture
from .urls import absolute_url, statement_url

_NOT_IN_HASHTAG = re.compile(r"[\W_]+")
# Seconds a server may keep an actor's document, an outbox page or an article.
DOCUMENT_MAX_AGE = 300


def activity_json(document: dict[str, Any], content_type: str = ACTIVITY_JSON) -> Response:
    response = Response(json.dumps(document, ensure_ascii=False), content_type=content_type)
    response.cache_control.public = True
    response.cache_control.max_age = DOCUMENT_MAX_AGE
    return response


def _when(translation: Translation) -> tuple[str, str]:
    published = as_utc(translation.statement.published_at)
    updated = max(published, as_utc(translation.updated_at))
    return (
        published.isoformat().replace("+00:00", "Z"),
        updated.isoformat().replace("+00:00", "Z"),
    )


def hashtag(name: str) -> str:
    """A topic's name as a hashtag: "#WorkersRights" (letters of any script)."""
    words = _NOT_IN_HASHTAG.split(name)
    return "#" + "".join(word[:1].upper() + word[1:] for word in words if word)


def article(translation: Translation) -> dict[str, Any]:
    """The Article of ``translation``; its statement's topics and lead image
    must be loadable (one query each)."""
    language = translation.language
    statement = translation.statement
    url = statement_url(language, translation.slug)
    published, updated = _when(translation)
    tags = [
        {
            "type": "Hashtag",
            "name": hashtag(topic.name_in(language)),
            "href": absolute_url("site.topic", lang=language, slug=topic.slug_in(language)),
        }
        for topic in statement.topics
    ]
    document: dict[str, Any] = {
        "id": url,
        "type": "Article",
        "attributedTo": actor_id(language),
        "name": translation.title,
        "nameMap": {language: translation.title},
        # The body as stored: sanitised when it was saved (content.sanitise).
        "content": translation.body,
        "contentMap": {language: translation.body},
        "mediaType": "text/html",
        # The stored excerpt: the summary when there is one (content.derived_texts).
        "summary": translation.excerpt,
        "url": url,
        "published": published,
        "updated": updated,
        "to": [PUBLIC],
        "cc": [followers_id(language)],
        "tag": tags,
    }
    if statement.lead_image is not None:
        shown = picture(statement.lead_image)
        alt, _language = image_alt(translation, statement.translations)
        document["attachment"] = [
            {
                "type": "Image",
                "mediaType": shown.fallback_type,
                "url": shown.url,
                "name": alt,
                "width": shown.width,
                "height": shown.height,
            }
        ]
    return document


def with_context(document: dict[str, Any]) -> dict[str, Any]:
    return {"@context": CONTEXT, **document}


def create(translation: Translation) -> dict[str, Any]:
    """The language actor's Create of ``translation``'s Article."""
    document = article(translation)
    return with_context(
        {
            "id": document["id"] + "#create",
            "type": "Create",
            "actor": document["attributedTo"],
            "published": document["published"],
            "to": document["to"],
            "cc": document["cc"],
            "object": document,
        }
    )


def update(translation: Translation, stamp: str) -> dict[str, Any]:
    """The language actor's Update; ``stamp`` tells one edit's Update from another's."""
    document = article(translation)
    return with_context(
        {
            "id": f"{document['id']}#update-{stamp}",
            "type": "Update",
            "actor": document["attributedTo"],
            "to": document["to"],
            "cc": document["cc"],
            "object": document,
        }
    )


def delete(object_id: str, language: str) -> dict[str, Any]:
    """The language actor's Delete of the Article that had ``object_id``."""
    return with_context(
        {
            "id": object_id + "#delete",
            "type": "Delete",
            "actor": actor_id(language),
            "to": [PUBLIC],
            "object": {"id": object_id, "type": "Tombstone"},
        }
    )


def announce(translation: Translation) -> dict[str, Any]:
    """The all-languages actor's Announce (a boost) of the language actor's Article.

    A second Create of the same id by another actor would be refused or
    merged by receiving servers; an Announce is how one actor shares
    another's post, and the Article stays the language actor's own.
    """
    url = statement_url(translation.language, translation.slug)
    published, _updated = _when(translation)
    return with_context(
        {
            "id": url + "#announce",
            "type": "Announce",
            "actor": actor_id(ALL_LANGUAGES),
            "published": published,
            "to": [PUBLIC],
            "cc": [followers_id(ALL_LANGUAGES), actor_id(translation.language)],
            "object": url,
        }
    )
