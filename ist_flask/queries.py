"""Reading published statements for pages and feeds: each function is one or two queries."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from itertools import islice
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased, contains_eager, load_only, selectinload

from .extensions import db
from .group_models import Organisation, Topic
from .models import (
    PUBLISHED,
    Image,
    Rendition,
    SlugRedirect,
    Statement,
    Translation,
    UTCDateTime,
)
from .stemming import fold

# Bound parameters per IN list: SQLite allows 32,766, PostgreSQL 65,535.
LOOKUP_CHUNK = 500


def visible(until: datetime | None = None) -> ColumnElement[bool]:
    """Readers see published statements whose time has come: no drafts, nothing
    scheduled. ``until``: only those up to then, when that is earlier than now."""
    now = datetime.now(UTC)
    # One upper bound on the time, not two: SQLite reads the index from the
    # one it is given, and from now it would walk every newer statement.
    bound = now if until is None or until > now else until
    return and_(Statement.status == PUBLISHED, Statement.published_at <= bound)


def _language_position(languages: Sequence[str]) -> Any:
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


def _newest_first(
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
    return query.order_by(*_newest_order(languages))


def _newest_order(languages: Sequence[str]) -> tuple[Any, ...]:
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
)
# What a page reads of a lead image to show it: never its bytes.
PICTURED_COLUMNS = (Image.sha256, Image.media_type, Image.width, Image.height)


@cache
def _listed() -> Any:
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


def _listing(
    language: str | None,
    languages: Sequence[str],
    until: datetime | None = None,
    within: ColumnElement[bool] | None = None,
) -> Select[Translation]:
    """A listing's entries: of every language (None), or a language's
    section; ``within``: only statements that meet it (a topic's or a
    signatory's, groups.statements_of)."""
    query = _newest_first(select(Translation), None, languages, until)
    if language is not None:
        # One entry per statement: the statements' (time, id) index alone
        # orders a section, with no sort of every statement for a page.
        query = query.where(in_section(language)).order_by(None).order_by(*_order(language))
    query = query.options(with_pictured_statement(), _listed())
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
        return by_statement if language is not None else _newest_order(languages)
    by_statement = (Statement.published_at, Statement.id)
    if language is not None:
        return by_statement
    return (*by_statement, _language_position(languages).desc())


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


def _beyond(
    cursor: Cursor, languages: Sequence[str], older: bool
) -> tuple[ColumnElement[bool], ...]:
    """The entries older (or newer) than ``cursor``: the statements up to its
    own (its time bounds the index range: visible(until) for older ones),
    less those of its time on the other side of its id, and its own
    translations on the other side of its language."""
    position = _language_position(languages)
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


def translation_by_slug(language: str, slug: str) -> Translation | None:
    """A published translation with its statement and sibling translations loaded."""
    query = (
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
            contains_eager(Translation.statement)
            .selectinload(Statement.translations)
            .options(_listed()),
            # One query each, names joined: a constant two, whatever the groups.
            contains_eager(Translation.statement)
            .selectinload(Statement.topics)
            .joinedload(Topic.names),
            _signatories(),
        )
        .where(
            Translation.language == language,
            Translation.slug == slug,
            visible(),
        )
    )
    return db.session.execute(query).scalar_one_or_none()


def statement_elsewhere(slug: str, languages: Sequence[str]) -> Statement | None:
    """The visible statement that has ``slug`` in another language (the first
    in the language order when several do), with its translations' titles
    and slugs: what a page in a language that lacks it links to."""
    query = (
        select(Statement)
        .join(Statement.translations)
        .where(Translation.slug == slug, visible())
        .order_by(_language_position(languages))
        .limit(1)
        .options(selectinload(Statement.translations).options(_listed()))
    )
    return db.session.execute(query).scalar_one_or_none()


def _signatories() -> Any:
    return (
        contains_eager(Translation.statement)
        .selectinload(Statement.organisations)
        .joinedload(Organisation.names)
    )


def feed_entries(
    language: str | None,
    languages: Sequence[str],
    limit: int,
    within: ColumnElement[bool] | None = None,
) -> list[Translation]:
    """The newest published translations for a feed, with their bodies and
    signatories; for the all-languages feed (``language`` None), their
    siblings too, whose links each entry gives. ``within``: a group's only."""
    entries = load_only(*LISTED_COLUMNS, Translation.body, raiseload=True)
    statement = contains_eager(Translation.statement)
    # An enclosure gives its length: the renditions' sizes, one query a feed.
    pictured = (
        statement.joinedload(Statement.lead_image)
        .options(load_only(*PICTURED_COLUMNS, raiseload=True))
        .selectinload(Image.renditions)
        .options(load_only(Rendition.width, Rendition.media_type, Rendition.size, raiseload=True))
    )
    if language is None:
        statement = statement.selectinload(Statement.translations).options(_listed())
    query = (
        _newest_first(select(Translation), language, languages)
        .options(statement, pictured, _signatories(), entries)
        .limit(limit)
    )
    if within is not None:
        query = query.where(within)
    return list(db.session.scalars(query).unique())


def renamed_translation(language: str, old_slug: str) -> Translation | None:
    """The visible translation that used to have ``old_slug``, for a 301 to its new URL."""
    query = (
        select(Translation)
        .join(SlugRedirect, SlugRedirect.translation_id == Translation.id)
        .join(Translation.statement)
        .where(SlugRedirect.language == language, SlugRedirect.slug == old_slug, visible())
    )
    return db.session.execute(query).scalar_one_or_none()


SitemapRow = tuple[int, str, str, datetime]


def _sitemap_order() -> tuple[Any, ...]:
    # Newest statement first, its translations together: a total order, so
    # that OFFSET cuts the list into the same parts every time.
    return (Statement.published_at.desc(), Statement.id.desc(), Translation.language)


def count_sitemap_translations() -> int:
    """How many translations the sitemap lists: every visible one."""
    query = select(func.count(Translation.id)).join(Translation.statement).where(visible())
    return db.session.execute(query).scalar_one()


def sitemap_rows(offset: int, limit: int) -> list[SitemapRow]:
    """(statement id, language, slug, updated) of the visible translations from
    position ``offset`` in the sitemap's order, at most ``limit`` of them."""
    query = (
        select(
            Translation.statement_id, Translation.language, Translation.slug, Translation.updated_at
        )
        .join(Translation.statement)
        .where(visible())
        .order_by(*_sitemap_order())
        .offset(offset)
        .limit(limit)
    )
    return [(row[0], row[1], row[2], row[3]) for row in db.session.execute(query)]


def sitemap_alternates(statement_ids: Collection[int]) -> dict[int, list[tuple[str, str]]]:
    """(language, slug) of every visible translation of these statements, by statement."""
    found: dict[int, list[tuple[str, str]]] = {}
    pending = iter(sorted(statement_ids))
    while chunk := list(islice(pending, LOOKUP_CHUNK)):
        query = (
            select(Translation.statement_id, Translation.language, Translation.slug)
            .where(Translation.statement_id.in_(chunk))
            .order_by(Translation.statement_id, Translation.language)
        )
        for statement_id, language, slug in db.session.execute(query):
            found.setdefault(statement_id, []).append((language, slug))
    return found


def newest_update_by_language() -> dict[str, datetime]:
    """When the newest visible translation in each language was last changed."""
    query = (
        select(Translation.language, func.max(Translation.updated_at))
        .join(Translation.statement)
        .where(visible())
        .group_by(Translation.language)
    )
    return {language: updated for language, updated in db.session.execute(query)}


def _title_contains(words: str) -> ColumnElement[bool]:
    """Whether a translation's title holds ``words``, whatever their case and
    accents ("garcia" finds "García"), as the public search does."""
    escaped = fold(words).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if db.engine.dialect.name == "postgresql":
        folded = func.lower(func.unaccent(Translation.title))
    else:
        folded = func.ist_fold(Translation.title)  # registered on every connection
    return folded.like(pattern, escape="\\")


def _with_listed_translations() -> Any:
    """Load a statement's translations for a list of titles and states: not
    their texts, which are most of what a statement weighs."""
    return selectinload(Statement.translations).load_only(
        Translation.statement_id,
        Translation.language,
        Translation.title,
        Translation.slug,
        Translation.updated_at,
    )


def editor_listing(search: str, page: int, per_page: int) -> tuple[list[Statement], int]:
    """The editor's list: every statement (drafts and scheduled ones too),
    newest first, with a title holding ``search`` when given, and the total."""
    query = select(Statement).options(_with_listed_translations())
    if search:
        query = query.where(Statement.translations.any(_title_contains(search)))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    statements = db.session.execute(
        query.order_by(Statement.published_at.desc(), Statement.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars()
    return list(statements), total


def outdated_translations(language: str | None) -> Iterator[Translation]:
    """Translations (in ``language``, or any) older than their edited original,
    newest statement first."""
    query = (
        select(Statement)
        .options(_with_listed_translations())
        .order_by(Statement.published_at.desc(), Statement.id.desc())
        .execution_options(yield_per=1000)
    )
    for statement in db.session.execute(query).scalars():
        for translation in statement.translations:
            if language in (None, translation.language) and translation.may_be_outdated():
                yield translation


def statements_missing(language: str) -> Iterator[Statement]:
    """Statements with no translation in ``language``, newest first."""
    query = (
        select(Statement)
        .where(~Statement.translations.any(Translation.language == language))
        .options(_with_listed_translations())
        .order_by(Statement.published_at.desc(), Statement.id.desc())
        .execution_options(yield_per=1000)
    )
    yield from db.session.execute(query).scalars()


def rendition_file(sha256: str, width: int, media_type: str) -> tuple[bytes, str, str] | None:
    """(bytes, their SHA-256, media type) of one rendition of the image with
    ``sha256``: one query on two unique indexes."""
    query = (
        select(Rendition.data, Rendition.sha256, Rendition.media_type)
        .join(Image, Image.id == Rendition.image_id)
        .where(Image.sha256 == sha256, Rendition.width == width, Rendition.media_type == media_type)
    )
    row = db.session.execute(query).first()
    return (row[0], row[1], row[2]) if row is not None else None
