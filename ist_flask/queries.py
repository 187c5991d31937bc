"""Reading published statements for pages and feeds: each function is one or two queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, select
from sqlalchemy.orm import contains_eager, load_only

from .extensions import db
from .image_models import Image
from .models import (
    PUBLISHED,
    Statement,
    Translation,
    UTCDateTime,
)

T = TypeVar("T")

# Bound parameters per IN list: SQLite allows 32,766, PostgreSQL 65,535.
LOOKUP_CHUNK = 500


def lookup_chunks(items: Iterable[T]) -> Iterator[list[T]]:
    """``items`` in lists of LOOKUP_CHUNK at most: one IN list a query."""
    pending = iter(items)
    while chunk := list(islice(pending, LOOKUP_CHUNK)):
        yield chunk


def _now() -> datetime:
    return datetime.now(UTC)


# The present moment, read each time a query runs rather than when it is
# built: so the queries every page repeats can be built once (see CACHED_QUERY).
NOW = bindparam("now", callable_=_now, type_=UTCDateTime())


def visible(until: datetime | None = None) -> ColumnElement[bool]:
    """Readers see published statements whose time has come: no drafts, nothing
    scheduled. ``until``: only those up to then, when that is earlier than now."""
    # One upper bound on the time, not two: SQLite reads the index from the
    # one it is given, and from now it would walk every newer statement.
    bound: Any = NOW if until is None or until > _now() else until
    return and_(Statement.status == PUBLISHED, Statement.published_at <= bound)


def language_position(languages: Sequence[str]) -> Any:
    """An SQL expression ordering translations in the configured language order."""
    return _position_in(tuple(languages))


# Expressions and options every listing and feed repeats, made once: building
# them anew took a fifth of the time a listing's query takes.
@cache
def _position_in(languages: tuple[str, ...]) -> Any:
    return case(
        {code: position for position, code in enumerate(languages)},
        value=Translation.language,
        else_=len(languages),
    )


def newest_first(
    query: Select,  # type: ignore[type-arg]
    language: str | None,
    languages: Sequence[str],
    until: datetime | None = None,
) -> Select:  # type: ignore[type-arg]
    """``query`` over visible translations (in ``language``; None: all; up to
    ``until``), newest first."""
    query = query.join(Translation.statement).where(visible(until))
    if language is not None:
        query = query.where(Translation.language == language)
    return query.order_by(*newest_order(languages))


def newest_order(languages: Sequence[str]) -> tuple[Any, ...]:
    return _newest_order_in(tuple(languages))


@cache
def _newest_order_in(languages: tuple[str, ...]) -> tuple[Any, ...]:
    # Translations of one statement stand together, in the one language order.
    return (Statement.published_at.desc(), Statement.id.desc(), _position_in(languages))


# What a listing shows of a translation: not its texts, which are most of
# what it weighs (excerpts are stored). Reading a text left out raises, so a
# template that starts to need one fails its tests instead of adding a query
# per entry.
LISTED_COLUMNS = (
    Translation.id,
    Translation.statement_id,
    Translation.language,
    Translation.title,
    Translation.slug,
    Translation.excerpt,
    Translation.updated_at,
    Translation.image_alt,
    # What Translation.may_be_outdated compares (64 characters each).
    Translation.text_sha256,
    Translation.source_sha256,
)
# What a page reads of a lead image to show it: never its bytes.
PICTURED_COLUMNS = (Image.sha256, Image.media_type, Image.width, Image.height)


@cache
def listed() -> Any:
    return load_only(*LISTED_COLUMNS, raiseload=True)


@cache
def with_pictured_statement() -> Any:
    """The entries' statements from the query's own join (of
    Translation.statement), each with its lead image joined in the same
    query: images add no query to a listing."""
    return (
        contains_eager(Translation.statement)
        .joinedload(Statement.lead_image)
        .options(load_only(*PICTURED_COLUMNS, raiseload=True))
    )


def publication_times() -> list[datetime]:
    """When each published statement came out, newest first.

    Every statement is in every language's section (in_section), so one
    list serves them all. The archive groups these by month in the site's
    time zone, which SQL cannot do the same way on SQLite and PostgreSQL.
    """
    query = select(Statement.published_at).where(visible()).order_by(Statement.published_at.desc())
    return list(db.session.execute(query).scalars())


def publication_span() -> tuple[datetime, datetime] | None:
    """When the first and the last visible statement came out; None before any did."""
    first, last = db.session.execute(
        select(func.min(Statement.published_at), func.max(Statement.published_at)).where(visible())
    ).one()
    return (first, last) if first is not None and last is not None else None


# Building a page's query with its options costs about as much as running it
# (SQLAlchemy caches the SQL, not the Select): the queries every page runs are
# built once, with what varies left as bound parameters given when they run.
CACHED_QUERY = cache
