"""The import's rows: the ids it gives them, and the words it finds in bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from builders import add, numbered, statement
from flask import Flask
from sqlalchemy import delete, event, func, select

from ist_flask import import_pipeline, queries
from ist_flask.announcement_queries import visible_translations_of
from ist_flask.content import plain_text, sanitise, words_of_sanitised
from ist_flask.extensions import db
from ist_flask.i18n import supported_languages
from ist_flask.models import Statement, Translation
from ist_flask.queries import LOOKUP_CHUNK
from ist_flask.reach_models import Announcement
from ist_flask.search import search, search_terms

BODIES = [
    '<p title="a>b">Xyz <b>Workers</b>’ STRIKE</p><p>Ǆemal &amp; Ĳssel&nbsp;ﬁne</p>',
    "<p>1 < 2 > 0 &lt;tag&gt; Straße</p><script>bad()</script><p>y</p>",
    '<a href="http://x?a=1&b=2">Link</a>ink<br>Next<hr>after<ul><li>A</li><li>B</li></ul>',
    "<!-- c --><P>Up</P>Case<DIV>d</DIV>e<span>in</span>line",
    '<img src="http://x/y.png" alt="a &quot;>&lt;">after',
    "<table><tr><td>1</td><td>2</td></tr></table>3 <pre>  a\n  b</pre> &#39;q&#39; x\u00a0y",
    "<h2>T</h2>text<figure><figcaption>cap</figcaption></figure>w<blockquote>q</blockquote>r",
]


@pytest.mark.parametrize("body", BODIES)
def test_the_words_of_a_sanitised_body_are_plain_texts(body: str) -> None:
    clean = sanitise(body)
    assert " ".join(words_of_sanitised(clean)) == plain_text(clean)


def test_an_import_never_gives_a_deleted_statements_id(app: Flask) -> None:
    with app.app_context():
        newest = db.session.execute(select(func.max(Statement.id))).scalar_one()
        db.session.execute(delete(Statement).where(Statement.id == newest))
        db.session.commit()
    add(
        app,
        statement("2020-05-01T00:00:00Z", {"en": {"title": "Quarrying rights"}}),
        statement(
            "2020-05-02T00:00:00Z",
            {"en": {"title": "Harbour strike"}, "fr": {"title": "Grève du port"}},
        ),
    )
    with app.app_context():
        rows = db.session.execute(
            select(Translation.statement_id, Translation.id, Translation.title)
            .where(Translation.statement_id > newest)
            .order_by(Translation.id)
        ).all()
        # Ids past the deleted one, in the file's order, each translation
        # with its own statement, and found by the search index under its id.
        assert [title for _s, _t, title in rows] == [
            "Quarrying rights",
            "Harbour strike",
            "Grève du port",
        ]
        assert rows[0][0] < rows[1][0] == rows[2][0]
        hits, _total = search(search_terms("harbour"), "en", supported_languages(), 1, 10)
        assert [hit.translation.id for hit in hits] == [rows[1][1]]


def test_marking_an_imports_batch_announced_reads_only_its_statements(app: Flask) -> None:
    """Each batch of an import asks which of its statements are visible. By
    the (status, published_at) index SQLite walked every visible statement
    for that, so an import of 100,000 spent a sixth of its time there."""
    with app.app_context():
        ids = list(db.session.scalars(select(Statement.id)))
        executed: list[tuple[str, Any]] = []

        def seen(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_rest: Any) -> None:
            executed.append((sql, parameters))

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            visible = db.session.execute(visible_translations_of(ids, datetime.now(UTC))).all()
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        shown = select(Translation.statement_id, Translation.language).join(Translation.statement)
        expected = db.session.execute(shown.where(queries.visible())).all()
        assert sorted(tuple(row) for row in visible) == sorted(tuple(row) for row in expected) != []
        ((sql, parameters),) = executed
        if db.engine.dialect.name == "sqlite":
            plan = db.session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
            details = " ".join(row[3] for row in plan)
            assert "SEARCH statements USING INTEGER PRIMARY KEY" in details, details
            assert "ix_statements_status_published_at" not in details, details


def test_an_import_counts_its_visible_translations_as_announced_and_no_others(app: Flask) -> None:
    """What an import adds is not news: each translation visible now is
    recorded as announced (as "publish", at the import's time), so no channel
    hears of it later; one scheduled for later is not, so it is announced
    when its time comes."""
    before = datetime.now(UTC)
    add(
        app,
        statement("2024-05-01T00:00:00Z", {"en": {"title": "Old news"}, "fr": {"title": "Vieux"}}),
        statement("2999-01-01T00:00:00Z", {"en": {"title": "Far future"}}),
    )
    with app.app_context():
        titles = dict(db.session.execute(select(Translation.title, Translation.statement_id)).all())
        rows = db.session.execute(
            select(
                Announcement.statement_id, Announcement.language, Announcement.kind, Announcement.at
            )
            .where(Announcement.statement_id.in_([titles["Old news"], titles["Far future"]]))
            .order_by(Announcement.language)
        ).all()
    assert [(r.statement_id, r.language, r.kind) for r in rows] == [
        (titles["Old news"], "en", "publish"),
        (titles["Old news"], "fr", "publish"),
    ]
    assert all(before <= r.at <= datetime.now(UTC) for r in rows)


def test_an_import_marks_its_statements_announced_after_every_batch_is_written(
    app: Flask,
) -> None:
    """Between the batches' writes SQLite took 2.5 ms a batch to mark them
    (9 ms at 100,000 statements, a ninth of the import); after them it takes
    0.05 s for 10,000. So the marks come last, LOOKUP_CHUNK statements a
    query, and every statement of the file is marked."""
    count = 2 * import_pipeline.BATCH_SIZE + 50
    executed: list[str] = []

    def seen(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        executed.append(sql.split(None, 3)[2] if sql.startswith("INSERT") else sql[:6])

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", seen)
    try:
        add(app, *numbered(count, language="fr"))
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", seen)
    marks = [i for i, table in enumerate(executed) if table == "announcements"]
    written = [i for i, table in enumerate(executed) if table == "translations"]
    assert len(marks) == -(-count // LOOKUP_CHUNK) and len(written) >= 3
    assert min(marks) > max(written)
    with app.app_context():
        marked = db.session.scalar(
            select(func.count())
            .select_from(Announcement)
            .join(Translation, Translation.statement_id == Announcement.statement_id)
            .where(Translation.title.startswith("Number "))
        )
    assert marked == count
