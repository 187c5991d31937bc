"""The editor's XLIFF and PO files: downloaded for a translation tool, the
translated file uploaded; translators only in their languages."""

from __future__ import annotations

import io

from admin_helpers import PASSWORD, csrf_token, sign_in, statement_form
from flask import Flask
from flask.testing import FlaskClient
from revision_helpers import kept
from sqlalchemy import select
from test_roles import account
from translation_file_helpers import add_rich, fill_po, fill_xliff, stored

from ist_flask import announcement_queries
from ist_flask.accounts import create_user
from ist_flask.desk_models import DraftTranslation
from ist_flask.extensions import db
from ist_flask.roles import Role


def files_page(sid: int) -> str:
    return f"/admin/statements/{sid}/translation-files"


def upload(client: FlaskClient, sid: int, language: str, content: bytes, name: str = "t.xlf"):  # type: ignore[no-untyped-def]
    token = csrf_token(client, files_page(sid))
    return client.post(
        f"{files_page(sid)}/{language}",
        data={"csrf_token": token, f"{language}-file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_an_editor_finds_the_files_on_the_statement_page_and_round_trips_one(
    empty_app: Flask,
) -> None:
    sid = add_rich(empty_app)
    editor = account(empty_app, "writer@example.org", Role.EDITOR)
    page = editor.get(f"/admin/statements/{sid}/edit").get_data(as_text=True)
    assert f"{files_page(sid)}/fr.xlf" in page and f"{files_page(sid)}/fr.po" in page
    assert f"{files_page(sid)}/en.xlf" not in page  # the original is not translated

    download = editor.get(f"{files_page(sid)}/fr.xlf")
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    assert "no-store" in download.headers["Cache-Control"]
    response = upload(editor, sid, "fr", fill_xliff(download.data))

    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored(empty_app, sid, "fr").title == "CALL TO STRIKE"  # type: ignore[union-attr]


def test_a_translator_uploads_a_po_file_in_their_language(empty_app: Flask) -> None:
    sid = add_rich(empty_app)
    with empty_app.app_context():
        create_user("t@example.org", PASSWORD, Role.TRANSLATOR, ("es",), may_publish=True)
    translator = empty_app.test_client()
    sign_in(translator, "t@example.org", PASSWORD)
    page = translator.get(files_page(sid)).get_data(as_text=True)
    assert "/es.po" in page and "/fr.po" not in page
    content = fill_po(translator.get(f"{files_page(sid)}/es.po").data)

    assert upload(translator, sid, "es", content, "t.po").status_code == 302
    assert stored(empty_app, sid, "es").summary == "A CALL."  # type: ignore[union-attr]


def test_a_drafts_only_translators_upload_becomes_their_draft_at_the_desk(
    empty_app: Flask,
) -> None:
    sid = add_rich(empty_app)
    translator = account(empty_app, "t@example.org", Role.TRANSLATOR, ("es",))
    content = fill_po(translator.get(f"{files_page(sid)}/es.po").data)

    response = upload(translator, sid, "es", content, "t.po")
    assert response.status_code == 302
    assert stored(empty_app, sid, "es") is None  # nothing readers see
    with empty_app.app_context():
        draft = db.session.execute(
            select(DraftTranslation).where(DraftTranslation.statement_id == sid)
        ).scalar_one()
        assert (draft.language, draft.summary, draft.author.email) == (
            "es",
            "A CALL.",
            "t@example.org",
        )
    desk = translator.get(f"/admin/statements/{sid}/translate/es").get_data(as_text=True)
    assert "A CALL." in desk
    # And a revision says who kept it.
    assert kept(empty_app, sid)[-1].changes["drafts"] == ["es"]


def test_a_translator_is_refused_other_languages_and_the_original(empty_app: Flask) -> None:
    sid = add_rich(empty_app)
    editor = account(empty_app, "writer@example.org", Role.EDITOR)
    french = fill_xliff(editor.get(f"{files_page(sid)}/fr.xlf").data)
    translator = account(empty_app, "t@example.org", Role.TRANSLATOR, ("es",))
    assert translator.get(f"{files_page(sid)}/fr.xlf").status_code == 403
    assert translator.get(f"{files_page(sid)}/en.po").status_code == 403
    token = csrf_token(translator, files_page(sid))
    refused = translator.post(
        f"{files_page(sid)}/fr",
        data={"csrf_token": token, "fr-file": (io.BytesIO(french), "t.xlf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403
    assert translator.get(f"/admin/statements/{sid}/edit").status_code == 403
    assert stored(empty_app, sid, "fr") is None
    nobody = account(empty_app, "de@example.org", Role.TRANSLATOR, ("en",))
    assert nobody.get(files_page(sid)).status_code == 403


def test_an_upload_of_unreviewed_units_is_refused_with_a_message(empty_app: Flask) -> None:
    sid = add_rich(empty_app)
    editor = account(empty_app, "writer@example.org", Role.EDITOR)
    content = fill_xliff(editor.get(f"{files_page(sid)}/fr.xlf").data, needs_review=True)
    response = upload(editor, sid, "fr", content)
    assert response.status_code == 422
    assert "needing review" in response.get_data(as_text=True)
    assert stored(empty_app, sid, "fr") is None


def test_an_upload_for_another_language_or_statement_is_refused(empty_app: Flask) -> None:
    sid = add_rich(empty_app)
    other = add_rich(empty_app, title="Another call")
    editor = account(empty_app, "writer@example.org", Role.EDITOR)
    spanish = fill_po(editor.get(f"{files_page(sid)}/es.po").data)
    wrong_language = upload(editor, sid, "fr", spanish, "t.po")
    assert wrong_language.status_code == 422
    assert "not &#39;fr&#39;" in wrong_language.get_data(as_text=True)
    wrong_statement = upload(editor, other, "es", spanish, "t.po")
    assert wrong_statement.status_code == 422
    assert f"statement {other} only" in wrong_statement.get_data(as_text=True)
    assert stored(empty_app, sid, "fr") is None and stored(empty_app, other, "es") is None


def test_an_upload_needs_its_csrf_token_and_a_bounded_size(
    configured_app,  # type: ignore[no-untyped-def]
) -> None:
    app = configured_app(TRANSLATION_FILE_MAX_BYTES=2_000)
    sid = add_rich(app)
    editor = account(app, "writer@example.org", Role.EDITOR)
    content = fill_xliff(editor.get(f"{files_page(sid)}/fr.xlf").data)
    no_token = editor.post(
        f"{files_page(sid)}/fr",
        data={"fr-file": (io.BytesIO(content), "t.xlf")},
        content_type="multipart/form-data",
    )
    assert no_token.status_code in (400, 422)
    huge = upload(editor, sid, "fr", content + b" " * 200_000)
    assert huge.status_code == 413
    big = upload(editor, sid, "fr", content + b" " * 3_000)
    assert big.status_code == 422 and "largest accepted" in big.get_data(as_text=True)
    assert stored(app, sid, "fr") is None


def test_an_editor_page_opened_before_an_import_is_refused_rather_than_overwriting_it(
    empty_app: Flask,
) -> None:
    sid = add_rich(empty_app)
    editor = account(empty_app, "writer@example.org", Role.EDITOR)
    opened = statement_form(editor, f"/admin/statements/{sid}/edit")
    assert upload(editor, sid, "fr", fill_xliff(editor.get(f"{files_page(sid)}/fr.xlf").data))
    opened["translation_fr-title"] = "Un autre titre"
    opened["translation_fr-body"] = "Autre chose."

    saved = editor.post(f"/admin/statements/{sid}/edit", data=opened)

    assert saved.status_code == 409
    assert stored(empty_app, sid, "fr").title == "CALL TO STRIKE"  # type: ignore[union-attr]


def test_an_imported_translation_of_a_published_statement_is_announced(empty_app: Flask) -> None:
    sid = add_rich(empty_app)
    editor = account(empty_app, "writer@example.org", Role.EDITOR)
    upload(editor, sid, "fr", fill_xliff(editor.get(f"{files_page(sid)}/fr.xlf").data))
    with empty_app.app_context():
        assert "fr" in announcement_queries.announced_languages(sid)


def test_the_largest_request_makes_room_for_the_largest_translation_file(
    configured_app,  # type: ignore[no-untyped-def]
) -> None:
    app = configured_app(TRANSLATION_FILE_MAX_BYTES=100 * 1024 * 1024)
    assert app.config["MAX_CONTENT_LENGTH"] > 100 * 1024 * 1024
