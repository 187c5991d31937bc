"""Reading what the sitemap lists: every visible translation, in pages of
a total order, with its siblings' addresses, and when each language last
changed. Each function is one query (or one per chunk of ids)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from .extensions import db
from .models import Statement, Translation
from .queries import lookup_chunks, visible

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
    for chunk in lookup_chunks(sorted(statement_ids)):
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
