"""Every save keeps a revision; revisions are listed, compared and restored
through the editor's own rules; a deleted statement can be brought back."""

from __future__ import annotations

import json
from pathlib import Path

from admin_helpers import csrf_token, post, stored
from flask import Flask
from flask.testing import FlaskClient
from pages import parse
from revision_helpers import SLUG, edited, kept, restore, written
from sqlalchemy import func, select
from test_roles import EDITOR, TRANSLATOR, account

from ist_flask.extensions import db
from ist_flask.models import Statement
from ist_flask.revision_models import Revision
from ist_flask.roles import Role


def test_each_save_keeps_who_when_and_what_changed(app: Flask, editor: FlaskClient) -> None:
    sid = written(app, editor)
    edited(editor, sid, **{"translation_fr-title": "Grève!", "status": "draft"})
    first, second = kept(app, sid)
    assert (first.action, second.action) == ("create", "edit")
    assert second.author_email == "editor@example.org" and second.author_id is not None
    assert second.changes == {"fields": ["status"], "languages": {"fr": "changed"}}
    assert second.snapshot["translations"]["fr"]["title"] == "Grève!"
    assert second.snapshot["translations"]["en"]["body_source"].startswith("We stand")
    page = editor.get(f"/admin/statements/{sid}/revisions").get_data(as_text=True)
    assert "editor@example.org" in page and "Status, fr (changed)" in page


def test_a_statement_from_before_revisions_keeps_its_earlier_state(
    app: Flask, editor: FlaskClient
) -> None:
    slug = "release-frank-garcia-hernandez-and-his-comrades"
    sid = stored(app, "en", slug).statement_id
    edited(editor, sid, **{"translation_en-title": "A new title"})
    earlier, edit = kept(app, sid)
    assert (earlier.action, earlier.author_email, edit.action) == ("earlier", None, "edit")
    assert earlier.snapshot["translations"]["en"]["title"] != "A new title"
    # (The editor's save renders imported HTML again: other languages may change too.)
    assert edit.changes["fields"] == [] and edit.changes["languages"]["en"] == "changed"


def test_a_statement_with_no_revision_yet_says_so(app: Flask, editor: FlaskClient) -> None:
    sid = stored(app, "en", "release-frank-garcia-hernandez-and-his-comrades").statement_id
    page = editor.get(f"/admin/statements/{sid}/revisions")
    assert page.status_code == 200 and "No revision is kept yet" in page.get_data(as_text=True)


def test_two_revisions_are_compared_word_by_word_and_escaped(
    app: Flask, editor: FlaskClient
) -> None:
    sid = written(app, editor)
    edited(editor, sid, **{"translation_en-body": "We stand with the <b>nurses</b>.\n\nNew."})
    first, second = kept(app, sid)
    response = editor.get(f"/admin/statements/{sid}/revisions/compare?a={second.id}&b={first.id}")
    assert response.status_code == 200
    page = parse(response)
    assert "**strikers**." in page.cssselect("dd del")[0].text_content()
    assert "<b>nurses</b>" in page.cssselect("dd ins")[0].text_content()
    assert "&lt;b&gt;nurses" in response.get_data(as_text=True)
    assert editor.get(f"/admin/statements/{sid}/revisions/compare?a=x&b=1").status_code == 404
    assert editor.get(f"/admin/statements/{sid + 1}/revisions").status_code == 404


def test_a_restore_saves_the_old_revision_as_a_new_one_with_the_editors_rules(
    app: Flask, editor: FlaskClient
) -> None:
    sid = written(app, editor)
    edited(editor, sid, **{"translation_en-title": "Changed", "translation_en-slug": "changed"})
    assert editor.get("/en/statements/changed").status_code == 200
    first = kept(app, sid)[0]
    response = restore(editor, sid, first.id)
    assert response.status_code == 302
    assert editor.get(f"/en/statements/{SLUG}").status_code == 200
    assert "Solidarity with the strikers" in editor.get(f"/en/statements/{SLUG}").get_data(
        as_text=True
    )
    # The slug it had meanwhile still leads to it.
    assert editor.get("/en/statements/changed").headers["Location"] == f"/en/statements/{SLUG}"
    last = kept(app, sid)[-1]
    assert last.action == "restore" and last.snapshot == first.snapshot


def test_a_restore_refuses_a_slug_another_statement_took_and_changes_nothing(
    app: Flask, editor: FlaskClient
) -> None:
    sid = written(app, editor)
    # Its French translation goes, and another statement takes that address.
    edited(editor, sid, **{"translation_fr-remove": "y"})
    french = "solidarite-avec-les-grevistes"
    other = written(app, editor, **{"translation_en-slug": "other", "translation_fr-slug": french})
    before = kept(app, sid)
    response = restore(editor, sid, before[0].id)
    assert response.status_code == 409
    assert "is not free" in response.get_data(as_text=True)
    assert len(kept(app, sid)) == len(before)
    assert stored(app, "fr", french).statement_id == other


def test_a_restore_needs_the_csrf_token(app: Flask, editor: FlaskClient) -> None:
    sid = written(app, editor)
    edited(editor, sid, **{"translation_en-title": "Changed"})
    first = kept(app, sid)[0]
    response = editor.post(f"/admin/statements/{sid}/revisions/{first.id}/restore")
    assert response.status_code == 400
    assert stored(app, "en", SLUG).title == "Changed"


def test_a_translator_sees_revisions_but_may_not_restore(app: Flask, editor: FlaskClient) -> None:
    sid = written(app, editor)
    edited(editor, sid, **{"translation_en-title": "Changed"})
    first, second = kept(app, sid)
    translator = account(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    # From the statement's translation files and its desk.
    for way in (
        f"/admin/statements/{sid}/translation-files",
        f"/admin/statements/{sid}/translate/fr",
    ):
        assert f"/admin/statements/{sid}/revisions" in translator.get(way).get_data(as_text=True)
    page = translator.get(f"/admin/statements/{sid}/revisions")
    assert page.status_code == 200 and "/restore" not in page.get_data(as_text=True)
    compare = f"/admin/statements/{sid}/revisions/compare?a={first.id}&b={second.id}"
    assert translator.get(compare).status_code == 200
    token = csrf_token(translator, f"/admin/statements/{sid}/revisions")
    refused = translator.post(
        f"/admin/statements/{sid}/revisions/{first.id}/restore", data={"csrf_token": token}
    )
    assert refused.status_code == 403
    assert stored(app, "en", SLUG).title == "Changed" and len(kept(app, sid)) == 2
    assert translator.get("/admin/statements/deleted").status_code == 403


def test_an_editor_brings_back_a_deleted_statement_with_its_id_and_slugs(
    app: Flask, editor: FlaskClient
) -> None:
    sid = written(app, editor)
    path = f"/admin/statements/{sid}/delete"
    assert post(editor, path, {}).status_code == 302
    assert editor.get(f"/en/statements/{SLUG}").status_code == 404
    assert [r.action for r in kept(app, sid)] == ["create", "delete"]
    colleague = account(app, EDITOR, Role.EDITOR)
    listing = colleague.get("/admin/statements/deleted").get_data(as_text=True)
    assert "Solidarity with the strikers" in listing
    assert "This statement was deleted" in colleague.get(
        f"/admin/statements/{sid}/revisions"
    ).get_data(as_text=True)
    response = colleague.post(
        f"/admin/statements/{sid}/bring-back",
        data={"csrf_token": csrf_token(colleague, "/admin/statements/deleted")},
    )
    assert response.status_code == 302
    assert stored(app, "en", SLUG).statement_id == sid
    assert editor.get(f"/en/statements/{SLUG}").status_code == 200
    assert kept(app, sid)[-1].action == "revive"
    assert "Solidarity" not in colleague.get("/admin/statements/deleted").get_data(as_text=True)


def test_the_bulk_import_keeps_no_revision(app: Flask, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    file = tmp_path / "statements.json"
    file.write_text(
        json.dumps(
            {"statements": [{"published": "2024-01-01T10:00:00Z", "translations": {
                "en": {"title": "Imported", "slug": "imported", "body": "<p>Hi.</p>"}}}]}
        ),
        encoding="utf-8",
    )  # fmt: skip
    result = runner.invoke(args=["statements", "import", str(file)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Revision.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(Statement.id))).scalar_one() > 1


def test_migration_0018_goes_down_and_up_keeping_statements_and_accounts(
    app: Flask, editor: FlaskClient
) -> None:
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect, text

    written(app, editor)
    with app.app_context():
        statements = db.session.execute(text("SELECT count(*) FROM statements")).scalar_one()
        # Ended before migrating: on PostgreSQL dropping a table waits for
        # every open transaction that read the tables it names.
        db.session.remove()
        downgrade(revision="0017")
        names = set(inspect(db.engine).get_table_names())
        assert not {"revisions", "audit_events"} & names
        assert db.session.execute(text("SELECT count(*) FROM statements")).scalar_one() == (
            statements
        )
        assert db.session.execute(text("SELECT count(*) FROM users")).scalar_one() == 1
        db.session.remove()
        upgrade()
        assert db.session.execute(text("SELECT count(*) FROM revisions")).scalar_one() == 0
        db.session.remove()
    sid = written(app, editor, **{"translation_en-slug": "after", "translation_fr-slug": "apres"})
    assert [r.action for r in kept(app, sid)] == ["create"]
