"""The one mechanism behind topics and signatories: a kind of named group of
statements, found by its address in a language, whose statements a listing,
a feed or a search can be narrowed to.

Pages (site.py) and feeds (feeds.py) take a kind's name ("topic",
"organisation") and ask this module the rest, so both kinds share one view,
one feed builder and one template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import abort
from sqlalchemy import ColumnElement

from . import group_queries
from .content import is_valid_slug
from .group_models import Organisation, Topic
from .models import Statement


class Group(Protocol):
    """What a topic and an organisation both are, to their page and feeds."""

    id: int

    def name_in(self, language: str) -> str: ...

    def slug_in(self, language: str) -> str: ...


@dataclass(frozen=True)
class GroupKind:
    name: str
    # The statements' relationship to groups of this kind.
    members: Any
    model: type[Topic] | type[Organisation]
    find: Callable[[str, str], tuple[Any, str] | None]


KINDS = {
    "topic": GroupKind("topic", Statement.topics, Topic, group_queries.topic_at),
    "organisation": GroupKind(
        "organisation", Statement.organisations, Organisation, group_queries.organisation_at
    ),
}


def group_at(kind: str, language: str, slug: str) -> tuple[Group, str] | None:
    """The group of ``kind`` at ``slug`` in ``language``, and the slug it has
    there (another one: its page is elsewhere, and ``slug`` redirects)."""
    return KINDS[kind].find(language, slug)


def group_or_404(kind: str, language: str, slug: str) -> tuple[Group, str]:
    """group_at for a page or a feed: a 404 (an HTTPException) for a slug of
    no shape a group has, or of no group."""
    found = group_at(kind, language, slug) if is_valid_slug(slug) else None
    if found is None:
        abort(404)
    return found


def statements_of(kind: str, group: Group) -> ColumnElement[bool]:
    """A condition on statements: those in ``group``."""
    found = KINDS[kind]
    return found.members.any(found.model.id == group.id)  # type: ignore[no-any-return]
