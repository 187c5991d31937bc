"""No pasted or imported character silences a feed or breaks a page.

XML 1.0 forbids most C0 control characters, lone surrogates, U+FFFE and
U+FFFF; lxml refuses a feed holding one. Word and PDFs paste vertical tabs and
form feeds. Each class goes in through the import and through the editor, and
then every feed, page, sitemap and search answers 200, and feedparser reads
every feed without complaint.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest
from admin_helpers import NEW, new_statement, post
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import downgrade, upgrade
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, text

from ist_flask.content import _NOT_XML, clean_text
from ist_flask.extensions import db
from ist_flask.models import UTCDateTime

# One of each kind XML 1.0 forbids, and the breaks Word writes.
FORBIDDEN = {
    "vertical tab": "\x0b",
    "form feed": "\x0c",
    "start of text": "\x02",
    "end of text": "\x03",
    "unit separator": "\x1f",
    "nul": "\x00",
    "U+FFFE": "\ufffe",
    "U+FFFF": "\uffff",
    "lone surrogate": "\ud800",
}
# A browser cannot send a lone surrogate (it becomes U+FFFD), and this site
# refuses a form holding a NUL with a 400 (test_security.py).
THROUGH_THE_EDITOR = {
    name: c for name, c in FORBIDDEN.items() if name not in ("nul", "lone surrogate")
}

FEEDS = [f"{prefix}/feed.{kind}" for prefix in ("", "/en") for kind in ("atom", "rss", "json")]


def every_answer_is_good(client: FlaskClient, statement_path: str, word: str) -> None:
    """Every feed parses cleanly and every page the statement is on answers 200."""
    for path in FEEDS:
        response = client.get(path)
        assert response.status_code == 200, path
        if path.endswith(".json"):
            json.loads(response.get_data())
            continue
        lxml.etree.fromstring(response.get_data())
        feed = feedparser.parse(response.get_data())
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        assert any(word in entry.title for entry in feed.entries), path
    for path in ("/", "/en/", statement_path, "/archive/2024/03", "/sitemap.xml", "/en/archive"):
        assert client.get(path).status_code == 200, path
    found = client.get(f"/search?q={word}")
    assert found.status_code == 200
    assert statement_path in found.get_data(as_text=True)


def import_file(tmp_path: Path, runner: FlaskCliRunner, character: str) -> None:
    dirty = f"Marked{character}word"
    document = {
        "statements": [
            {
                "published": "2024-03-05T10:00:00Z",
                "translations": {
                    "en": {
                        "title": f"Pasted{character} from Word",
                        # ijson's C parser reads a lone surrogate as "?", which no slug holds.
                        "slug": "pasted-from-word" + ("" if character == "\ud800" else character),
                        "summary": f"A summary{character} here",
                        "body": f"<p>Text with {dirty} inside.</p>",
                        "markdown": f"Text with {dirty} inside.",
                    }
                },
            }
        ]
    }
    path = tmp_path / "dirty.json"
    # ensure_ascii keeps every character as a JSON escape, lone surrogates too.
    path.write_text(json.dumps(document, ensure_ascii=True), encoding="utf-8")
    result = runner.invoke(args=["statements", "import", str(path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("character", FORBIDDEN.values(), ids=FORBIDDEN.keys())
def test_an_import_with_a_forbidden_character_leaves_every_feed_and_page_working(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path, character: str
) -> None:
    import_file(tmp_path, runner, character)
    with app.app_context():
        row = db.session.execute(
            text(
                "SELECT title, slug, summary, body, body_source FROM translations WHERE slug = :s"
            ),
            {"s": "pasted-from-word"},
        ).one()
    assert row.title in ("Pasted from Word", "Pasted\n from Word", "Pasted? from Word")
    assert not any(c in value for value in row for c in FORBIDDEN.values()), tuple(row)
    every_answer_is_good(client, "/en/statements/pasted-from-word", "Pasted")


@pytest.mark.parametrize("character", THROUGH_THE_EDITOR.values(), ids=THROUGH_THE_EDITOR.keys())
def test_a_forbidden_character_pasted_into_the_editor_leaves_every_feed_and_page_working(
    app: Flask, editor: FlaskClient, character: str
) -> None:
    form = new_statement(
        published_at="2024-03-05T10:00",
        **{
            "translation_en-title": f"Pasted{character} from Word",
            "translation_en-slug": f"pasted-from-word{character}",
            "translation_en-summary": f"A summary{character} here",
            "translation_en-body": f"Text with Marked{character}word inside.",
        },
    )
    assert post(editor, NEW, form).status_code == 302
    with app.app_context():
        stored = db.session.execute(
            text("SELECT title, summary, body, body_source FROM translations WHERE slug = :s"),
            {"s": "pasted-from-word"},
        ).one()
    for value in stored:
        assert not any(c in value for c in FORBIDDEN.values()), repr(value)
    every_answer_is_good(editor, "/en/statements/pasted-from-word", "Pasted")


def parse_html(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def store_dirty_row(app: Flask, character: str) -> None:
    """Text as an older version stored it, or as someone typed it into SQL."""
    with app.app_context():
        db.session.execute(
            text(
                "UPDATE translations SET title = :title, body = :body, search_text = :words "
                "WHERE slug = 'release-frank-garcia-hernandez-and-his-comrades'"
            ),
            {
                "title": f"Release{character} Frank",
                "body": f"<p>Comrades{character} arrested.</p>",
                "words": f"Comrades{character} arrested \x02 here \x03\x03 and \x02",
            },
        )
        db.session.commit()


@pytest.mark.parametrize("character", ["\x0b", "\x02", "\ufffe"], ids=["vt", "stx", "fffe"])
def test_feeds_built_from_text_stored_before_the_cleaning_still_answer(
    app: Flask, client: FlaskClient, character: str
) -> None:
    store_dirty_row(app, character)
    for path in ("/feed.atom", "/feed.rss", "/en/feed.atom", "/en/feed.rss"):
        response = client.get(path)
        assert response.status_code == 200, path
        feed = feedparser.parse(response.get_data())
        assert feed.bozo == 0, (path, feed.get("bozo_exception"))
        titles = [entry.title for entry in feed.entries]
        assert "Release\n Frank" in titles or "Release Frank" in titles, titles


def test_search_snippets_keep_their_marks_balanced(app: Flask, client: FlaskClient) -> None:
    store_dirty_row(app, "\x02")
    page = client.get("/search?q=arrested").get_data(as_text=True)
    assert "<mark>arrested</mark>" in page
    assert page.count("<mark>") == page.count("</mark>")
    snippets = parse_html(page).cssselect(".entry-excerpt")
    assert snippets and not any(c in p.text_content() for p in snippets for c in "\x02\x03")


def test_the_migration_cleans_text_stored_before_it(empty_app: Flask) -> None:
    with empty_app.app_context():
        downgrade(revision="0004")
        moment = datetime(2024, 3, 5, 10, tzinfo=UTC)
        statement_id = db.session.execute(
            text(
                "INSERT INTO statements (published_at, original_language, status, version) "
                "VALUES (:at, 'en', 'published', 1) RETURNING id"
            ).bindparams(bindparam("at", type_=UTCDateTime())),
            {"at": moment},
        ).scalar_one()
        db.session.execute(
            text(
                "INSERT INTO translations (statement_id, language, title, slug, summary, body, "
                "body_source, search_text, updated_at) VALUES (:id, 'en', 'Form\x0cfeed', "
                "'form-feed', 'Sum\x02mary', '<p>Bo\x0bdy\x1f</p>', 'Bo\x0bdy\x1f', 'Bo\x0bdy', "
                ":at)"
            ).bindparams(bindparam("at", type_=UTCDateTime())),
            {"id": statement_id, "at": moment},
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(
            text("SELECT title, summary, body, body_source, search_text FROM translations")
        ).one()
    assert tuple(row) == ("Form\nfeed", "Summary", "<p>Bo\ndy</p>", "Bo\ndy", "Bo\ndy")
    assert empty_app.test_client().get("/feed.atom").status_code == 200


# Texts of every width CPython stores (ASCII, Latin-1, BMP, astral), each with
# or without a forbidden character somewhere: clean_text's fast test must give
# the regular expression's answer for all of them.
@settings(max_examples=500, deadline=None)
@given(
    st.text(alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF)),
    st.sampled_from(["", "a", "é", "Ω", "рабочие", "😀", *FORBIDDEN.values()]),
    st.integers(min_value=0, max_value=1_000),
)
def test_clean_text_removes_exactly_what_xml_forbids(text: str, extra: str, at: int) -> None:
    text = text[:at] + extra + text[at:]
    expected = _NOT_XML.sub(lambda found: "\n" if found.group() in "\x0b\x0c" else "", text)
    assert clean_text(text) == expected
    assert _NOT_XML.search(clean_text(text)) is None
