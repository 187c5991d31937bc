"""Preview pages: a draft or scheduled statement exactly as it will look, to
whoever holds a live link, marked as a preview, never indexed or kept, and
refused once the link is revoked or expired."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from pages import fold, parse
from preview_helpers import (
    DRAFT_TITLE,
    SCHEDULED_TITLE,
    add_unpublished,
    link_urls,
    make_link,
    revoke_first,
)
from sqlalchemy import update

from ist_flask.extensions import db
from ist_flask.models import PUBLISHED, Statement
from ist_flask.preview_links import SALT
from ist_flask.preview_models import PreviewLink

SITE = "http://localhost"


def preview_path(app: Flask, editor: FlaskClient, statement_id: int) -> str:
    """A new link's address (without the host), as the editor's page lists it."""
    assert make_link(editor, statement_id).status_code == 302
    return link_urls(editor, statement_id)[0].removeprefix(SITE)


def statement_part(html: str) -> str:
    """The statement's own bytes: its article and the list of its translations."""
    article = re.search(r'<article class="statement">.*?</article>', html, re.S)
    assert article is not None
    return article.group(0)


def test_a_link_opens_the_draft_in_its_original_language_for_anyone(
    app: Flask, editor: FlaskClient
) -> None:
    draft, _scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    reader = app.test_client()  # signed out
    opened = reader.get(path)
    assert opened.status_code == 302 and opened.headers["Location"] == path + "/en"
    page = parse(reader.get(path + "/en"))
    assert fold(page.cssselect("main article h1")[0].text_content()) == DRAFT_TITLE
    assert page.get("lang") == "en"


def test_the_preview_is_marked_and_asks_to_be_neither_indexed_nor_kept(
    app: Flask, editor: FlaskClient
) -> None:
    draft, _scheduled = add_unpublished(app)
    response = app.test_client().get(preview_path(app, editor, draft) + "/en")
    assert response.status_code == 200
    banner = fold(parse(response).cssselect(".preview-banner")[0].text_content())
    assert banner.startswith("Preview") and "not published yet" in banner
    assert parse(response).cssselect('meta[name="robots"]')[0].get("content") == "noindex"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert {"no-store", "private"} <= set(
        part.strip() for part in response.headers["Cache-Control"].split(",")
    )
    assert "ETag" not in response.headers and "public" not in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers  # a reader without an account gets no session


def test_a_scheduled_statement_says_when_it_is_due(app: Flask, editor: FlaskClient) -> None:
    _draft, scheduled = add_unpublished(app)
    page = parse(app.test_client().get(preview_path(app, editor, scheduled) + "/en"))
    assert fold(page.cssselect("main article h1")[0].text_content()) == SCHEDULED_TITLE
    banner = fold(page.cssselect(".preview-banner")[0].text_content())
    due = (datetime.now(UTC) + timedelta(days=7)).strftime("%Y")
    assert "It is due to appear on the site on" in banner and due in banner and "(UTC)" in banner


def test_other_translations_lead_to_their_previews(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    reader = app.test_client()
    page = parse(reader.get(path + "/en"))
    assert [a.get("href") for a in page.cssselect(".translations a")] == [path + "/fr"]
    # The language switcher offers the languages the statement has, previewed.
    switcher = [a.get("href") for a in page.cssselect(".language-switcher a")]
    assert switcher == [path + "/en", path + "/fr"]
    french = reader.get(path + "/fr")
    assert french.status_code == 200
    assert "Solidarité avec les dockers" in french.get_data(as_text=True)
    assert reader.get(path + "/de").status_code == 404  # no German translation


def test_the_statement_part_is_the_published_pages_bytes(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    reader = app.test_client()
    previewed = {lang: reader.get(f"{path}/{lang}").get_data(as_text=True) for lang in ("en", "fr")}
    with app.app_context():
        db.session.execute(update(Statement).where(Statement.id == draft).values(status=PUBLISHED))
        db.session.commit()
    public = {
        "en": reader.get("/en/statements/solidarity-with-the-dockers").get_data(as_text=True),
        "fr": reader.get("/fr/statements/solidarite-avec-les-dockers").get_data(as_text=True),
    }
    for lang in ("en", "fr"):
        assert statement_part(previewed[lang]) == statement_part(public[lang])
        # The list of translations too, but for where its links lead.
        translations = r'<section class="translations".*?</section>'
        shown = re.search(translations, previewed[lang], re.S).group(0)  # type: ignore[union-attr]
        published = re.search(translations, public[lang], re.S).group(0)  # type: ignore[union-attr]
        assert re.sub(r'href="[^"]*"', "", shown) == re.sub(r'href="[^"]*"', "", published)
    # Once published, the link leads to the readers' page.
    assert (
        reader.get(path + "/fr").headers["Location"] == "/fr/statements/solidarite-avec-les-dockers"
    )


def test_a_revoked_link_is_refused_and_shows_nothing_of_the_statement(
    app: Flask, editor: FlaskClient
) -> None:
    draft, _scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    reader = app.test_client()
    assert reader.get(path + "/en").status_code == 200
    assert revoke_first(editor, draft).status_code == 302
    said = {"en": "expired or was revoked", "fr": "a expiré ou a été révoqué"}
    for address, language in ((path, "en"), (path + "/en", "en"), (path + "/fr", "fr")):
        refused = reader.get(address)
        assert refused.status_code == 410, address
        text = refused.get_data(as_text=True)
        # In the language of the page asked for.
        assert said[language] in text
        assert "dockers" not in text.lower()
        assert refused.headers["X-Robots-Tag"] == "noindex"
        assert "no-store" in refused.headers["Cache-Control"]


def test_an_expired_link_is_refused(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    with app.app_context():
        db.session.execute(
            update(PreviewLink).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    refused = app.test_client().get(path + "/en")
    assert refused.status_code == 410 and DRAFT_TITLE not in refused.get_data(as_text=True)


class SignedAYearAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 365 * 24 * 3600


def test_a_token_older_than_the_longest_link_is_refused(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    token = path.split("/")[2]
    signer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT)
    payload = signer.loads(token)
    old = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=SALT, signer=SignedAYearAgo)
    # The row says the link works, but no link lasts longer than IST_PREVIEW_MAX_DAYS.
    assert app.test_client().get(f"/preview/{old.dumps(payload)}/en").status_code == 410


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "a" * 5000,
        "WzEsM10.awsjTg.AAAAAAAAAAAAAAAAAAAAAAAAAAA",  # a made-up signature
        "%00",
        "..",
        "WzEsM10",
    ],
)
def test_a_garbage_token_is_a_plain_404(app: Flask, editor: FlaskClient, token: str) -> None:
    draft, _scheduled = add_unpublished(app)
    preview_path(app, editor, draft)
    reader = app.test_client()
    for address in (f"/preview/{token}", f"/preview/{token}/en"):
        response = reader.get(address)
        assert response.status_code in (400, 404), address
        assert DRAFT_TITLE not in response.get_data(as_text=True)


def test_values_the_site_signs_for_other_purposes_are_no_preview_token(
    app: Flask, editor: FlaskClient
) -> None:
    draft, scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    key = app.config["SECRET_KEY"]
    link_id, statement_id = [1, draft]
    forged = [
        URLSafeTimedSerializer("another site's key", salt=SALT).dumps([link_id, statement_id]),
        URLSafeTimedSerializer(key, salt="subscribe-confirm").dumps([link_id, statement_id]),
        URLSafeTimedSerializer(key, salt="trusted-device").dumps([link_id, statement_id]),
        # Well signed, but naming the link with another statement's id.
        URLSafeTimedSerializer(key, salt=SALT).dumps([link_id, scheduled]),
        URLSafeTimedSerializer(key, salt=SALT).dumps({"id": link_id}),
        URLSafeTimedSerializer(key, salt=SALT).dumps([True, statement_id]),
        URLSafeTimedSerializer(key, salt=SALT).dumps([10**30, statement_id]),
    ]
    reader = app.test_client()
    assert reader.get(path + "/en").status_code == 200
    for token in forged:
        assert reader.get(f"/preview/{token}/en").status_code == 404, token


def test_a_deleted_statements_links_are_404(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    with app.app_context():
        db.session.delete(db.session.get(Statement, draft))
        db.session.commit()
    assert app.test_client().get(path + "/en").status_code == 404


def test_the_preview_shows_no_other_unpublished_statement(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    text = app.test_client().get(preview_path(app, editor, draft) + "/en").get_data(as_text=True)
    assert SCHEDULED_TITLE not in text
    assert "/preview/" not in re.sub(r'href="/preview/[^"]*"', "", text)


def test_previews_never_enter_the_page_cache(app: Flask, editor: FlaskClient) -> None:
    draft, _scheduled = add_unpublished(app)
    path = preview_path(app, editor, draft)
    reader = app.test_client()
    caches = app.extensions["ist_caches"]
    before = len(caches.pages)
    for _ in range(2):
        assert reader.get(path + "/en").status_code == 200
    assert len(caches.pages) == before
    assert not [route for route in caches.routes if route.startswith("/preview/")]


def test_robots_txt_keeps_crawlers_out_of_previews(client: FlaskClient) -> None:
    assert "Disallow: /preview/" in client.get("/robots.txt").get_data(as_text=True).splitlines()
