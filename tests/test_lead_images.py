"""A maintainer gives a statement a lead image; readers see it, cleaned, at every size."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in, statement_form
from flask import Flask
from flask.testing import FlaskClient
from image_files import decompression_bomb, gif, jpeg_with_gps, png, truncated_jpeg, webp
from lead_image_helpers import ALT, stored_image_files, upload
from pages import parse
from PIL import Image as PILImage

from ist_flask.images import DEFAULT_MAX_BYTES


def saved_path(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_a_photo_with_gps_comes_out_with_no_exif_anywhere(editor: FlaskClient, app: Flask) -> None:
    saved_path(upload(editor, jpeg_with_gps()))
    original, renditions = stored_image_files(app)
    for data in [original, *(r[2] for r in renditions)]:
        with PILImage.open(BytesIO(data)) as image:
            assert not image.getexif()
        assert b"Exif" not in data and b"GPS" not in data and b"SpyCam" not in data
    # And what readers download is what was stored.
    page = parse(editor.get("/en/statements/solidarity-with-the-strikers"))
    src = page.cssselect("article.statement img")[0].get("src")
    served = editor.get(src).data
    assert b"Exif" not in served


def test_the_photo_is_turned_upright(editor: FlaskClient, app: Flask) -> None:
    saved_path(upload(editor, jpeg_with_gps(1200, 800, orientation=6)))
    original, _renditions = stored_image_files(app)
    with PILImage.open(BytesIO(original)) as image:
        assert image.size == (800, 1200)


@pytest.mark.parametrize(("made", "name"), [(png, "drawing.png"), (webp, "photo.webp")])
def test_png_and_webp_are_accepted(editor: FlaskClient, made, name: str) -> None:  # type: ignore[no-untyped-def]
    saved_path(upload(editor, made(), name))
    page = parse(editor.get("/en/statements/solidarity-with-the-strikers"))
    assert page.cssselect("article.statement picture img")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (gif(), "not a JPEG, PNG or WebP image"),
        (b"hello, I am text", "not a JPEG, PNG or WebP image"),
        (truncated_jpeg(), "damaged or incomplete"),
        (decompression_bomb(), "million pixels"),
    ],
    ids=["gif", "text-named-jpg", "truncated", "bomb"],
)
def test_a_bad_file_is_refused_with_a_message_and_the_text_kept(
    editor: FlaskClient, bad: bytes, message: str
) -> None:
    response = upload(editor, bad, "photo.jpg")
    assert response.status_code == 422
    page = parse(response)
    assert message in page.cssselect("#image-error")[0].text_content()
    assert page.cssselect("input[name=translation_en-title]")[0].get("value") == (
        "Solidarity with the strikers"
    )
    assert page.cssselect("input[name=translation_en-image_alt]")[0].get("value") == ALT


def test_a_file_over_the_size_limit_is_refused(configured_app, app: Flask) -> None:  # type: ignore[no-untyped-def]
    small = configured_app(IMAGE_MAX_BYTES=2000)
    make_maintainer(small, email="small@example.org")
    client = small.test_client()
    sign_in(client, email="small@example.org")
    response = upload(client, jpeg_with_gps())
    assert response.status_code == 422
    assert "larger than" in parse(response).cssselect("#image-error")[0].text_content()
    assert DEFAULT_MAX_BYTES == 10 * 1024 * 1024


def test_alt_text_is_needed_in_the_original_language(editor: FlaskClient) -> None:
    response = upload(editor, jpeg_with_gps(), **{"translation_en-image_alt": ""})
    assert response.status_code == 422
    page = parse(response)
    assert (
        "Describe the image" in page.cssselect("#translation_en-image_alt-error")[0].text_content()
    )
    # The upload waits in the form: giving the alt text is enough to save.
    form = {
        name: value
        for name, value in (
            (field.get("name"), field.get("value"))
            for field in page.cssselect("input[type=hidden]")
        )
        if name
    }
    assert form["image_sha256"]


def test_saving_again_without_a_file_keeps_the_image_and_remove_drops_it(
    editor: FlaskClient,
) -> None:
    path = saved_path(upload(editor, jpeg_with_gps()))
    data = statement_form(editor, path)
    data["translation_fr-image_alt"] = "Des grévistes derrière une banderole rouge"
    data["action"] = "save"
    saved_path(post(editor, path, data))
    page = parse(editor.get("/fr/statements/solidarite-avec-les-grevistes"))
    assert page.cssselect("article.statement img")[0].get("alt") == (
        "Des grévistes derrière une banderole rouge"
    )
    data = statement_form(editor, path)
    data["remove_image"] = "y"
    data["action"] = "save"
    saved_path(post(editor, path, data))
    assert not parse(editor.get("/fr/statements/solidarite-avec-les-grevistes")).cssselect(
        "article.statement img"
    )


def test_renditions_are_served_for_a_year_with_their_type(editor: FlaskClient) -> None:
    saved_path(upload(editor, jpeg_with_gps(1200, 800)))
    page = parse(editor.get("/en/statements/solidarity-with-the-strikers"))
    source = page.cssselect("article.statement picture source")[0]
    img = page.cssselect("article.statement picture img")[0]
    assert source.get("type") == "image/webp"
    assert (img.get("width"), img.get("height")) == ("1200", "800")
    assert img.get("loading") is None  # the statement's own picture loads at once
    assert img.get("alt") == ALT
    urls = {
        candidate.split()[0]: int(candidate.split()[1].removesuffix("w"))
        for srcset in (source.get("srcset"), img.get("srcset"))
        for candidate in srcset.split(", ")
    }
    assert sorted(set(urls.values())) == [480, 960, 1200]
    for url, width in urls.items():
        response = editor.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["ETag"]
        assert "Cookie" not in response.headers.get("Vary", "")
        expected = "image/webp" if url.endswith(".webp") else "image/jpeg"
        assert response.headers["Content-Type"] == expected
        with PILImage.open(BytesIO(response.data)) as image:
            assert image.width == width
        again = editor.get(url, headers={"If-None-Match": response.headers["ETag"]})
        assert again.status_code == 304


def test_unknown_images_are_404(client: FlaskClient) -> None:
    assert client.get("/images/" + "a" * 64 + "-480.webp").status_code == 404
    assert client.get("/images/nothing-480.webp").status_code == 404
    assert client.get("/images/" + "a" * 64 + "-480.gif").status_code == 404


def test_the_card_on_the_front_page_shows_the_picture_lazily(editor: FlaskClient) -> None:
    saved_path(upload(editor, jpeg_with_gps()))
    page = parse(editor.get("/en/"))
    img = page.cssselect("article.entry picture img")[0]
    assert img.get("loading") == "lazy"
    assert img.get("alt") == ALT


def test_shared_cards_and_json_ld_name_the_image(editor: FlaskClient) -> None:
    saved_path(upload(editor, jpeg_with_gps(1200, 800)))
    page = parse(editor.get("/en/statements/solidarity-with-the-strikers"))
    meta = {m.get("property") or m.get("name"): m.get("content") for m in page.cssselect("meta")}
    assert meta["og:image"].endswith("-1200.jpg")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "800")
    assert meta["og:image:alt"] == ALT
    assert meta["twitter:card"] == "summary_large_image"
    article = json.loads(page.cssselect("script[type='application/ld+json']")[0].text)
    assert article["image"] == [meta["og:image"]]
    assert editor.get(meta["og:image"]).status_code == 200


def test_a_statement_without_an_image_keeps_the_site_card(client: FlaskClient) -> None:
    page = parse(client.get("/en/"))
    link = page.cssselect("article.entry h2 a")[-1].get("href")
    statement = parse(client.get(link))
    meta = {
        m.get("property") or m.get("name"): m.get("content") for m in statement.cssselect("meta")
    }
    assert meta["og:image"].endswith("/static/share.png")
    assert meta["twitter:card"] == "summary"


def test_the_upload_survives_a_preview(editor: FlaskClient) -> None:
    response = upload(editor, jpeg_with_gps(), action="preview")
    assert response.status_code == 200
    page = parse(response)
    sha = page.cssselect("input[name=image_sha256]")[0].get("value")
    assert len(sha) == 64
    saved = post(
        editor, NEW, {**new_statement(**{"translation_en-image_alt": ALT}), "image_sha256": sha}
    )
    saved_path(saved)
    assert parse(editor.get("/en/statements/solidarity-with-the-strikers")).cssselect(
        "article.statement picture"
    )


def test_an_upload_no_statement_took_is_removed_a_day_later(
    editor: FlaskClient, app: Flask
) -> None:
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import func, select, update

    from ist_flask.extensions import db
    from ist_flask.image_models import Image

    response = upload(editor, jpeg_with_gps(), action="preview")
    sha = parse(response).cssselect("input[name=image_sha256]")[0].get("value")

    def kept() -> int:
        with app.app_context():
            return db.session.execute(
                select(func.count(Image.id)).where(Image.sha256 == sha)
            ).scalar_one()

    assert kept() == 1
    with app.app_context():
        db.session.execute(
            update(Image)
            .where(Image.sha256 == sha)
            .values(created_at=datetime.now(UTC) - timedelta(days=2))
        )
        db.session.commit()
    saved_path(post(editor, NEW, new_statement(**{"translation_en-title": "Another"})))
    assert kept() == 0
    # The demo's image, which a statement shows, stays.
    demo = parse(editor.get("/en/statements/release-frank-garcia-hernandez-and-his-comrades"))
    assert editor.get(demo.cssselect("article.statement img")[0].get("src")).status_code == 200
