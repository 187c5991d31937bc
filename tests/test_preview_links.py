"""Preview links on the statement editor's page: editors and admins make them
for unpublished statements only, see the live ones, and revoke them."""

from __future__ import annotations

import pytest
from admin_helpers import csrf_token, make_maintainer, sign_in
from flask import Flask
from flask.testing import FlaskClient
from pages import fold, parse
from preview_helpers import add_unpublished, edit_path, link_urls, make_link, revoke_first
from sqlalchemy import func, select
from test_roles import EDITOR, TRANSLATOR, account

from ist_flask.accounts import delete_user
from ist_flask.config_checks import ConfigurationError, check_previews
from ist_flask.extensions import db
from ist_flask.models import Translation
from ist_flask.preview_models import PreviewLink
from ist_flask.roles import Role

PUBLISHED_DEMO = "release-frank-garcia-hernandez-and-his-comrades"


def link_count(app: Flask) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(PreviewLink.id))).scalar_one()


def messages(client: FlaskClient, statement_id: int) -> str:
    return fold(parse(client.get(edit_path(statement_id))).cssselect("main")[0].text_content())


def test_an_editor_makes_a_link_that_the_page_lists_to_copy(app: Flask) -> None:
    draft, _scheduled = add_unpublished(app)
    editor = account(app, EDITOR, Role.EDITOR)
    page = parse(editor.get(edit_path(draft)))
    days = page.cssselect("#preview-days")[0]
    assert days.get("value") == "7" and days.get("max") == "30"
    made = make_link(editor, draft, "3")
    assert made.status_code == 302 and made.headers["Location"].endswith("#preview-links")
    assert "Preview link made" in messages(editor, draft)
    [url] = link_urls(editor, draft)
    assert url.startswith("http://localhost/preview/")
    with app.app_context():
        link = db.session.execute(select(PreviewLink)).scalar_one()
        assert (link.expires_at - link.created_at).days == 3
        assert link.creator is not None and link.creator.email == EDITOR


def test_each_link_is_its_own_and_revoking_one_keeps_the_other(
    app: Flask, editor: FlaskClient
) -> None:
    draft, _scheduled = add_unpublished(app)
    make_link(editor, draft)
    make_link(editor, draft)
    newer, older = link_urls(editor, draft)  # newest first
    assert newer != older
    assert link_urls(editor, draft) == [newer, older], "an address stays the same"
    assert revoke_first(editor, draft).status_code == 302
    assert link_urls(editor, draft) == [older]
    reader = app.test_client()
    assert reader.get(newer.removeprefix("http://localhost") + "/en").status_code == 410
    assert reader.get(older.removeprefix("http://localhost") + "/en").status_code == 200


def test_a_statement_already_on_the_site_gets_no_link(app: Flask, editor: FlaskClient) -> None:
    with app.app_context():
        published = db.session.execute(
            select(Translation.statement_id).where(Translation.slug == PUBLISHED_DEMO)
        ).scalar_one()
    page = parse(editor.get(edit_path(published)))
    assert not page.cssselect("#preview-days")
    assert "already on the site" in fold(page.cssselect("#preview-links")[0].text_content())
    refused = make_link(editor, published)
    assert refused.status_code == 302 and link_count(app) == 0
    assert "already on the site: share its address instead" in messages(editor, published)


def test_a_length_outside_one_to_the_maximum_is_refused_with_a_message(
    app: Flask, editor: FlaskClient
) -> None:
    draft, _scheduled = add_unpublished(app)
    for days in ("0", "31", "-2", "seven", "", "9" * 40):
        assert make_link(editor, draft, days).status_code == 302, days
        text = messages(editor, draft)
        assert "days" in text and "Preview link made" not in text, days
    assert link_count(app) == 0
    assert "A link works from 1 to 30 days." in (
        make_link(editor, draft, "31") and messages(editor, draft)
    )


def test_the_longest_link_follows_the_setting(configured_app) -> None:  # type: ignore[no-untyped-def]
    app = configured_app(PREVIEW_MAX_DAYS=3)
    make_maintainer(app)
    editor = app.test_client()
    sign_in(editor)
    draft, _scheduled = add_unpublished(app)
    days = parse(editor.get(edit_path(draft))).cssselect("#preview-days")[0]
    assert days.get("value") == "3" and days.get("max") == "3"
    make_link(editor, draft, "4")
    assert link_count(app) == 0
    make_link(editor, draft, "3")
    assert link_count(app) == 1


def test_a_translator_may_neither_make_nor_revoke_links(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    make_link(editor, draft)
    translator = account(app, TRANSLATOR, Role.TRANSLATOR, ("fr",))
    token = csrf_token(translator, "/admin/")
    made = translator.post(
        f"/admin/statements/{draft}/previews", data={"csrf_token": token, "days": "7"}
    )
    assert made.status_code == 403
    with app.app_context():
        link_id = db.session.execute(select(PreviewLink.id)).scalar_one()
    revoked = translator.post(
        f"/admin/statements/{draft}/previews/{link_id}/revoke", data={"csrf_token": token}
    )
    assert revoked.status_code == 403
    assert link_count(app) == 1 and len(link_urls(editor, draft)) == 1


def test_forms_without_their_csrf_token_change_nothing(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    assert editor.post(f"/admin/statements/{draft}/previews", data={"days": "7"}).status_code == 400
    make_link(editor, draft)
    with app.app_context():
        link_id = db.session.execute(select(PreviewLink.id)).scalar_one()
    assert editor.post(f"/admin/statements/{draft}/previews/{link_id}/revoke").status_code == 400
    assert len(link_urls(editor, draft)) == 1


def test_a_link_revoked_through_another_statement_is_a_404(app: Flask, editor: FlaskClient) -> None:
    draft, scheduled = add_unpublished(app)
    make_link(editor, draft)
    with app.app_context():
        link_id = db.session.execute(select(PreviewLink.id)).scalar_one()
    token = csrf_token(editor, edit_path(scheduled))
    wrong = editor.post(
        f"/admin/statements/{scheduled}/previews/{link_id}/revoke", data={"csrf_token": token}
    )
    assert wrong.status_code == 404 and len(link_urls(editor, draft)) == 1
    assert (
        editor.post(
            f"/admin/statements/{draft}/previews/{2**40}/revoke", data={"csrf_token": token}
        ).status_code
        == 404
    )


def test_signed_out_visitors_cannot_make_links(app: Flask) -> None:
    draft, _scheduled = add_unpublished(app)
    visitor = app.test_client()
    token = csrf_token(visitor)
    made = visitor.post(f"/admin/statements/{draft}/previews", data={"csrf_token": token})
    assert made.status_code == 302 and "/admin/login" in made.headers["Location"]
    assert link_count(app) == 0


@pytest.mark.parametrize("days", [0, -1, "7", 2.5, None])
def test_a_longest_link_that_is_no_whole_number_of_days_stops_the_site(days: object) -> None:
    with pytest.raises(ConfigurationError, match="IST_PREVIEW_MAX_DAYS"):
        check_previews({"PREVIEW_MAX_DAYS": days})


def test_a_link_outlives_the_account_that_made_it(app: Flask) -> None:
    draft, _scheduled = add_unpublished(app)
    editor = account(app, EDITOR, Role.EDITOR)
    make_link(editor, draft)
    [url] = link_urls(editor, draft)
    with app.app_context():
        delete_user(EDITOR)
        assert db.session.execute(select(PreviewLink.created_by)).scalar_one() is None
    assert app.test_client().get(url.removeprefix("http://localhost") + "/en").status_code == 200
