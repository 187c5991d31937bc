"""A feed's entries: the newest published translations, with what each entry
shows of its statement (signatories, the lead image's renditions and, in the
all-languages feed, the sibling translations it links)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, select
from sqlalchemy.orm import contains_eager, joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from .extensions import db
from .group_models import Organisation, statement_signatories
from .image_models import Rendition
from .models import Statement, Translation
from .queries import CACHED_QUERY, LISTED_COLUMNS, PICTURED_COLUMNS, listed, newest_first

T = TypeVar("T")


def feed_entries(
    language: str | None,
    languages: Sequence[str],
    limit: int,
    within: ColumnElement[bool] | None = None,
) -> list[Translation]:
    """The newest published translations for a feed, with their bodies and
    signatories; for the all-languages feed (``language`` None), their
    siblings too, whose links each entry gives. ``within``: a group's only."""
    query = _feed_query(language, tuple(languages), limit)
    if within is not None:
        query = query.where(within)
    entries = list(db.session.scalars(query))
    statements = list({t.statement_id: t.statement for t in entries}.values())
    _load_what_the_entries_show(statements, siblings=language is None)
    return entries


@CACHED_QUERY
def _feed_query(
    language: str | None, languages: tuple[str, ...], limit: int
) -> Select[Translation]:
    entries = load_only(*LISTED_COLUMNS, Translation.body, raiseload=True)
    pictured = (
        contains_eager(Translation.statement)
        .joinedload(Statement.lead_image)
        .options(load_only(*PICTURED_COLUMNS, raiseload=True))
    )
    return (
        newest_first(select(Translation), language, languages)
        .options(pictured, entries)
        .limit(limit)
    )


def _load_what_the_entries_show(statements: list[Statement], siblings: bool) -> None:
    """Each statement's signatories, its lead image's renditions (an
    enclosure gives its length: their sizes) and, when asked, its
    translations, by queries built once and given the statements' ids, set
    as their collections: one query each for the whole feed, none for what
    no entry has.

    Not selectinload: its loaders built and keyed their queries anew for
    every feed (the statement page's reason, statement_queries.py); these
    take 8-9% off a feed rendered afresh (callgrind, in-process)."""
    if not statements:
        return
    ids = {"ids": [s.id for s in statements]}
    signatories = _grouped(db.session.execute(_organisations(), ids).unique())
    for s in statements:
        set_committed_value(s, "organisations", signatories.get(s.id, []))
    images = {s.lead_image.id: s.lead_image for s in statements if s.lead_image is not None}
    if images:
        found = db.session.scalars(_renditions(), {"ids": list(images)})
        renditions = _grouped((r.image_id, r) for r in found)
        for image_id, image in images.items():
            set_committed_value(image, "renditions", renditions.get(image_id, []))
    if siblings:
        loaded = db.session.scalars(_siblings(), ids)
        translations = _grouped((t.statement_id, t) for t in loaded)
        for s in statements:
            set_committed_value(s, "translations", translations.get(s.id, []))


def _grouped(rows: Iterable[tuple[int, T]]) -> dict[int, list[T]]:
    """Rows of (owner's id, item) as each owner's items, in the rows' order."""
    grouped: dict[int, list[T]] = defaultdict(list)
    for owner, item in rows:
        grouped[owner].append(item)
    return grouped


# Each in the order of its relationship (models.py, image_models.py).


@CACHED_QUERY
def _organisations() -> Select[int, Organisation]:
    return (
        select(statement_signatories.c.statement_id, Organisation)
        .join(statement_signatories, statement_signatories.c.organisation_id == Organisation.id)
        .where(statement_signatories.c.statement_id.in_(bindparam("ids", expanding=True)))
        .options(joinedload(Organisation.names))
        .order_by(Organisation.name)
    )


@CACHED_QUERY
def _renditions() -> Select[Rendition]:
    return (
        select(Rendition)
        .where(Rendition.image_id.in_(bindparam("ids", expanding=True)))
        .options(
            load_only(
                Rendition.image_id,
                Rendition.width,
                Rendition.media_type,
                Rendition.size,
                raiseload=True,
            )
        )
        .order_by(Rendition.id)
    )


@CACHED_QUERY
def _siblings() -> Select[Translation]:
    return (
        select(Translation)
        .options(listed())
        .where(Translation.statement_id.in_(bindparam("ids", expanding=True)))
        .order_by(Translation.language)
    )
