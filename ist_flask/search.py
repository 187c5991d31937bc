"""Searching published statements: FTS5 on SQLite, tsvector on PostgreSQL.

Whatever a reader types, only its words reach the search engine, each quoted,
so no query syntax ("NEAR", quotes, stars) can cause an error. Case and
accents are ignored: "garcia" finds "García".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import column, func, literal_column, select, table, text
from sqlalchemy.sql import ColumnElement

from .extensions import db
from .models import Statement, Translation
from .queries import visible

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)
# Marks around matched words in snippets: control characters no text contains,
# turned into <mark> only after the snippet has been escaped.
_START, _STOP = "\x02", "\x03"


@dataclass(frozen=True)
class SearchHit:
    translation: Translation
    snippet: Markup


def search_terms(query: str) -> list[str]:
    """The words of a query, at most MAX_TERMS of them, lower-cased."""
    return [word.lower() for word in _WORD.findall(query[:MAX_QUERY_LENGTH])][:MAX_TERMS]


_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")


def _highlighted(snippet: str | None) -> Markup:
    """The escaped snippet with its marked words in <mark>. Marks are taken in
    pairs, and a stray one (from text stored before control characters were
    cleaned) is dropped, so the tags always balance."""
    escaped = html.escape(snippet or "", quote=False)
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return Markup(marked.replace(_START, "").replace(_STOP, ""))


def search(
    terms: list[str], language: str | None, page: int, per_page: int
) -> tuple[list[SearchHit], int]:
    """One page of the visible translations matching every term, best first, and the total."""
    if not terms:
        return [], 0
    if db.engine.dialect.name == "postgresql":
        return _postgresql(terms, language, page, per_page)
    return _sqlite(terms, language, page, per_page)


def _sqlite(
    terms: list[str], language: str | None, page: int, per_page: int
) -> tuple[list[SearchHit], int]:
    # Every word quoted: FTS5 then reads it as a plain token, never as syntax.
    match = " ".join('"' + term.replace('"', '""') + '"' for term in terms)
    fts = table("translations_fts", column("rowid"))
    conditions: list[ColumnElement[bool]] = [
        visible(),
        literal_column("translations_fts").op("MATCH")(match),
    ]
    if language is not None:
        conditions.append(Translation.language == language)
    base = (
        select(Translation)
        .join(Translation.statement)
        .join(fts, fts.c.rowid == Translation.id)
        .where(*conditions)
    )
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    snippet = literal_column(f"snippet(translations_fts, 1, '{_START}', '{_STOP}', ' … ', 30)")
    rows = db.session.execute(
        base.add_columns(snippet)
        # bm25 is lower for better matches; titles weigh ten times the text.
        .order_by(
            literal_column("bm25(translations_fts, 10.0, 1.0)"), Statement.published_at.desc()
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return [SearchHit(row[0], _highlighted(row[1])) for row in rows], total


def _postgresql(
    terms: list[str], language: str | None, page: int, per_page: int
) -> tuple[list[SearchHit], int]:
    words = " ".join(terms)
    vector = literal_column("translations.search_vector")
    if language is not None:
        query = func.plainto_tsquery(func.ist_search_configuration(language), words)
    else:
        # All languages: a match under any language's stemming counts.
        query = func.plainto_tsquery(text("'ist_simple'::regconfig"), words)
        for code in ("en", "fr", "es", "de", "el", "tr", "ru"):
            query = query.op("||")(func.plainto_tsquery(func.ist_search_configuration(code), words))
    conditions: list[ColumnElement[bool]] = [visible(), vector.op("@@")(query)]
    if language is not None:
        conditions.append(Translation.language == language)
    base = select(Translation).join(Translation.statement).where(*conditions)
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    snippet = func.ts_headline(
        func.ist_search_configuration(Translation.language),
        Translation.search_text,
        query,
        f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter= … ",
    )
    rows = db.session.execute(
        base.add_columns(snippet)
        .order_by(func.ts_rank_cd(vector, query).desc(), Statement.published_at.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return [SearchHit(row[0], _highlighted(row[1])) for row in rows], total
