"""Listings: a language's section or every language, newest first, in
keyset pages named by the entry they follow, and the month archive's
entries. Each function is one query, read from the statements' (time, id)
index where the page starts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, literal, or_, select
from sqlalchemy.orm import aliased

from .extensions import db
from .models import Statement, Translation, UTCDateTime
from .queries import (
    CACHED_QUERY,
    language_position,
    listed,
    newest_first,
    newest_order,
    with_pictured_statement,
)


def _listing(
    language: str | None,
    languages: Sequence[str],
    until: datetime | None = None,
    within: ColumnElement[bool] | None = None,
) -> Select[Translation]:
    """A listing's entries: of every language (None), or a language's
    section; ``within``: only statements that meet it (a topic's or a
    signatory's, groups.statements_of)."""
    query = newest_first(select(Translation), None, languages, until)
    if language is not None:
        # One entry per statement: the statements' (time, id) index alone
        # orders a section, with no sort of every statement for a page.
        query = query.where(in_section(language)).order_by(None).order_by(*_order(language))
    query = query.options(with_pictured_statement(), listed())
    return query if within is None else query.where(within)


def _order(
    language: str | None, languages: Sequence[str] = (), newest_first: bool = True
) -> tuple[Any, ...]:
    """A listing's order: by statement, newest first (or oldest), and in a
    listing of every language, each statement's translations in ``languages``'
    order (the other way round for oldest first)."""
    by_statement: tuple[Any, ...]
    if newest_first:
        by_statement = (Statement.published_at.desc(), Statement.id.desc())
        return by_statement if language is not None else newest_order(languages)
    by_statement = (Statement.published_at, Statement.id)
    if language is not None:
        return by_statement
    return (*by_statement, language_position(languages).desc())


def in_section(language: str) -> ColumnElement[bool]:
    """The entries of ``language``'s section: its translations, and each
    statement it lacks in the language the statement was written in.

    So that a language with few translations is not an empty page: its
    readers see everything published, and which parts are not yet theirs.
    Feeds stay in their own language."""
    other = aliased(Translation)
    lacks = ~exists().where(
        other.statement_id == Translation.statement_id, other.language == language
    )
    return or_(
        Translation.language == language,
        and_(Translation.language == Statement.original_language, lacks),
    )


@dataclass(frozen=True)
class Cursor:
    """A place in a listing: one entry, the statement's time and id and the
    translation's language, which a keyset page starts after (older) or
    ends before (newer)."""

    published_at: datetime
    statement_id: int
    language: str

    @classmethod
    def of(cls, translation: Translation) -> Cursor:
        statement = translation.statement
        return cls(statement.published_at, statement.id, translation.language)


def listing_page(
    language: str | None,
    languages: Sequence[str],
    per_page: int,
    older_than: Cursor | None = None,
    newer_than: Cursor | None = None,
    within: ColumnElement[bool] | None = None,
) -> tuple[list[Translation], bool]:
    """A page of the listing, newest statement first, and whether more
    entries follow it in the direction it was read.

    The first page; the entries after ``older_than``; or the ``per_page``
    entries just before ``newer_than``. Each is a range of the statements'
    (time, id) index read from where the page starts, so a page deep in the
    archive costs what the first does, however many statements there are.
    One row more than the page says whether another follows: no COUNT.
    ``within`` narrows it to a group's statements (a topic's page).
    """
    if older_than is None and newer_than is None and within is None:
        query = _first_page(language, tuple(languages), per_page + 1)
    else:
        until = older_than.published_at if older_than is not None else None
        query = _listing(language, languages, until, within).limit(per_page + 1)
    if older_than is not None:
        query = query.where(*_beyond(older_than, languages, older=True))
    elif newer_than is not None:
        query = (
            query.where(*_beyond(newer_than, languages, older=False))
            .order_by(None)
            .order_by(*_order(language, languages, newest_first=False))
        )
    translations = list(db.session.execute(query).scalars())
    more = len(translations) > per_page
    translations = translations[:per_page]
    if newer_than is not None:
        translations.reverse()
    return translations, more


@CACHED_QUERY
def _first_page(language: str | None, languages: tuple[str, ...], rows: int) -> Select[Translation]:
    """The first page of a language's section or of every language: the
    listing read most, built once."""
    return _listing(language, languages).limit(rows)


def _beyond(
    cursor: Cursor, languages: Sequence[str], older: bool
) -> tuple[ColumnElement[bool], ...]:
    """The entries older (or newer) than ``cursor``: the statements up to its
    own (its time bounds the index range: visible(until) for older ones),
    less those of its time on the other side of its id, and its own
    translations on the other side of its language."""
    position = language_position(languages)
    moment = literal(cursor.published_at, UTCDateTime())
    same_time = Statement.published_at == moment
    place = languages.index(cursor.language) if cursor.language in languages else len(languages)
    if older:
        return (
            ~and_(same_time, Statement.id > cursor.statement_id),
            ~and_(Statement.id == cursor.statement_id, position <= place),
        )
    return (
        Statement.published_at >= moment,
        ~and_(same_time, Statement.id < cursor.statement_id),
        ~and_(Statement.id == cursor.statement_id, position >= place),
    )


def entries_at(
    language: str | None, languages: Sequence[str], offset: int, count: int
) -> list[Translation]:
    """``count`` entries from ``offset`` in the listing (0: the newest): where
    the numbered pages of old links start, found once to redirect them."""
    query = _listing(language, languages).offset(offset).limit(count)
    return list(db.session.execute(query).scalars())


def month_entries(
    language: str | None, languages: Sequence[str], start: datetime, end: datetime
) -> list[Translation]:
    """The published translations from ``start`` up to ``end``, newest first."""
    query = _listing(language, languages).where(
        Statement.published_at >= start, Statement.published_at < end
    )
    return list(db.session.scalars(query))
