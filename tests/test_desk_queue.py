"""The translation queue: what is missing or out of date in a translator's
languages, newest first, a page at a time, in a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from admin_helpers import post, statement_form
from builders import add, numbered, statement
from desk_helpers import EDITOR, TRANSLATOR, desk_form, desk_path, member
from flask import Flask
from flask.testing import FlaskClient
from pages import parse
from sqlalchemy import event

from ist_flask.extensions import db
from ist_flask.roles import Role


def rows(client: FlaskClient, path: str = "/admin/translate") -> list[tuple[str, str, str]]:
    page = parse(client.get(path))
    return [
        tuple(cell.text_content().strip() for cell in row.cssselect("td")[1:])  # type: ignore[misc]
        for row in page.cssselect("table tbody tr")
    ]


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn, _cursor, sql, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append(sql)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_translator_sees_what_is_missing_in_their_languages_newest_first(
    empty_app: Flask,
) -> None:
    add(
        empty_app,
        statement("2024-01-01T10:00:00+00:00", {"en": {"title": "Older"}}),
        statement("2024-02-01T10:00:00+00:00", {"en": {"title": "Newer"}}),
        statement(
            "2024-03-01T10:00:00+00:00",
            {"en": {"title": "Translated"}, "fr": {"title": "Traduit"}},
        ),
    )
    translator = member(empty_app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    assert rows(translator) == [
        ("Newer", "Français", "missing"),
        ("Older", "Français", "missing"),
    ]
    link = parse(translator.get("/admin/translate")).cssselect("tbody a")[0].get("href")
    assert link.endswith("/translate/fr")
    assert translator.get(link).status_code == 200
    # The editor's navigation leads there for every role.
    assert parse(translator.get("/admin/")).cssselect("nav a[href='/admin/translate']")


def test_an_edited_original_puts_its_translations_in_the_queue(empty_app: Flask) -> None:
    add(
        empty_app,
        statement(
            "2024-03-01T10:00:00+00:00",
            {"en": {"title": "Original"}, "fr": {"title": "Traduit"}},
            original="en",
        ),
    )
    translator = member(empty_app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    assert rows(translator) == []
    editor = member(empty_app, EDITOR, Role.EDITOR)
    path = "/admin/statements/1/edit"
    form = statement_form(editor, path)
    form["translation_en-body"] = "A new paragraph."
    assert post(editor, path, {**form, "action": "save"}).status_code == 302
    assert rows(translator) == [("Original", "Français", "may be out of date")]


def test_the_queue_is_paged_in_a_constant_number_of_queries(empty_app: Flask) -> None:
    add(empty_app, *numbered(55))
    editor = member(empty_app, EDITOR, Role.EDITOR)
    translator = member(empty_app, TRANSLATOR, Role.TRANSLATOR, ("fr", "de"))
    first = parse(translator.get("/admin/translate"))
    assert "110 translations" in first.cssselect("caption")[0].text_content()
    assert len(first.cssselect("tbody tr")) == 50
    assert len(rows(translator, "/admin/translate?page=3")) == 10
    assert translator.get("/admin/translate?page=0").status_code == 404
    assert len(rows(editor, "/admin/translate?page=8")) == 35
    with counting(empty_app) as few:
        editor.get("/admin/translate?page=8")  # 55 × 7 languages: the last page, 35 rows
    with counting(empty_app) as many:
        editor.get("/admin/translate")
    assert len(many) == len(few)


def test_the_statement_list_leads_to_the_desk_in_the_translators_languages(
    empty_app: Flask,
) -> None:
    add(
        empty_app,
        statement(
            "2024-03-01T10:00:00+00:00",
            {"en": {"title": "Original"}, "fr": {"title": "Traduit"}},
            original="en",
        ),
    )
    translator = member(empty_app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    links = [a.get("href") for a in parse(translator.get("/admin/")).cssselect("a.desk-link")]
    assert links == ["/admin/statements/1/translate/fr"]


def test_a_draft_waiting_for_an_editor_is_in_the_queue(empty_app: Flask) -> None:
    add(
        empty_app,
        statement(
            "2024-03-01T10:00:00+00:00",
            {"en": {"title": "Original"}, "fr": {"title": "Traduit"}},
            original="en",
        ),
    )
    translator = member(empty_app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    path = desk_path(1, "fr")
    form = desk_form(translator, path)
    form["title"] = "Traduit, mieux"
    assert post(translator, path, {**form, "action": "save"}).status_code == 302
    editor = member(empty_app, EDITOR, Role.EDITOR)
    assert ("Original", "Français", "draft saved") in rows(editor)
