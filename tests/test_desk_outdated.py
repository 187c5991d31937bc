"""Out of date: what changed in the original since a translation was made,
word by word, and marking a translation current."""

from __future__ import annotations

from admin_helpers import post, statement_form
from desk_helpers import (
    EDITOR,
    TRANSLATOR,
    desk_form,
    desk_path,
    member,
    published,
    written_statement,
)
from flask import Flask
from flask.testing import FlaskClient
from pages import parse
from sqlalchemy import select, update

from ist_flask.desk_text import paragraphs, side_by_side, text_diff, word_diff
from ist_flask.extensions import db
from ist_flask.models import Statement, Translation
from ist_flask.roles import Role


def change_original(app: Flask, editor: FlaskClient, sid: int, body: str) -> None:
    path = f"/admin/statements/{sid}/edit"
    form = statement_form(editor, path)
    form["translation_en-body"] = body
    assert post(editor, path, {**form, "action": "save"}).status_code == 302


def test_the_desk_shows_the_words_added_and_removed_since_the_translation(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    path = desk_path(sid, "fr")
    assert not parse(translator.get(path)).cssselect(".desk-changes")

    change_original(
        app,
        editor,
        sid,
        "We stand with the <b>striking</b> workers.\n\n> An injury to one is an injury to all.",
    )
    page = parse(translator.get(path))
    changes = page.cssselect(".desk-changes .desk-diff")[0]
    assert changes.get("lang") == "en"
    assert [e.text for e in changes.cssselect("del")] == ["**strikers**."]
    # Escaped, never markup: the editor's words are shown as written.
    assert [e.text for e in changes.cssselect("ins")] == ["<b>striking</b> workers."]
    assert not changes.cssselect("b")
    assert page.cssselect(".desk-changes button")[0].text == "Mark as current"


def test_marking_current_ends_the_out_of_date_notice(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    change_original(app, editor, sid, "We stand with the strikers, everywhere.")
    slug = published(app, sid, "fr").slug
    # The public page's notice, in French.
    assert parse(translator.get(f"/fr/statements/{slug}")).cssselect("p.notice")
    path = desk_path(sid, "fr")
    page = parse(translator.get(path))
    form = page.cssselect(".desk-changes form")[0]
    data = {e.get("name"): e.get("value", "") for e in form.cssselect("input")}
    before = published(app, sid, "fr")
    assert translator.post(form.get("action"), data=data).status_code == 302
    after = published(app, sid, "fr")
    assert after.version == before.version + 1
    assert after.body == before.body  # the words are the translator's to change
    assert not parse(translator.get(path)).cssselect(".desk-changes")
    assert not parse(translator.get(f"/fr/statements/{slug}")).cssselect("p.notice")
    # Marking again with the same (now old) version is a conflict, not a silent write.
    assert translator.post(form.get("action"), data=data).status_code == 409


def test_marking_current_needs_the_csrf_token(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    change_original(app, editor, sid, "Changed.")
    response = editor.post(f"{desk_path(sid, 'fr')}/current", data={"version": "1"})
    assert response.status_code == 400
    assert parse(editor.get(desk_path(sid, "fr"))).cssselect(".desk-changes")


def test_a_translation_from_before_shows_the_whole_original_with_a_note(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    with app.app_context():
        # As migration 0021 leaves translations saved before it.
        db.session.execute(
            update(Translation)
            .where(Translation.statement_id == sid, Translation.language == "fr")
            .values(source_markdown=None, source_sha256=None)
        )
        db.session.commit()
    change_original(app, editor, sid, "Changed after the translation.")
    page = parse(editor.get(desk_path(sid, "fr")))
    notice = page.cssselect(".desk-changes")[0].text_content()
    assert "what changed is not known" in notice
    assert not page.cssselect(".desk-diff")
    assert "Changed after the translation." in page.cssselect(".desk-columns")[0].text_content()


def test_the_editor_saving_a_translation_records_the_original_it_follows(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    french = published(app, sid, "fr")
    assert french.source_markdown == (
        "# Solidarity with the strikers\n\n"
        "We stand with the **strikers**.\n\n> An injury to one is an injury to all."
    )
    assert not published(app, sid, "en").source_markdown


def test_paragraphs_are_split_on_blank_lines() -> None:
    assert paragraphs("One\nline.\n\n \n\nTwo.\n") == ["One\nline.", "Two."]
    # As a browser sends a textarea.
    assert paragraphs("One.\r\n\r\nTwo.") == ["One.", "Two."]
    assert side_by_side("A\n\nB", "α") == [("A", "α"), ("B", "")]


def test_imported_html_is_read_by_its_blocks_without_tags() -> None:
    imported = "# Title\n\n<p>One &amp; <em>two</em>.</p><ul><li>a</li><li>b</li></ul>"
    assert paragraphs(imported) == ["# Title", "One & two.", "a", "b"]


def test_the_desk_shows_an_imported_statement_as_words(app: Flask) -> None:
    # The demo's statements came by import: HTML, no Markdown.
    editor = member(app, EDITOR, Role.EDITOR)
    with app.app_context():
        sid = db.session.execute(select(Statement.id)).scalars().first()
    page = parse(editor.get(desk_path(sid, "fr")))
    cells = [cell.text_content() for cell in page.cssselect(".desk-columns .desk-paragraph")]
    assert len(cells) > 2
    assert not any("<p>" in cell or "</" in cell for cell in cells)


def test_the_diff_is_per_paragraph_and_per_word() -> None:
    diff = text_diff("Keep this.\n\nOld words here.\n\nGone.", "Keep this.\n\nNew words here.")
    assert [p.kind for p in diff] == ["same", "changed", "removed"]
    assert [(piece.kind, piece.text) for piece in diff[1].pieces] == [
        ("removed", "Old"),
        ("added", "New"),
        ("same", "words here."),
    ]
    assert [p.kind for p in text_diff("A.", "A.\n\nB.")] == ["same", "added"]
    assert word_diff("a b", "a b") == word_diff("a  b", "a b")


def test_a_draft_keeps_the_diff_until_the_translation_is_published(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    change_original(app, editor, sid, "We stand with the strikers, everywhere.")
    path = desk_path(sid, "fr")
    form = desk_form(translator, path)
    form["body"] = "Nous sommes aux côtés des grévistes, partout…"
    assert post(translator, path, {**form, "action": "save"}).status_code == 302
    # Half done: what changed in the original is still shown.
    assert parse(translator.get(path)).cssselect(".desk-diff ins")
    form = desk_form(editor, path)
    assert post(editor, path, {**form, "action": "publish"}).status_code == 302
    assert not parse(translator.get(path)).cssselect(".desk-changes")
    assert published(app, sid, "fr").body_source.endswith("partout…")
