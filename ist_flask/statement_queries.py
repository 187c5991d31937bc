"""The statement page's queries: a translation by its address with what its
page shows, the new address of an old slug, and the statement in another
language for a page in a language that lacks it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db
from .group_models import Organisation, Topic, statement_signatories, statement_topics
from .models import SlugRedirect, Statement, Translation
from .queries import (
    CACHED_QUERY,
    LISTED_COLUMNS,
    language_position,
    listed,
    visible,
    with_pictured_statement,
)


def translation_by_slug(language: str, slug: str) -> Translation | None:
    """A published translation with its statement, its lead image, its
    sibling translations, its topics and its signatories loaded."""
    found = db.session.execute(
        _translation_by_slug(), {"language": language, "slug": slug}
    ).scalar_one_or_none()
    if found is not None:
        _load_what_the_page_shows(found.statement)
    return found


@CACHED_QUERY
def _translation_by_slug() -> Select[Translation]:
    return (
        select(Translation)
        .join(Translation.statement)
        .options(
            load_only(
                *LISTED_COLUMNS,
                Translation.body,
                Translation.image_caption,
                Translation.image_credit,
                raiseload=True,
            ),
            with_pictured_statement(),
        )
        .where(
            Translation.language == bindparam("language"),
            Translation.slug == bindparam("slug"),
            visible(),
        )
    )


def _load_what_the_page_shows(statement: Statement) -> None:
    """The statement's siblings, topics and signatories, each by a query
    built once and given the statement's id, set as its collections.

    Not selectinload: for the one statement of a page, its loader built and
    keyed its query anew each time, and took 8.9 million instructions where
    these three take 3.0 (callgrind, the page's lookup alone), a third of
    what the whole page costs when it is rendered afresh."""
    given = {"statement_id": statement.id}
    set_committed_value(statement, "translations", list(db.session.scalars(_siblings(), given)))
    topics = db.session.scalars(_topics(), given).unique()
    set_committed_value(statement, "topics", list(topics))
    signatories = db.session.scalars(_organisations(), given).unique()
    set_committed_value(statement, "organisations", list(signatories))


# Each in the order of its relationship on Statement (models.py).


@CACHED_QUERY
def _siblings() -> Select[Translation]:
    return (
        select(Translation)
        .options(listed())
        .where(Translation.statement_id == bindparam("statement_id"))
        .order_by(Translation.language)
    )


@CACHED_QUERY
def _topics() -> Select[Topic]:
    return (
        select(Topic)
        .join(statement_topics, statement_topics.c.topic_id == Topic.id)
        .where(statement_topics.c.statement_id == bindparam("statement_id"))
        .options(joinedload(Topic.names))
        .order_by(Topic.id)
    )


@CACHED_QUERY
def _organisations() -> Select[Organisation]:
    return (
        select(Organisation)
        .join(
            statement_signatories,
            statement_signatories.c.organisation_id == Organisation.id,
        )
        .where(statement_signatories.c.statement_id == bindparam("statement_id"))
        .options(joinedload(Organisation.names))
        .order_by(Organisation.name)
    )


def statement_elsewhere(slug: str, languages: Sequence[str]) -> Statement | None:
    """The visible statement that has ``slug`` in another language (the first
    in the language order when several do), with its translations' titles
    and slugs: what a page in a language that lacks it links to."""
    query = (
        select(Statement)
        .join(Statement.translations)
        .where(Translation.slug == slug, visible())
        .order_by(language_position(languages))
        .limit(1)
        .options(selectinload(Statement.translations).options(listed()))
    )
    return db.session.execute(query).scalar_one_or_none()


def renamed_translation(language: str, old_slug: str) -> Translation | None:
    """The visible translation that used to have ``old_slug``, for a 301 to its new URL."""
    query = (
        select(Translation)
        .join(SlugRedirect, SlugRedirect.translation_id == Translation.id)
        .join(Translation.statement)
        .where(SlugRedirect.language == language, SlugRedirect.slug == old_slug, visible())
    )
    return db.session.execute(query).scalar_one_or_none()
