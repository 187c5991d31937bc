"""The translation desk: side by side, drafts beside published translations,
who may do what in which language, and conflicts per translation."""

from __future__ import annotations

from admin_helpers import post, statement_form
from desk_helpers import (
    EDITOR,
    TRANSLATOR,
    desk_form,
    desk_path,
    draft,
    member,
    published,
    written_statement,
)
from flask import Flask
from pages import parse
from revision_helpers import kept
from sqlalchemy import select

from ist_flask.extensions import db
from ist_flask.reach_models import Announcement
from ist_flask.roles import Role


def test_the_desk_shows_original_and_translation_side_by_side(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    page = parse(translator.get(desk_path(sid, "fr")))
    cells = page.cssselect(".desk-columns .desk-paragraph")
    # Two paragraphs in English, one in French: pairs, the missing one empty.
    assert [(c.get("lang"), c.text_content()) for c in cells] == [
        ("en", "We stand with the **strikers**."),
        ("fr", "Nous sommes aux côtés des *grévistes*."),
        ("en", "> An injury to one is an injury to all."),
        ("fr", ""),
    ]
    title = page.cssselect("form.desk-form input[name=title]")[0]
    assert (title.get("lang"), title.get("dir"), title.get("value")) == (
        "fr",
        "ltr",
        "Solidarité avec les grévistes",
    )
    assert page.cssselect("button[value=save]") and not page.cssselect("button[value=publish]")


def test_arabic_is_written_right_to_left(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    page = parse(editor.get(desk_path(sid, "ar")))
    body = page.cssselect("form.desk-form textarea[name=body]")[0]
    assert (body.get("lang"), body.get("dir")) == ("ar", "rtl")
    # The desk itself speaks the maintainer's language, not the one translated into.
    assert page.get("lang") == "en"
    assert page.cssselect("label[for=title]")[0].text == "Title"


def test_a_drafts_only_translator_keeps_drafts_beside_the_live_translation(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    path = desk_path(sid, "fr")
    form = desk_form(translator, path)
    form["body"] = "Nous sommes aux côtés des grévistes, partout."
    assert post(translator, path, {**form, "action": "save"}).status_code == 302

    kept = draft(app, sid, "fr")
    assert kept is not None and kept.markdown.endswith("partout.")
    # The site still shows the published words.
    live = published(app, sid, "fr")
    assert live is not None and "partout" not in live.body
    assert "partout" not in translator.get(f"/fr/statements/{live.slug}").get_data(as_text=True)
    # The desk opens on the draft.
    assert desk_form(translator, path)["body"].endswith("partout.")


def test_a_drafts_only_translator_cannot_publish(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    path = desk_path(sid, "fr")
    form = desk_form(translator, path)
    form["body"] = "Un autre texte."
    assert post(translator, path, {**form, "action": "publish"}).status_code == 403
    assert draft(app, sid, "fr") is None
    assert published(app, sid, "fr").body_source == "Nous sommes aux côtés des *grévistes*."


def test_an_editor_publishes_a_translators_draft(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("de",))
    path = desk_path(sid, "de")
    form = desk_form(translator, path)
    form.update(
        title="Solidarität mit den Streikenden", body="Wir stehen an der Seite der Streikenden."
    )
    assert post(translator, path, {**form, "action": "save"}).status_code == 302
    assert published(app, sid, "de") is None
    assert editor.get("/de/feed.atom").get_data(as_text=True).count("Streikenden") == 0

    form = desk_form(editor, path)
    assert form["title"] == "Solidarität mit den Streikenden"
    assert post(editor, path, {**form, "action": "publish"}).status_code == 302
    live = published(app, sid, "de")
    assert live is not None and live.slug == "solidaritat-mit-den-streikenden"
    assert draft(app, sid, "de") is None
    assert editor.get(f"/de/statements/{live.slug}").status_code == 200
    # Kept pages and feeds are made again (caching.content_changed)…
    assert "Streikenden" in editor.get("/de/feed.atom").get_data(as_text=True)
    # …and the channels are told, as after the statement editor's save.
    with app.app_context():
        announced = db.session.execute(
            select(Announcement.language).where(Announcement.statement_id == sid)
        ).scalars()
        assert "de" in set(announced)


def test_a_translator_who_may_publish_publishes(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("es",), may_publish=True)
    path = desk_path(sid, "es")
    form = desk_form(translator, path)
    form.update(title="Solidaridad con los huelguistas", body="Estamos con los huelguistas.")
    assert post(translator, path, {**form, "action": "publish"}).status_code == 302
    live = published(app, sid, "es")
    assert live is not None and live.title == "Solidaridad con los huelguistas"
    # Made from the original as it is now: not out of date.
    assert live.source_markdown is not None and live.source_markdown.startswith(
        "# Solidarity with the strikers"
    )


def test_publishing_needs_a_title_and_a_text(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    path = desk_path(sid, "es")
    form = desk_form(editor, path)
    form.update(title="Solidaridad", body="")
    response = post(editor, path, {**form, "action": "publish"})
    assert response.status_code == 422
    assert published(app, sid, "es") is None
    assert parse(response).cssselect("form.desk-form input[name=title]")[0].get("value") == (
        "Solidaridad"
    )


def test_a_translator_is_refused_other_languages_and_changes_nothing(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    form = desk_form(translator, desk_path(sid, "fr"))
    for language in ("de", "en"):
        path = desk_path(sid, language)
        assert translator.get(path).status_code == 403, language
        changed = {**form, "title": "Pirate", "body": "Pirate", "action": "save"}
        assert translator.post(path, data=changed).status_code == 403, language
        assert translator.post(f"{path}/current", data=form).status_code == 403, language
        assert draft(app, sid, language) is None
    assert published(app, sid, "en").title == "Solidarity with the strikers"
    # Nor the statement editor (time, topics, status, the original).
    assert translator.get(f"/admin/statements/{sid}/edit").status_code == 403


def test_the_desk_answers_404_for_what_does_not_exist(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    assert editor.get(desk_path(sid, "xx")).status_code == 404
    assert editor.get(desk_path(sid + 1000, "fr")).status_code == 404
    # The original is the statement editor's.
    assert editor.get(desk_path(sid, "en")).status_code == 404


def test_the_same_translation_saved_twice_is_refused_keeping_the_text(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr", "de"))
    path = desk_path(sid, "fr")
    first, second = desk_form(translator, path), desk_form(editor, path)
    other = desk_form(translator, desk_path(sid, "de"))

    first["body"] = "Premier."
    assert post(translator, path, {**first, "action": "save"}).status_code == 302
    second["body"] = "Second."
    response = post(editor, path, {**second, "action": "publish"})
    assert response.status_code == 409
    page = parse(response)
    assert "Someone else saved this translation" in page.cssselect("[role=alert]")[0].text_content()
    assert page.cssselect("textarea[name=body]")[0].text.strip() == "Second."
    assert draft(app, sid, "fr").markdown == "Premier."
    assert published(app, sid, "fr").body_source == "Nous sommes aux côtés des *grévistes*."
    # Another language of the same statement is no conflict.
    other.update(title="Solidarität", body="Wir auch.")
    assert post(translator, desk_path(sid, "de"), {**other, "action": "save"}).status_code == 302


def test_the_statement_editor_conflicts_per_translation(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    path = f"/admin/statements/{sid}/edit"
    english, french = statement_form(editor, path), statement_form(editor, path)
    english["translation_en-title"] = "Solidarity with every striker"
    french["translation_fr-title"] = "Solidarité avec toutes les grévistes"
    assert post(editor, path, {**english, "action": "save"}).status_code == 302
    assert post(editor, path, {**french, "action": "save"}).status_code == 302
    assert published(app, sid, "en").title == "Solidarity with every striker"
    assert published(app, sid, "fr").title == "Solidarité avec toutes les grévistes"


def test_a_desk_save_conflicts_with_the_statement_editor_on_the_same_language(
    app: Flask,
) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    path = desk_path(sid, "fr")
    at_desk = desk_form(editor, path)
    edit_path = f"/admin/statements/{sid}/edit"
    form = statement_form(editor, edit_path)
    form["translation_fr-body"] = "Édité dans l'éditeur."
    assert post(editor, edit_path, {**form, "action": "save"}).status_code == 302
    at_desk["body"] = "Édité au bureau."
    assert post(editor, path, {**at_desk, "action": "publish"}).status_code == 409
    assert published(app, sid, "fr").body_source == "Édité dans l'éditeur."


def test_the_statement_editor_never_removes_a_translation_added_meanwhile(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    edit_path = f"/admin/statements/{sid}/edit"
    stale = statement_form(editor, edit_path)
    path = desk_path(sid, "es")
    form = desk_form(editor, path)
    form.update(title="Solidaridad", body="Estamos con ellos.")
    assert post(editor, path, {**form, "action": "publish"}).status_code == 302
    # The older form has no Spanish; saving its English must not remove it unseen.
    stale["translation_en-title"] = "Changed"
    assert post(editor, edit_path, {**stale, "action": "save"}).status_code == 302
    assert published(app, sid, "es").title == "Solidaridad"
    assert published(app, sid, "en").title == "Changed"


def test_deleting_a_statement_deletes_its_drafts(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    path = desk_path(sid, "de")
    form = desk_form(editor, path)
    form.update(title="Entwurf", body="Noch nicht fertig.")
    assert post(editor, path, {**form, "action": "save"}).status_code == 302
    assert post(editor, f"/admin/statements/{sid}/delete", {}).status_code == 302
    assert draft(app, sid, "de") is None
    assert editor.get(path).status_code == 404


def test_every_desk_save_keeps_a_revision_with_who_and_the_draft(app: Flask) -> None:
    editor = member(app, EDITOR, Role.EDITOR)
    sid = written_statement(app, editor)
    translator = member(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    path = desk_path(sid, "fr")
    form = desk_form(translator, path)
    form["body"] = "Nous sommes aux côtés des grévistes, partout."
    assert post(translator, path, {**form, "action": "save"}).status_code == 302
    revision = kept(app, sid)[-1]
    assert (revision.author_email, revision.changes["drafts"]) == (TRANSLATOR, ["fr"])
    assert revision.snapshot["drafts"]["fr"]["markdown"].endswith("partout.")
    # Compared with the revision before, the draft's words are shown.
    page = translator.get(f"/admin/statements/{sid}/revisions").get_data(as_text=True)
    assert "fr (draft)" in page
    older, newer = kept(app, sid)[-2:]
    compared = translator.get(
        f"/admin/statements/{sid}/revisions/compare?a={older.id}&b={newer.id}"
    ).get_data(as_text=True)
    assert "<ins>" in compared and "partout" in compared

    # Publishing it is a revision of the published text, by the editor.
    form = desk_form(editor, path)
    assert post(editor, path, {**form, "action": "publish"}).status_code == 302
    revision = kept(app, sid)[-1]
    assert revision.author_email == EDITOR
    assert revision.changes["languages"] == {"fr": "changed"}
    assert revision.snapshot["drafts"] == {}
