"""Searching published statements: FTS5 on SQLite, tsvector on PostgreSQL.

Both understand word forms the same way, with each language's Snowball
stemmer after removing accents: "arrests" finds "arrest", "garcia" finds
"García". On PostgreSQL its own configurations do it (migration 0004); on
SQLite the index holds the stems that stemming.py makes (migration 0008),
and queries are stemmed alike. A quoted phrase finds its words side by side.
Whatever a reader types, only its words reach the search engine, each
quoted, so no query syntax ("NEAR", stars) can cause an error.
"""

from __future__ import annotations

import html
import re
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from sqlalchemy import column, func, literal_column, select, table, text
from sqlalchemy.sql import ColumnElement, TextClause

from .content import clean_text
from .extensions import db
from .models import Statement, Translation
from .queries import visible, with_pictured_statement
from .stemming import WORD, fold, stem, stem_folded, stems

MAX_QUERY_LENGTH = 200
# SQLite's search index of stems (migration 0008); the import fills it itself.
SQLITE_INDEX = "translations_search"
MAX_TERMS = 12
# A phrase in double quotes, or a word.
_CLAUSE = re.compile(r'"([^"]*)"|(\w+)')
# Marks around matched words in PostgreSQL's snippets: control characters no
# stored text contains, turned into <mark> only after the snippet is escaped.
_START, _STOP = "\x02", "\x03"
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
# Words in a snippet, and how far into a text one is looked for.
SNIPPET_WORDS = 30
SNIPPET_SCAN_WORDS = 5_000

# A query: its clauses, each a word or the words of a quoted phrase.
Clauses = list[tuple[str, ...]]


@dataclass(frozen=True)
class SearchHit:
    translation: Translation
    snippet: Markup


def search_terms(query: str) -> Clauses:
    """The words and quoted phrases of a query, at most MAX_TERMS words in all."""
    clauses: Clauses = []
    count = 0
    for phrase, word in _CLAUSE.findall(query[:MAX_QUERY_LENGTH]):
        words = tuple(w.lower() for w in WORD.findall(phrase or word))[: MAX_TERMS - count]
        if words:
            clauses.append(words)
            count += len(words)
    return clauses


def _highlighted(snippet: str | None) -> Markup:
    """The escaped snippet with its marked words in <mark>. Marks are taken in
    pairs, and a stray one (from text stored before control characters were
    cleaned) is dropped, so the tags always balance."""
    escaped = html.escape(snippet or "", quote=False)
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return Markup(marked.replace(_START, "").replace(_STOP, ""))


def search(
    clauses: Clauses,
    language: str | None,
    languages: Sequence[str],
    page: int,
    per_page: int,
    within: ColumnElement[bool] | None = None,
) -> tuple[list[SearchHit], int]:
    """One page of the visible translations matching every clause, best first,
    and the total. ``language`` None searches every one of ``languages``;
    ``within``: only statements meeting it (a topic's, groups.statements_of)."""
    if not clauses:
        return [], 0
    searched = [language] if language is not None else list(languages)
    if db.engine.dialect.name == "postgresql":
        return _postgresql(clauses, language, searched, page, per_page, within)
    return _sqlite(clauses, language, searched, page, per_page, within)


def _fts_phrase(words: Sequence[str]) -> str:
    # Quoted: FTS5 reads it as plain tokens, never as syntax.
    return '"' + " ".join(words).replace('"', '""') + '"'


def sqlite_match(clauses: Clauses, languages: Sequence[str | None]) -> str:
    """An FTS5 query: every clause, each as the stems of any of ``languages``."""
    parts = []
    for clause in clauses:
        forms = sorted({tuple(stems(code, " ".join(clause))) for code in languages} - {()})
        parts.append("(" + " OR ".join(_fts_phrase(form) for form in forms) + ")")
    return " AND ".join(parts)


def _sqlite(
    clauses: Clauses,
    language: str | None,
    searched: list[str],
    page: int,
    per_page: int,
    within: ColumnElement[bool] | None,
) -> tuple[list[SearchHit], int]:
    # Without a language, words are also taken as they are ("simple").
    match = sqlite_match(clauses, searched if language else [*searched, None])
    fts = table(SQLITE_INDEX, column("rowid"))
    conditions: list[ColumnElement[bool]] = [
        visible(),
        literal_column(SQLITE_INDEX).op("MATCH")(match),
    ]
    if language is not None:
        conditions.append(Translation.language == language)
    if within is not None:
        conditions.append(within)
    base = (
        select(Translation)
        .join(Translation.statement)
        .join(fts, fts.c.rowid == Translation.id)
        .where(*conditions)
    )
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    rows = db.session.execute(
        # bm25 is lower for better matches; titles weigh ten times the text.
        base.order_by(
            literal_column(f"bm25({SQLITE_INDEX}, 10.0, 1.0)"), Statement.published_at.desc()
        )
        .options(with_pictured_statement())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).scalars()
    words = [word for clause in clauses for word in clause]
    return [SearchHit(t, snippet(t.search_text, t.language, words)) for t in rows], total


def snippet(text: str, language: str | None, words: Sequence[str]) -> Markup:
    """About SNIPPET_WORDS words of ``text`` around the first word that has the
    stem of one of ``words``, those words in <mark>; the opening words when
    none is found in the first SNIPPET_SCAN_WORDS."""
    wanted = {stem(language, word) for word in words} | {fold(word) for word in words}
    wanted.discard("")
    before: deque[tuple[re.Match[str], bool]] = deque(maxlen=SNIPPET_WORDS // 3)
    window: list[tuple[re.Match[str], bool]] = []
    for count, found in enumerate(WORD.finditer(text)):
        folded = fold(found.group())
        hit = folded in wanted or stem_folded(language, folded) in wanted
        if window or hit:
            window.append((found, hit))
            if len(window) >= SNIPPET_WORDS - len(before):
                break
        elif count >= SNIPPET_SCAN_WORDS:
            break
        else:
            before.append((found, hit))
    if window:
        window = [*before, *window]
    else:
        window = [
            (found, False)
            for _n, found in zip(range(SNIPPET_WORDS), WORD.finditer(text), strict=False)
        ]
    if not window:
        return Markup("")
    parts = ["… "] if window[0][0].start() > 0 else []
    position = window[0][0].start()
    for found, hit in window:
        # clean_text: a row stored before control characters were cleaned.
        parts.append(html.escape(clean_text(text[position : found.start()]), quote=False))
        word = html.escape(found.group(), quote=False)
        parts.append(f"<mark>{word}</mark>" if hit else word)
        position = found.end()
    if position < len(text.rstrip()):
        parts.append(" …")
    return Markup("".join(parts))


def _postgresql_query(
    clauses: Clauses, configuration: ColumnElement[Any] | TextClause
) -> ColumnElement[Any]:
    """Every clause under one configuration: words with plainto_tsquery, a
    phrase with phraseto_tsquery, all of them required (&&)."""
    query: ColumnElement[Any] | None = None
    for clause in clauses:
        words = " ".join(clause)
        part = (
            func.phraseto_tsquery(configuration, words)
            if len(clause) > 1
            else func.plainto_tsquery(configuration, words)
        )
        query = part if query is None else query.op("&&")(part)
    assert query is not None
    return query


def _postgresql(
    clauses: Clauses,
    language: str | None,
    searched: list[str],
    page: int,
    per_page: int,
    within: ColumnElement[bool] | None,
) -> tuple[list[SearchHit], int]:
    vector: ColumnElement[Any] = literal_column("translations.search_vector")
    if language is not None:
        query = _postgresql_query(clauses, func.ist_search_configuration(language))
    else:
        # All languages: a match under any language's stemming counts.
        query = _postgresql_query(clauses, text("'ist_simple'::regconfig"))
        for code in searched:
            query = query.op("||")(_postgresql_query(clauses, func.ist_search_configuration(code)))
    conditions: list[ColumnElement[bool]] = [visible(), vector.op("@@")(query)]
    if language is not None:
        conditions.append(Translation.language == language)
    if within is not None:
        conditions.append(within)
    base = select(Translation).join(Translation.statement).where(*conditions)
    total = db.session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    headline = func.ts_headline(
        func.ist_search_configuration(Translation.language),
        Translation.search_text,
        query,
        f"StartSel={_START}, StopSel={_STOP}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter= … ",
    )
    rows = db.session.execute(
        base.add_columns(headline)
        .options(with_pictured_statement())
        .order_by(func.ts_rank_cd(vector, query).desc(), Statement.published_at.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return [SearchHit(row[0], _highlighted(row[1])) for row in rows], total
