"""Lead images in feeds, in the statement file, in the SQL a page costs, and
through migration 0013 and back."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import feedparser
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from image_files import jpeg_with_gps
from lead_image_helpers import ALT, upload
from sqlalchemy import inspect, text
from test_query_count import queries_for

from ist_flask.extensions import db
from ist_flask.images import clean_upload


def saved(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)


def test_atom_and_rss_carry_the_image_as_an_enclosure(editor: FlaskClient) -> None:
    saved(upload(editor, jpeg_with_gps(1200, 800)))
    for path in ("/en/feed.atom", "/feed.rss", "/feed.atom"):
        feed = feedparser.parse(editor.get(path).data)
        assert not feed.bozo, (path, feed.bozo_exception)
        entry = next(e for e in feed.entries if e.title == "Solidarity with the strikers")
        (enclosure,) = entry.enclosures
        assert enclosure.type == "image/jpeg"
        assert enclosure.href.endswith("-1200.jpg")
        image = editor.get(enclosure.href)
        assert int(enclosure.length) == len(image.data)
        # The entry still opens its own page.
        assert entry.link.endswith("/en/statements/solidarity-with-the-strikers")


def test_the_json_feed_gives_the_image(editor: FlaskClient) -> None:
    saved(upload(editor, jpeg_with_gps()))
    items = json.loads(editor.get("/en/feed.json").data)["items"]
    item = next(i for i in items if i["title"] == "Solidarity with the strikers")
    assert editor.get(item["image"]).status_code == 200
    plain = [i for i in items if i["title"].startswith("Joint statement")]
    assert plain and all("image" not in i for i in plain)


def test_export_import_export_with_an_image_is_byte_identical(
    editor: FlaskClient, app: Flask, empty_app: Flask, tmp_path: Path
) -> None:
    saved(upload(editor, jpeg_with_gps(), **{"translation_fr-image_caption": "Légende"}))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert app.test_cli_runner().invoke(args=["statements", "export", str(first)]).exit_code == 0
    exported = json.loads(first.read_text("utf-8"))["statements"]
    pictured = [s for s in exported if "image" in s]
    assert len(pictured) >= 1
    assert pictured[-1]["translations"]["en"]["image_alt"] == ALT
    assert pictured[-1]["translations"]["fr"]["image_caption"] == "Légende"
    original = base64.b64decode(pictured[-1]["image"]["data"])
    assert b"Exif" not in original
    with app.app_context():
        for table in ("statement_images", "renditions", "images", "translations", "statements"):
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.commit()
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["statements", "import", str(first)])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["statements", "export", str(second)]).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    # The renditions were made again, and are served.
    client = empty_app.test_client()
    page = client.get("/en/statements/solidarity-with-the-strikers").get_data(as_text=True)
    assert "srcset" in page


def test_an_imported_image_is_cleaned_and_needs_alt_text(empty_app: Flask) -> None:
    dirty = base64.b64encode(jpeg_with_gps()).decode("ascii")
    add(
        empty_app,
        statement(
            "2024-05-01T12:00:00Z",
            {"en": {"title": "Pictured", "image_alt": "A picture"}},
            image={"media_type": "image/jpeg", "data": dirty},
        ),
    )
    page = empty_app.test_client().get("/en/statements/pictured").get_data(as_text=True)
    assert 'alt="A picture"' in page
    with empty_app.app_context():
        stored = db.session.execute(text("SELECT data FROM images")).scalar_one()
    assert b"Exif" not in bytes(stored)

    from ist_flask.statement_file import StatementFileError

    try:
        add(
            empty_app,
            statement(
                "2024-05-02T12:00:00Z",
                {"en": {"title": "No alt"}},
                image={"media_type": "image/jpeg", "data": dirty},
            ),
        )
    except StatementFileError as error:
        assert "image_alt" in str(error)
    else:
        raise AssertionError("an image without alt text was imported")


def test_a_listing_costs_no_more_queries_with_images(configured_app) -> None:  # type: ignore[no-untyped-def]
    app = configured_app(PAGE_CACHE_BYTES=0)
    original = base64.b64encode(clean_upload(jpeg_with_gps(600, 400)).data).decode("ascii")
    add(
        app,
        *(
            statement(f"2024-05-{day:02d}T12:00:00Z", {"en": {"title": f"Plain {day}"}})
            for day in range(1, 11)
        ),
    )
    before = {path: queries_for(app, path) for path in ("/", "/en/", "/en/statements/plain-3")}
    add(
        app,
        *(
            statement(
                f"2024-06-{day:02d}T12:00:00Z",
                {"en": {"title": f"Pictured {day}", "image_alt": "Red and black"}},
                image={"media_type": "image/jpeg", "data": original},
            )
            for day in range(1, 11)
        ),
    )
    after = {path: queries_for(app, path) for path in ("/", "/en/", "/en/statements/pictured-3")}
    assert list(before.values()) == list(after.values()), (before, after)
    assert "srcset" in app.test_client().get("/en/").get_data(as_text=True)


def test_migration_0013_goes_down_and_up_keeping_the_statements(app: Flask) -> None:
    with app.app_context():
        counted = db.session.execute(text("SELECT count(*) FROM translations")).scalar_one()
        # The migration's connection must not wait on this session's locks.
        db.session.remove()
        downgrade(revision="0012")
        db.session.remove()
        names = set(inspect(db.engine).get_table_names())
        assert not names & {"images", "renditions", "statement_images"}
        columns = {c["name"] for c in inspect(db.engine).get_columns("translations")}
        assert "image_alt" not in columns
        assert db.session.execute(text("SELECT count(*) FROM translations")).scalar_one() == counted
        db.session.remove()
        upgrade()
        db.session.remove()
        assert db.session.execute(text("SELECT count(*) FROM translations")).scalar_one() == counted
        version = db.session.execute(text("SELECT content_version FROM site_state")).scalar_one()
        statement_id = db.session.execute(text("SELECT min(id) FROM statements")).scalar_one()
        db.session.execute(
            text(
                "INSERT INTO images (sha256, media_type, width, height, data, created_at) "
                "VALUES ('x', 'image/png', 1, 1, :data, CURRENT_TIMESTAMP)"
            ),
            {"data": b"png"},
        )
        db.session.execute(
            text(
                "INSERT INTO statement_images (statement_id, image_id) "
                "SELECT :statement, id FROM images"
            ),
            {"statement": statement_id},
        )
        db.session.commit()
        raised = db.session.execute(text("SELECT content_version FROM site_state")).scalar_one()
        assert raised > version  # pages showing the image are made again
