"""What a first-time maintainer tripped on in the editor, and the small things
a reader's tools read: time zones, links, fresh pages, plurals, descriptions."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from admin_helpers import NEW, make_maintainer, new_statement, post, sign_in, statement_form
from builders import add, statement
from flask import Flask
from flask.testing import FlaskClient
from pages import parse

from ist_flask.content import short_description
from ist_flask.extensions import db
from ist_flask.models import Statement, Translation

FR = "/fr/statements/liberez-frank-garcia-hernandez-et-ses-camarades"


def test_the_editors_title_search_ignores_accents_and_case(editor: FlaskClient) -> None:
    for query in ("garcia", "GARCÍA", "hernandez", "LIBÉREZ"):
        page = parse(editor.get("/admin/", query_string={"q": query}))
        titles = [a.text_content() for a in page.cssselect(".statement-table tbody td a[lang]")]
        assert titles == ["Release Frank García Hernández And His Comrades"], query
    assert "No statement matches." in editor.get("/admin/?q=kangaroo").get_data(as_text=True)
    assert editor.get("/admin/?q=100%25_").status_code == 200


def test_the_publication_time_says_its_time_zone(configured_app: Callable[..., Flask]) -> None:
    app = configured_app(TIMEZONE="Europe/Athens")
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    page = parse(client.get(NEW))
    assert page.cssselect("#published_at-hint")[0].text_content() == (
        "In the Europe/Athens time zone."
    )
    assert post(client, NEW, new_statement(published_at="2024-01-01T01:30")).status_code == 302
    # Read in Athens: 01:30 there is 23:30 UTC the day before.
    with app.app_context():
        stored = db.session.scalar(
            db.select(Statement.published_at)
            .join(Statement.translations)
            .where(Translation.title == "Solidarity with the strikers")
        )
    assert stored == datetime(2023, 12, 31, 23, 30, tzinfo=UTC)
    listed = parse(client.get("/admin/"))
    assert "2024-01-01" in listed.cssselect(".statement-table tbody time")[0].text_content()


def test_the_editor_links_each_published_translation_to_its_page(
    app: Flask, editor: FlaskClient
) -> None:
    page = parse(editor.get("/admin/"))
    links = [a.get("href") for a in page.cssselect(".statement-table td.state a")]
    assert FR in links and len(links) == 4
    for href in links:
        assert editor.get(href).status_code == 200
    post(editor, NEW, new_statement(status="draft", **{"translation_en-title": "Draft only"}))
    draft_row = next(
        row
        for row in parse(editor.get("/admin/")).cssselect("tbody tr")
        if "Draft only" in row.text_content()
    )
    assert not draft_row.cssselect("td.state a")


def test_the_process_that_saved_shows_the_new_page_at_once(
    configured_app: Callable[..., Flask],
) -> None:
    """Other processes notice within CONTENT_VERSION_MAX_AGE; this one at once."""
    app = configured_app(CONTENT_VERSION_MAX_AGE=600)
    add(app, statement("2024-01-01T00:00:00Z", {"en": {"title": "First words", "slug": "words"}}))
    make_maintainer(app)
    client = app.test_client()
    sign_in(client)
    assert "First words" in client.get("/en/statements/words").get_data(as_text=True)
    path = next(
        a.get("href")
        for a in parse(client.get("/admin/")).cssselect(".statement-table a[lang]")
        if a.text_content() == "First words"
    )
    form = statement_form(client, path)
    form["translation_en-title"] = "Second words"
    assert post(client, path, form).status_code == 302
    assert "Second words" in client.get("/en/statements/words").get_data(as_text=True)


def test_counts_use_plural_forms(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    one = tmp_path / "one.json"
    one.write_text(
        json.dumps({"statements": [statement("2024-01-01T00:00:00Z", {"en": {"title": "Alone"}})]})
    )
    assert (
        "Imported 1 statement from" in runner.invoke(args=["statements", "import", str(one)]).output
    )
    out = tmp_path / "out.json"
    assert (
        "Exported 3 statements to" in runner.invoke(args=["statements", "export", str(out)]).output
    )


def test_password_fields_say_what_they_hold(client: FlaskClient) -> None:
    page = parse(client.get("/admin/login"))
    assert page.cssselect("input[type=password]")[0].get("autocomplete") == "current-password"
    assert page.cssselect("input[type=email]")[0].get("autocomplete") == "username"


def test_archive_months_far_from_any_statement_are_404(client: FlaskClient) -> None:
    assert client.get("/archive/2020/11").status_code == 200  # the first statement
    assert client.get("/archive/2021/01").status_code == 200  # between: empty, but a month
    assert client.get("/archive/2021/07").status_code == 200  # the last
    for path in ("/archive/2020/10", "/archive/2021/08", "/archive/0001/01", "/fr/archive/3000/01"):
        assert client.get(path).status_code == 404, path


def test_descriptions_are_short_and_cut_at_a_word(client: FlaskClient) -> None:
    page = parse(client.get(FR))
    for selector in (
        'meta[name="description"]',
        'meta[property="og:description"]',
        'meta[name="twitter:description"]',
    ):
        content = page.cssselect(selector)[0].get("content")
        assert 100 <= len(content) <= 160, (selector, len(content))
        assert content.endswith("…") and content.startswith("Depuis des années")
    assert short_description("Short enough.") == "Short enough."
    assert short_description("word " * 100).endswith("word…")


def test_the_json_feed_icon_is_square_and_512_pixels(client: FlaskClient) -> None:
    icon = json.loads(client.get("/feed.json").get_data())["icon"]
    with client.get(icon.removeprefix("http://localhost")) as response:
        assert response.status_code == 200 and response.mimetype == "image/png"
        data = response.get_data()
    assert struct.unpack(">II", data[16:24]) == (512, 512)
